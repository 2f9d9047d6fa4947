// ui_check.mjs: the checks of ui_test.sh against a live streaming_job's UI, after it drained
// every produced event. What the UI says is compared with what the job logged and with what
// the tables hold (the Delta logs replayed here, the rows counted by DuckDB):
//   - /api/v1/queries: one ACTIVE query; its totals equal the produced good and bad events;
//     its lag is 0 on every partition; its table version is the table's last commit.
//   - /api/v1/queries/<id>/progress: byte for byte the last (up to 100) progress records the
//     job printed on stderr, oldest first.
//   - /metrics: the counters equal the rows DuckDB counts in the table and the dead-letter
//     table, the add actions and their sizes in both logs, the table's version; every lag
//     gauge is 0; the event latency histogram counted every input row; process metrics exist.
//   - no secret (any of the given markers) in any page, asset, API answer, metric or log line,
//     and the configuration shows the connection string as *********(redacted);
//   - /healthz and /readyz answer 200; a POST is refused with 405.
// Prints one JSON summary line on success; exit 1 with the reason otherwise.
//   node ui_check.mjs <tests/tools> <base url> <job stderr> <table> <dead-letter table>
//                     <good events> <bad events> <secret>...
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [tools, baseArg, jobErr, table, deadLetters, goodText, badText, ...secrets] = process.argv.slice(2)
if (!secrets.length) {
  console.error('usage: node ui_check.mjs <tools> <base url> <job stderr> <table> <dead-letter table> <good> <bad> <secret>...')
  process.exit(2)
}
const base = baseArg.replace(/\/+$/, '')
const good = Number(goodText)
const bad = Number(badText)
const fail = (m) => { console.error(`ui_check: ${m}`); process.exit(1) }
const expectEq = (what, got, want) => {
  if (got !== want) fail(`${what} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`)
}

async function get(p, { status = 200, method = 'GET' } = {}) {
  const r = await fetch(base + p, { method })
  const body = await r.text()
  if (r.status !== status) fail(`${method} ${p}: HTTP ${r.status}, expected ${status}: ${body.slice(0, 300)}`)
  return body
}
const getJson = async (p) => JSON.parse(await get(p))

// ---- the tables, replayed from their JSON logs ----
function replay(dir) {
  const log = path.join(dir, '_delta_log')
  if (!fs.existsSync(log)) fail(`${log} does not exist`)
  const live = new Map()
  let adds = 0
  let bytes = 0
  const commits = fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()
  for (const f of commits) {
    for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
      if (!line.trim()) continue
      const a = JSON.parse(line)
      if (a.add) {
        live.set(decodeURIComponent(a.add.path), a.add)
        if (a.add.dataChange !== false) {  // a compaction's files are not the stream's writes
          adds++
          bytes += a.add.size
        }
      }
      if (a.remove) live.delete(decodeURIComponent(a.remove.path))
    }
  }
  return { live, adds, bytes, version: commits.length - 1 }
}
const main = replay(table)
const dl = replay(deadLetters)

