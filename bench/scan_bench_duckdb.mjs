// scan_bench_duckdb.mjs: DuckDB's side of bench/scan_bench.sh. Reads the live files of a Delta
// table (the list from the JSON log, partition value from partitionValues) and writes every
// row as JSON lines to /dev/null, like `lakestream show --format json > /dev/null`; with a
// supplier, only that partition's files. Prints the seconds inside the process.
//   node scan_bench_duckdb.mjs <tests/tools dir> <table> [supplier]
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [tools, table, supplier] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href)
const t0 = process.hrtime.bigint()
const log = path.join(table, '_delta_log')
const live = new Map()
for (const f of fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()) {
  for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
    if (!line.trim()) continue
    const a = JSON.parse(line)
    if (a.add) live.set(decodeURIComponent(a.add.path), a.add.partitionValues.SupplierId)
    if (a.remove) live.delete(decodeURIComponent(a.remove.path))
  }
}
const q = (s) => `'${s.replaceAll("'", "''")}'`
const files = [...live].filter(([, s]) => supplier === undefined || s === supplier)
const sql = `COPY (SELECT * FROM read_parquet([${files.map(([p]) => q(path.join(table, p))).join(',')}],
  hive_partitioning = true)) TO '/dev/null' (FORMAT json)`
const instance = await DuckDBInstance.create(':memory:')
const conn = await instance.connect()
await conn.run(sql)
console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, files: files.length }))
