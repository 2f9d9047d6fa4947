// check_nested.mjs: checks a Delta table of nested device events (nested_events.mjs) row for row,
// with DuckDB and with lakestream's own reader (`lakestream show --format json`).
//
//   node check_nested.mjs --table T --events F:N[:wide] [--events ...] [--flatten]
//        [--wide-schema] [--partition-by COL] [--dead-letter D --bad-count B] [--cli LAKESTREAM]
//
// --events F:N: the table must hold events F..F+N-1 (":wide" when they were generated with
// --wide), each exactly once and nothing else. --flatten: the table holds the flattened form
// (struct members as Parent_Child columns). --wide-schema: the table's schema is the wider one
// (firmware.battery, notes; rows of narrow events read null there). The log is replayed here
// (adds minus removes); DuckDB reads the live files, partition values come from the log.
// --dead-letter: that table must hold B rows, each the raw bytes of a bad record.
// --rescued COL: the table's schema is the narrow one but the events (":wide") carry
// firmware.battery and notes: column COL must hold exactly those members, by path, as JSON.
// Prints one JSON summary line on success; exits 1 naming the first differences otherwise.
import { DuckDBInstance } from '@duckdb/node-api'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { badRecord, deviceEvent } from './nested_events.mjs'

const args = process.argv.slice(2)
const ranges = []
let table = null
let flatten = false
let wideSchema = false
let partitionBy = null
let deadLetter = null
let badCount = 0
let cli = null
let rescued = null
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--table') table = args[++i]
  else if (args[i] === '--events') {
    const [first, count, wide] = args[++i].split(':')
    ranges.push({ first: Number(first), count: Number(count), wide: wide === 'wide' })
  } else if (args[i] === '--flatten') flatten = true
  else if (args[i] === '--wide-schema') wideSchema = true
  else if (args[i] === '--partition-by') partitionBy = args[++i]
  else if (args[i] === '--dead-letter') deadLetter = args[++i]
  else if (args[i] === '--bad-count') badCount = Number(args[++i])
  else if (args[i] === '--cli') cli = args[++i]
  else if (args[i] === '--rescued') rescued = args[++i]
  else {
    console.error(`check_nested.mjs: unknown argument ${args[i]}`)
    process.exit(2)
  }
}
if (!table || ranges.length === 0) {
  console.error('usage: check_nested.mjs --table T --events F:N[:wide] ... [--flatten] [--cli BIN]')
  process.exit(2)
}

let failures = 0
function check(ok, message) {
  if (!ok) {
    failures++
    if (failures <= 20) console.error(`check_nested: ${message}`)
  }
}

// ---- the shape of a row ----------------------------------------------------------------------
// 's' string, 'n' number, 'b' boolean, 'ts' timestamp (ms), 'dec2' decimal(10,2),
// ['list', elem], ['map', value], { member: shape } struct.
const firmware = { version: 's', build: 'n' }
if (wideSchema) firmware.battery = 'n'
const shape = {
  deviceId: 's',
  site: 's',
  ts: 'ts',
  firmware,
  readings: ['list', { sensor: 's', value: 'n', tags: ['list', 's'] }],
  labels: ['map', 's'],
  matrix: ['list', ['list', 'n']],
  location: { lat: 'n', lon: 'n', floor: { level: 'n', name: 's' } },
  price: 'dec2',
  ok: 'b',
}
if (wideSchema) shape.notes = 's'

function timestampMs(v) {
  // DuckDB: "2026-01-01 00:00:00.677+00"; lakestream: "2026-01-01T00:00:00.677Z".
  const text = String(v).replace(' ', 'T').replace(/\+00(:00)?$/, 'Z')
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? `unparsable timestamp ${v}` : ms
}

