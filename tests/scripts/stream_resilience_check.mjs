// stream_resilience_check.mjs: DuckDB's side of stream_resilience_test.sh. Replays the table's
// JSON log by itself (adds minus removes, txn actions), reads the live files with DuckDB and
// checks the rows against what the test produced: events n = 0..N-1 with v = n*3019,
// ObservationTime = 2021-01-19T10:00:00Z + n ms (unique per event). Exactly N rows, N distinct
// ObservationTimes (no duplicate, no loss), and the sum of Measurement_Value must match.
// Prints one JSON line {rows, distinct, version, txn: {partition: version}} on success.
//   node stream_resilience_check.mjs <tests/tools dir> <table> <N>
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [tools, table, nText] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href)
const fail = (m) => { console.error(`stream_resilience_check: ${m}`); process.exit(1) }
const n = Number(nText)

const log = path.join(table, '_delta_log')
if (!fs.existsSync(log)) fail(`${log} does not exist (nothing was committed)`)
const live = new Map()
const txn = {}
const commits = fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()
commits.forEach((f, i) => {
  if (Number(f.slice(0, 20)) !== i) fail(`${log}: commit ${f} out of sequence`)
  for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
    if (!line.trim()) continue
    const a = JSON.parse(line)
    if (a.add) live.set(decodeURIComponent(a.add.path), a.add)
    if (a.remove) live.delete(decodeURIComponent(a.remove.path))
    // appId = <query id>-<topic>-<partition>; dead-letter txns end in -dead-letter.
    if (a.txn && !a.txn.appId.endsWith('-dead-letter')) {
      const p = a.txn.appId.slice(a.txn.appId.lastIndexOf('-') + 1)
      txn[p] = a.txn.version
    }
  }
})
const db = await DuckDBInstance.create(':memory:')
const c = await db.connect()
const q = (s) => `'${s.replaceAll("'", "''")}'`
let rows = 0
let distinct = 0
let sum = 0
if (live.size > 0) {
  const files = [...live.keys()].map((p) => q(path.join(table, p))).join(', ')
  const r = (await c.runAndReadAll(`SELECT count(*)::BIGINT AS rows,
      count(DISTINCT ObservationTime)::BIGINT AS dist,
      coalesce(sum(Measurement_Value), 0)::BIGINT AS s
    FROM read_parquet([${files}])`)).getRowObjectsJS()[0]
  rows = Number(r.rows)
  distinct = Number(r.dist)
  sum = Number(r.s)
}
let expectedSum = 0
for (let i = 0; i < n; i++) expectedSum += (i * 3019) % 59
const summary = { rows, distinct, version: commits.length - 1, files: live.size, txn }
if (rows !== n) fail(`${rows} rows, expected ${n} (${JSON.stringify(summary)})`)
if (distinct !== n) fail(`${distinct} distinct events in ${rows} rows: duplicates`)
if (sum !== expectedSum) fail(`sum of Measurement_Value ${sum}, expected ${expectedSum}`)
console.log(JSON.stringify(summary))
