// optimize_bench_duckdb.mjs: DuckDB's side of bench/optimize_bench.sh. Rewrites the live files
// of a Delta table (the list from the JSON log) into one Parquet file set partitioned by
// SupplierId, as OPTIMIZE does: COPY ... TO <out> (FORMAT parquet, PARTITION_BY (SupplierId),
// snappy). Prints the rows written.
//   node optimize_bench_duckdb.mjs <tests/tools dir> <table> <out dir>
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [tools, table, out] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href)
const log = path.join(table, '_delta_log')
const live = new Set()
for (const f of fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()) {
  for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
    if (!line.trim()) continue
    const a = JSON.parse(line)
    if (a.add) live.add(decodeURIComponent(a.add.path))
    if (a.remove) live.delete(decodeURIComponent(a.remove.path))
  }
}
const q = (s) => `'${s.replaceAll("'", "''")}'`
const files = [...live].map((p) => q(path.join(table, p))).join(',')
const instance = await DuckDBInstance.create(':memory:')
const conn = await instance.connect()
const r = await conn.runAndReadAll(`COPY (SELECT * FROM read_parquet([${files}], hive_partitioning = true))
  TO ${q(out)} (FORMAT parquet, PARTITION_BY (SupplierId), COMPRESSION snappy)`)
console.log(String(r.getRowsJS()[0]?.[0] ?? ""))