function norm(v, s) {
  if (v === undefined || v === null) return null
  if (s === 's') return String(v)
  if (s === 'n') return Number(v)
  if (s === 'b') return v
  if (s === 'ts') return timestampMs(v)
  if (s === 'dec2') return Number(v).toFixed(2)
  if (Array.isArray(s) && s[0] === 'list') return v.map((x) => norm(x, s[1]))
  if (Array.isArray(s) && s[0] === 'map') {
    // DuckDB gives [{key, value}], JSON readers an object.
    const entries = Array.isArray(v) ? v.map((e) => [e.key, e.value]) : Object.entries(v)
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    return Object.fromEntries(entries.map(([k, x]) => [k, norm(x, s[1])]))
  }
  const out = {}
  for (const [k, sub] of Object.entries(s)) out[k] = norm(v[k], sub)
  return out
}

/// Spark's flatten of a normalised row: top-level structs (recursively) become Parent_Child
/// columns; structs inside lists and maps stay.
function flattenRow(row, s, prefix = '', out = {}) {
  for (const [k, sub] of Object.entries(s)) {
    const name = prefix + k
    if (sub !== null && typeof sub === 'object' && !Array.isArray(sub)) {
      flattenRow(row === null ? null : row[k], sub, `${name}_`, out)
    } else {
      out[name] = row === null ? null : row[k]
    }
  }
  return out
}

function canonical(row) {
  return JSON.stringify(row)
}

/// The canonical text of a table row read by some reader.
function fromTable(row) {
  if (!flatten) return canonical(norm(row, shape))
  // A flat row: normalise each column by the leaf shape it came from.
  const leafShapes = flattenRow(null, shape)
  const flatShape = {}
  const walk = (s, prefix) => {
    for (const [k, sub] of Object.entries(s)) {
      if (sub !== null && typeof sub === 'object' && !Array.isArray(sub)) walk(sub, `${prefix}${k}_`)
      else flatShape[prefix + k] = sub
    }
  }
  walk(shape, '')
  const out = {}
  for (const k of Object.keys(leafShapes)) out[k] = norm(row[k], flatShape[k])
  return canonical(out)
}

// ---- what the table must hold -----------------------------------------------------------------
const expected = new Map() // deviceId -> canonical text
for (const r of ranges) {
  for (let n = r.first; n < r.first + r.count; n++) {
    const row = norm(deviceEvent(n, r.wide), shape)
    expected.set(row.deviceId, canonical(flatten ? flattenRow(row, shape) : row))
  }
}

