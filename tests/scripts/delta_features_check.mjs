// delta_features_check.mjs: DuckDB's view of a Delta table lakestream appended to, for
// delta_features_test.sh. Replays the table's JSON log by itself (live files: adds minus
// removes), then runs one SQL query in DuckDB where
//   t     = the live files' rows (read_parquet, columns matched by name, as stored),
//   s     = parquet_schema() of the live files (name, field_id, ... per file),
//   adds  = the live add actions (path, partitionValues and stats as JSON text),
// and prints the query's rows as one JSON array (BigInts as numbers, dates as text).
//   node delta_features_check.mjs <tests/tools dir> <table> <sql>
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [tools, table, sql] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href)

const log = path.join(table, '_delta_log')
const live = new Map()
for (const f of fs.readdirSync(log).filter((n) => /^\d{20}\.json$/.test(n)).sort()) {
  for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
    if (!line.trim()) continue
    const a = JSON.parse(line)
    if (a.add) live.set(a.add.path, a.add)
    if (a.remove) live.delete(a.remove.path)
  }
}
const files = [...live.keys()].map((p) => path.join(table, decodeURIComponent(p)))
const quote = (s) => `'${s.replaceAll("'", "''")}'`
const list = `[${files.map(quote).join(', ')}]`
const db = await (await DuckDBInstance.create(':memory:')).connect()
if (files.length > 0) {
  await db.run(`CREATE VIEW t AS SELECT * FROM read_parquet(${list}, union_by_name = true)`)
  await db.run(`CREATE VIEW s AS SELECT * FROM parquet_schema(${list})`)
} else {
  await db.run('CREATE TABLE t (none INTEGER)')
  await db.run('CREATE TABLE s (name VARCHAR, field_id INTEGER)')
}
await db.run('CREATE TABLE adds (path VARCHAR, partition_values VARCHAR, stats VARCHAR)')
for (const a of live.values()) {
  await db.run(
    `INSERT INTO adds VALUES (${quote(a.path)}, ${quote(JSON.stringify(a.partitionValues ?? {}))}, ${quote(a.stats ?? '')})`)
}
const reader = await db.runAndReadAll(sql)
const rows = reader.getRowObjectsJson()
console.log(JSON.stringify(rows))
