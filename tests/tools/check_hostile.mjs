// check_hostile.mjs: every record of hostile_records.mjs ended where docs/decoding.md says:
// in the table (found by its MeterId "h<n>") or in the dead-letter table (found by its line for
// `lakestream ingest`, by its exact bytes for a stream), none lost and none twice.
//   node check_hostile.mjs --table T --dead-letter D --expect FILE.json [--by-line]
import { DuckDBInstance } from '@duckdb/node-api'
import fs from 'node:fs'
import path from 'node:path'

const args = process.argv.slice(2)
const opt = (n) => args[args.indexOf(n) + 1]
const table = opt('--table')
const deadLetter = opt('--dead-letter')
const expected = JSON.parse(fs.readFileSync(opt('--expect'), 'utf8'))
const byLine = args.includes('--by-line')

function liveFiles(t) {
  const log = path.join(t, '_delta_log')
  const live = new Map()
  for (const f of fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()) {
    for (const l of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
      if (!l.trim()) continue
      const a = JSON.parse(l)
      if (a.add) live.set(a.add.path, path.join(t, decodeURIComponent(a.add.path)))
      if (a.remove) live.delete(a.remove.path)
    }
  }
  return [...live.values()].map((p) => `'${p.replaceAll("'", "''")}'`).join(',')
}
const db = await DuckDBInstance.create(':memory:')
const c = await db.connect()
const ids = (await c.runAndReadAll(`SELECT regexp_extract(MeterId, '^h[0-9]+') AS id FROM read_parquet([${liveFiles(table)}], hive_partitioning = false)`))
  .getRowObjectsJson().map((r) => r.id)
const dead = (await c.runAndReadAll(`SELECT ${byLine ? 'line' : 'NULL AS line'}, lower(hex(raw)) AS hex, reason FROM read_parquet([${liveFiles(deadLetter)}], hive_partitioning = false)`))
  .getRowObjectsJson()
const idCount = new Map()
for (const id of ids) idCount.set(id, (idCount.get(id) ?? 0) + 1)
let bad = 0
const tally = { row: 0, dead: 0 }
for (const e of expected) {
  const rows = idCount.get(e.id) ?? 0
  const letters = dead.filter((d) => (byLine ? Number(d.line) === e.line : d.hex === e.hex))
  const got = rows === 1 && letters.length === 0 ? 'row' : rows === 0 && letters.length === 1 ? 'dead' : `${rows} rows, ${letters.length} dead letters`
  if (got !== e.expect) {
    bad++
    console.error(`check_hostile: line ${e.line} (${e.name}): expected ${e.expect}, got ${got}`)
  } else tally[got]++
  if (got === 'dead' && !(letters[0].reason ?? '').length) {
    bad++
    console.error(`check_hostile: line ${e.line} (${e.name}) has no reason`)
  }
}
if (ids.length !== tally.row || dead.length !== tally.dead) {
  bad++
  console.error(`check_hostile: the tables hold ${ids.length} rows and ${dead.length} dead letters, expected ${tally.row} and ${tally.dead}`)
}
if (bad) process.exit(1)
console.log(JSON.stringify({ records: expected.length, rows: tally.row, deadLetters: tally.dead }))