const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href)
const db = await DuckDBInstance.create(':memory:')
const conn = await db.connect()
async function duckRows(dir, live) {
  if (live.size === 0) return 0
  const files = [...live.keys()].map((p) => `'${path.join(dir, p).replaceAll("'", "''")}'`).join(', ')
  const r = await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet([${files}], union_by_name = true)`)
  return Number(r.getRowObjectsJS()[0].n)
}
const tableRows = await duckRows(table, main.live)
const deadLetterRows = await duckRows(deadLetters, dl.live)
expectEq('rows DuckDB reads in the table', tableRows, good)
expectEq('rows DuckDB reads in the dead-letter table', deadLetterRows, bad)

// ---- the API ----
const queries = await getJson('/api/v1/queries')
if (!Array.isArray(queries) || queries.length !== 1) fail(`/api/v1/queries lists ${queries.length} queries, expected 1`)
const q = queries[0]
expectEq('query status', q.status, 'ACTIVE')
expectEq('query exception', q.exception, null)
expectEq('numInputRowsTotal', q.numInputRowsTotal, good + bad)
expectEq('numOutputRowsTotal', q.numOutputRowsTotal, tableRows)
expectEq('numDeadLetterRowsTotal', q.numDeadLetterRowsTotal, deadLetterRows)
expectEq('tableVersion', q.tableVersion, main.version)
const lagParts = Object.keys(q.lag)
if (lagParts.length === 0) fail('the query reports no partition lag')
for (const [p, v] of Object.entries(q.lag)) expectEq(`lag of partition ${p}`, v, 0)
const detail = await getJson(`/api/v1/queries/${q.id}`)
expectEq('the query page API id', detail.id, q.id)
if (!detail.plan || !detail.plan.sink || !detail.plan.source) fail('/api/v1/queries/<id> has no plan')
expectEq('plan sink path', detail.plan.sink.path, pathToFileURL(path.resolve(table)).href)
await get('/api/v1/queries/no-such-query', { status: 404 })

// The progress records, byte for byte as the job logged them.
const logged = fs.readFileSync(jobErr, 'utf8').split('\n')
  .filter((l) => l.startsWith('{"id":"' + q.id + '"') && l.includes('"batchId":'))
if (logged.length === 0) fail(`${jobErr} holds no progress record of query ${q.id}`)
const progressBody = await get(`/api/v1/queries/${q.id}/progress`)
const expected = '[' + logged.slice(-100).join(',') + ']'
if (progressBody !== expected) {
  const got = JSON.parse(progressBody)
  fail(`/progress (${got.length} records, batches ${got[0]?.batchId}..${got.at(-1)?.batchId}) is not the last ` +
       `${Math.min(100, logged.length)} of the ${logged.length} records the job logged`)
}
const lastLogged = JSON.parse(logged.at(-1))
expectEq('latestBatchId', q.latestBatchId, lastLogged.batchId)

// ---- /metrics ----
const metricsText = await get('/metrics')
const samples = new Map()  // 'name{labels}' -> value
for (const line of metricsText.split('\n')) {
  if (!line || line.startsWith('#')) continue
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line)
  if (!m) fail(`/metrics: unparsable line: ${line}`)
  samples.set(m[1] + (m[2] || ''), Number(m[3]))
}
function metric(name, labels) {
  const want = Object.entries(labels)
  const hits = [...samples].filter(([k]) => {
    if (!k.startsWith(name + '{') && k !== name) return false
    return want.every(([l, v]) => k.includes(`${l}="${v}"`))
  })
  if (hits.length !== 1) fail(`/metrics: ${hits.length} series of ${name} with ${JSON.stringify(labels)}, expected 1`)
  return hits[0][1]
}
const qn = { query: q.name }
const tableUri = pathToFileURL(path.resolve(table)).href
const dlUri = pathToFileURL(path.resolve(deadLetters)).href
expectEq('lakestream_input_rows_total', metric('lakestream_input_rows_total', qn), good + bad)
expectEq('lakestream_output_rows_total', metric('lakestream_output_rows_total', qn), tableRows)
expectEq('lakestream_dead_letter_rows_total', metric('lakestream_dead_letter_rows_total', qn), deadLetterRows)
expectEq('lakestream_batches_total', metric('lakestream_batches_total', qn), q.numCompletedBatches)
expectEq('lakestream_batch_duration_seconds_count', metric('lakestream_batch_duration_seconds_count', qn), q.numCompletedBatches)
expectEq('lakestream_event_latency_seconds_count', metric('lakestream_event_latency_seconds_count', qn), good + bad)
expectEq('lakestream_delta_files_written_total', metric('lakestream_delta_files_written_total', { ...qn, table: tableUri }), main.adds + dl.adds)
expectEq('lakestream_delta_bytes_written_total', metric('lakestream_delta_bytes_written_total', { ...qn, table: tableUri }), main.bytes + dl.bytes)
expectEq('lakestream_delta_table_version', metric('lakestream_delta_table_version', { table: tableUri }), main.version)
expectEq('lakestream_delta_commit_conflicts_total', metric('lakestream_delta_commit_conflicts_total', { table: tableUri }), 0)
expectEq('lakestream_delta_commit_conflicts_total (dead letters)', metric('lakestream_delta_commit_conflicts_total', { table: dlUri }), 0)
for (const p of lagParts) {
  expectEq(`lakestream_source_lag_events{partition="${p}"}`, metric('lakestream_source_lag_events', { ...qn, topic: 'input', partition: p }), 0)
}
for (const name of ['process_resident_memory_bytes', 'process_cpu_seconds_total', 'process_start_time_seconds']) {
  if (!(metric(name, {}) > 0)) fail(`${name} is not positive`)
}

// ---- health, read-only ----
expectEq('/healthz', (await get('/healthz')).trim(), 'ok')
expectEq('/readyz', (await get('/readyz')).trim(), 'ready')
await get('/', { status: 405, method: 'POST' })
await get(`/api/v1/queries/${q.id}`, { status: 405, method: 'DELETE' })

// ---- secrets: nowhere ----
const config = await getJson('/api/v1/config')
const cs = config.options.find((o) => o.key === 'input-eh-connection-string')
if (!cs) fail('/api/v1/config does not list input-eh-connection-string')
if (!cs.value.includes('*********(redacted)')) fail(`/api/v1/config shows the connection string as ${cs.value}`)
const pages = ['/', `/queries/${q.id}`, '/api/v1/application', '/api/v1/queries', `/api/v1/queries/${q.id}`,
  `/api/v1/queries/${q.id}/progress`, '/api/v1/config', '/metrics', '/logs', '/readyz',
  '/static/app.js', '/static/query.js', '/static/ui.js']
for (const p of pages) {
  const body = await get(p)
  for (const s of secrets) if (body.includes(s)) fail(`${p} shows a secret (${s.slice(0, 4)}...)`)
}
const logs = await get('/logs')
if (!logs.includes('UI: http://127.0.0.1:')) fail('/logs lacks the UI line the job logged')

console.log(JSON.stringify({
  query: q.id, batches: q.numCompletedBatches, progressRecords: logged.length, rows: tableRows,
  deadLetters: deadLetterRows, version: main.version, files: main.adds + dl.adds, partitions: lagParts.length,
}))
