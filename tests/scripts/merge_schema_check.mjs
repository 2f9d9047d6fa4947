// merge_schema_check.mjs: DuckDB's side of ingest_test.sh's schema-evolution scenario. Replays
// the table's JSON log by itself (live files, the versions carrying metaData, the latest
// schemaString), reads every live file with DuckDB matching columns by name (files written
// before the merge lack the new columns) and prints one JSON line: the row count, per column
// how many rows are null ("s.b": member b of struct s), the schema's top-level field names and
// the metaData versions.
//   node merge_schema_check.mjs <tests/tools dir> <table> <column>...
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [tools, table, ...columns] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href)

const log = path.join(table, '_delta_log')
const live = new Map()
const metadataVersions = []
let schema = null
for (const f of fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()) {
  for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
    if (!line.trim()) continue
    const a = JSON.parse(line)
    if (a.add) live.set(decodeURIComponent(a.add.path), a.add)
    if (a.remove) live.delete(decodeURIComponent(a.remove.path))
    if (a.metaData) {
      metadataVersions.push(Number(f.slice(0, 20)))
      schema = JSON.parse(a.metaData.schemaString)
    }
  }
}
const q = (s) => `'${s.replaceAll("'", "''")}'`
const id = (s) => `"${s.replaceAll('"', '""')}"`
const files = [...live.keys()].map((p) => q(path.join(table, p))).join(', ')
const db = await DuckDBInstance.create(':memory:')
const c = await db.connect()
// "s.b" is member b of struct column s.
const ref = (col) => col.split('.').reduce((e, member) => (e ? `struct_extract(${e}, ${q(member)})` : id(member)), '')
const select = columns.map((col) => `count(*) FILTER (WHERE ${ref(col)} IS NULL) AS ${id(col)}`)
const [counts] = (await c.runAndReadAll(`SELECT count(*) AS rows, ${select.join(', ')}
  FROM read_parquet([${files}], union_by_name = true)`)).getRowObjectsJS()
const num = (v) => (typeof v === 'bigint' ? Number(v) : v)
console.log(JSON.stringify({
  rows: num(counts.rows),
  nulls: Object.fromEntries(columns.map((col) => [col, num(counts[col])])),
  fields: schema.fields.map((f) => f.name),
  metadata_versions: metadataVersions,
  files: live.size,
}))