// ---- the log ----------------------------------------------------------------------------------
function replay(tablePath) {
  const logDir = path.join(tablePath, '_delta_log')
  const commits = fs.readdirSync(logDir).filter((f) => /^\d{20}\.json$/.test(f)).sort()
  const active = new Map()
  let metadata = null
  commits.forEach((f, i) => {
    check(Number(f.slice(0, 20)) === i, `${logDir}: commit ${f} out of sequence`)
    for (const line of fs.readFileSync(path.join(logDir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue
      const action = JSON.parse(line)
      if (action.add) active.set(action.add.path, action.add)
      if (action.remove) active.delete(action.remove.path)
      if (action.metaData) metadata = action.metaData
    }
  })
  return { version: commits.length - 1, active: [...active.values()], metadata }
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`
const db = await DuckDBInstance.create(':memory:')
const conn = await db.connect()
async function duckRows(files, extra = '') {
  if (files.length === 0) return []
  const list = files.map(sqlString).join(', ')
  const reader = await conn.runAndReadAll(
    `SELECT *${extra} FROM read_parquet([${list}], hive_partitioning = false, union_by_name = true, filename = true)`,
  )
  return reader.getRowObjectsJson()
}

const log = replay(table)
const schemaFields = JSON.parse(log.metadata.schemaString).fields
check(
  schemaFields.some((f) => f.type?.type === 'struct') !== flatten,
  `the table's schema ${flatten ? 'has' : 'lacks'} struct columns (flatten ${flatten})`,
)
if (partitionBy) {
  check(JSON.stringify(log.metadata.partitionColumns) === JSON.stringify([partitionBy]), `partition columns ${JSON.stringify(log.metadata.partitionColumns)}`)
}
const byFile = new Map()
let statsRows = 0
for (const add of log.active) {
  byFile.set(path.join(table, decodeURIComponent(add.path)), add)
  const stats = JSON.parse(add.stats ?? '{}')
  statsRows += stats.numRecords ?? 0
  if (!flatten && stats.minValues) {
    // Spark nests the statistics of struct members.
    const fw = stats.minValues.firmware
    check(fw === undefined || (typeof fw === 'object' && !('firmware.build' in stats.minValues)), `stats of ${add.path} are not nested as Spark writes them`)
  }
}

function compare(reader, rows) {
  const seen = new Set()
  let extra = 0
  for (const row of rows) {
    const text = fromTable(row)
    const id = row.deviceId
    check(!seen.has(id), `${reader}: ${id} appears more than once`)
    seen.add(id)
    const want = expected.get(id)
    if (want === undefined) {
      extra++
      check(false, `${reader}: unexpected row ${id}`)
    } else check(text === want, `${reader}: row ${id} differs:\n  got  ${text}\n  want ${want}`)
  }
  for (const id of expected.keys()) check(seen.has(id), `${reader}: row ${id} is missing`)
  check(rows.length === expected.size, `${reader}: ${rows.length} rows, expected ${expected.size} (${extra} unexpected)`)
}

const duck = await duckRows([...byFile.keys()])
if (rescued) {
  const wide = new Map()
  for (const r of ranges) {
    for (let n = r.first; n < r.first + r.count; n++) {
      const e = deviceEvent(n, r.wide)
      const want = {}
      if (e.firmware && 'battery' in e.firmware) want['firmware.battery'] = e.firmware.battery
      if ('notes' in e) want.notes = e.notes
      wide.set(e.deviceId, Object.keys(want).length ? want : null)
    }
  }
  const sorted = (o) => (o === null ? null : JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]])))
  for (const row of duck) {
    const got = row[rescued] === null || row[rescued] === undefined ? null : JSON.parse(row[rescued])
    check(sorted(got) === sorted(wide.get(row.deviceId) ?? null),
      `${rescued} of ${row.deviceId}: ${JSON.stringify(got)}, expected ${JSON.stringify(wide.get(row.deviceId))}`)
    delete row[rescued]
  }
}
for (const row of duck) {
  const add = byFile.get(row.filename)
  for (const [k, v] of Object.entries(add?.partitionValues ?? {})) row[k] = v
  delete row.filename
}
compare('DuckDB', duck)
check(statsRows === expected.size, `the adds' numRecords sum to ${statsRows}, expected ${expected.size}`)

if (cli) {
  const text = execFileSync(cli, ['show', table, '--format', 'json', '--no-ui'], { maxBuffer: 1 << 30, encoding: 'utf8' })
  compare('lakestream show', text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)))
}

let rejects = 0
if (deadLetter) {
  const wanted = new Set()
  for (let k = 0; k < Math.max(badCount, 2); k++) wanted.add(badRecord(k))
  const dl = fs.existsSync(path.join(deadLetter, '_delta_log')) ? replay(deadLetter) : { active: [] }
  const rows = await duckRows(dl.active.map((a) => path.join(deadLetter, decodeURIComponent(a.path))))
  rejects = rows.length
  check(rows.length === badCount, `the dead-letter table holds ${rows.length} rows, expected ${badCount}`)
  for (const r of rows) {
    // DuckDB's JSON form of a BLOB is its text with non-printable bytes escaped; these are ASCII.
    const raw = String(r.raw).replace(/\\x([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
    check(wanted.has(raw), `dead letter ${JSON.stringify(raw).slice(0, 80)} is not a bad record`)
    check(typeof r.reason === 'string' && r.reason.length > 0, 'a dead letter without a reason')
  }
}

if (failures) {
  console.error(`check_nested: ${failures} check(s) failed`)
  process.exit(1)
}
console.log(JSON.stringify({ version: log.version, files: log.active.length, rows: duck.length, rejects }))
