// soak_totals.mjs: bench/soak.sh's exactness check under CHAOS=1. The table's rows (every live
// file: the adds of its JSON commits minus their removes, read by DuckDB) against the number of
// events the hub received; prints both and exits 1 when they differ.
//   node soak_totals.mjs <tests/tools> <table> <events produced>
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [tools, table, produced] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href)

const log = path.join(table, '_delta_log')
const live = new Map() // path in the log -> numRecords from its stats
let commits = 0
for (const f of fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()) {
  commits++
  for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
    if (!line.trim()) continue
    const a = JSON.parse(line)
    if (a.add) live.set(a.add.path, a.add.stats ? JSON.parse(a.add.stats).numRecords : null)
    if (a.remove) live.delete(a.remove.path)
  }
}
const files = [...live.keys()].map((p) => path.join(table, decodeURIComponent(p)))
const db = await DuckDBInstance.create(':memory:')
const conn = await db.connect()
const list = files.map((p) => `'${p.replaceAll("'", "''")}'`).join(',')
const rows = files.length === 0 ? 0 : Number((await conn.runAndReadAll(
  `SELECT count(*) AS n FROM read_parquet([${list}], hive_partitioning = false)`)).getRowObjectsJson()[0].n)
const stats = [...live.values()].reduce((s, n) => s + (n ?? 0), 0)
const want = Number(produced)
console.log(`totals: ${want} events in the hub, ${rows} rows in the table (${files.length} live files after ` +
  `${commits} commits; ${stats} by the files' statistics): ${rows === want && stats === want ? 'exact' : 'NOT EXACT'}`)
process.exit(rows === want && stats === want ? 0 : 1)
