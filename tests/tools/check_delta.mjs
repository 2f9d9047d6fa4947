// check_delta.mjs: checks a Delta table written by `lakestream ingest` of meter readings
// against the NDJSON it came from, with DuckDB as the independent reader.
//
//   node check_delta.mjs --table T [--dead-letter D] [--partition-by COL] INPUT.ndjson...
//
// 1. Replays T/_delta_log (JSON commits: adds minus removes) by itself.
// 2. Reads the active files with DuckDB (read_parquet over the list, partition values taken from
//    the log's partitionValues, not from folder names).
// 3. Computes the expected rows from the NDJSON itself: a line is valid when it parses as JSON
//    and fits the meter schema (rules re-implemented here, independently of the decoder).
// 4. Row count and per-column sums must be equal overall and per partition; the stats'
//    numRecords must add up; the dead-letter table must hold exactly the invalid lines (source,
//    line number, raw bytes).
// Prints one JSON summary line (version, rows, rejects) on success; exits 1 on a mismatch.
import { DuckDBInstance } from '@duckdb/node-api'
import fs from 'node:fs'
import path from 'node:path'

const args = process.argv.slice(2)
let table = null
let deadLetter = null
let partitionBy = null
const inputs = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--table') table = args[++i]
  else if (args[i] === '--dead-letter') deadLetter = args[++i]
  else if (args[i] === '--partition-by') partitionBy = args[++i]
  else inputs.push(args[i])
}
if (!table || inputs.length === 0) {
  console.error('usage: check_delta.mjs --table T [--dead-letter D] [--partition-by COL] INPUT...')
  process.exit(2)
}

let failures = 0
function check(ok, message) {
  if (!ok) {
    failures++
    console.error(`check_delta: ${message}`)
  }
}

// ---- the log --------------------------------------------------------------------------------
function replay(tablePath) {
  const logDir = path.join(tablePath, '_delta_log')
  const commits = fs.readdirSync(logDir).filter((f) => /^\d{20}\.json$/.test(f)).sort()
  const active = new Map()
  const txns = new Map()
  let metadata = null
  let metadataCount = 0
  commits.forEach((f, i) => {
    check(Number(f.slice(0, 20)) === i, `${logDir}: commit ${f} out of sequence`)
    for (const line of fs.readFileSync(path.join(logDir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue
      const action = JSON.parse(line)
      if (action.add) active.set(action.add.path, action.add)
      if (action.remove) active.delete(action.remove.path)
      if (action.metaData) {
        metadata = action.metaData
        metadataCount++
      }
      if (action.txn) txns.set(action.txn.appId, action.txn.version)
    }
  })
  check(metadataCount === 1, `${logDir}: ${metadataCount} metaData actions, expected exactly 1`)
  return { version: commits.length - 1, active: [...active.values()], metadata, txns }
}

// ---- the expected content, from the NDJSON --------------------------------------------------
const kTimestamp = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.(\d{1,9}))?Z$/
function timestampMicros(text) {
  const m = kTimestamp.exec(text)
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number)
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  if (d > days) return null
  const frac = (m[8] ?? '').padEnd(6, '0').slice(0, 6)
  return BigInt(Date.UTC(y, mo - 1, d, h, mi, s)) * 1000n + BigInt(frac)
}

/** The row a valid line becomes, or null when the meter schema refuses it. */
function meterRow(line) {
  let o
  try {
    o = JSON.parse(line)
  } catch {
    return null
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return null
  const m = o.Measurement
  if (typeof o.MeterId !== 'string' || typeof o.SupplierId !== 'string') return null
  if (m === null || typeof m !== 'object') return null
  if (typeof m.Value !== 'number' || !Number.isInteger(m.Value) || Math.abs(m.Value) >= 1e10) return null
  if (m.Unit !== undefined && m.Unit !== null && typeof m.Unit !== 'string') return null
  if (typeof o.ObservationTime !== 'string') return null
  const ts = timestampMicros(o.ObservationTime)
  if (ts === null) return null
  return { meter: BigInt(o.MeterId), supplier: o.SupplierId, value: BigInt(m.Value), time: ts }
}

function emptyAgg() {
  return { rows: 0n, meter: 0n, value: 0n, time: 0n }
}
function addTo(agg, r) {
  agg.rows += 1n
  agg.meter += r.meter
  agg.value += r.value
  agg.time += r.time
}

const expectedAll = emptyAgg()
const expectedBySupplier = new Map()
const expectedRejects = new Map() // "source\u0000line" -> raw
for (const input of inputs) {
  const text = fs.readFileSync(input)
  let start = 0
  let lineNo = 0
  while (start < text.length) {
    let end = text.indexOf(10, start)
    if (end < 0) end = text.length
    lineNo++
    let raw = text.subarray(start, end)
    if (raw.length && raw[raw.length - 1] === 13) raw = raw.subarray(0, raw.length - 1)
    start = end + 1
    const line = raw.toString('utf8')
    if (!line.trim()) continue
    const r = meterRow(line)
    if (r === null) {
      expectedRejects.set(`${input}\u0000${lineNo}`, raw.toString('latin1'))
      continue
    }
    addTo(expectedAll, r)
    if (!expectedBySupplier.has(r.supplier)) expectedBySupplier.set(r.supplier, emptyAgg())
    addTo(expectedBySupplier.get(r.supplier), r)
  }
}

// ---- what DuckDB reads ----------------------------------------------------------------------
const instance = await DuckDBInstance.create(':memory:')
const conn = await instance.connect()
async function rows(sql) {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS()
}
const sqlString = (s) => `'${s.replaceAll("'", "''")}'`

const log = replay(table)
const files = log.active.map((a) => path.join(table, decodeURIComponent(a.path)))
for (const f of files) check(fs.existsSync(f), `active file ${f} is missing`)
const partitionColumns = log.metadata?.partitionColumns ?? []
if (partitionBy) {
  check(JSON.stringify(partitionColumns) === JSON.stringify([partitionBy]),
    `partitionColumns ${JSON.stringify(partitionColumns)}, expected ["${partitionBy}"]`)
}
let statsRows = 0n
for (const a of log.active) statsRows += BigInt(JSON.parse(a.stats).numRecords)

const gotAll = emptyAgg()
const gotBySupplier = new Map()
if (files.length) {
  const list = `[${files.map(sqlString).join(', ')}]`
  const perFile = await rows(`
    SELECT filename, count(*) AS n, sum(CAST(MeterId AS BIGINT)) AS meter,
           sum(CAST(Measurement_Value AS BIGINT)) AS value, sum(epoch_us(ObservationTime)) AS time,
           count(*) FILTER (WHERE Measurement_Unit = 'kWH') AS kwh
      FROM read_parquet(${list}, filename = true, hive_partitioning = false)
     GROUP BY filename`)
  const byFile = new Map(perFile.map((r) => [path.resolve(r.filename), r]))
  for (const a of log.active) {
    const r = byFile.get(path.resolve(path.join(table, decodeURIComponent(a.path))))
    check(r !== undefined, `DuckDB read no rows from ${a.path}`)
    if (!r) continue
    const n = BigInt(r.n)
    check(n === BigInt(JSON.parse(a.stats).numRecords), `${a.path}: ${n} rows, stats say ${JSON.parse(a.stats).numRecords}`)
    check(BigInt(r.kwh) === n, `${a.path}: Measurement_Unit is not kWH everywhere`)
    const agg = { rows: n, meter: BigInt(r.meter), value: BigInt(r.value), time: BigInt(r.time) }
    let supplier
    if (partitionColumns.includes('SupplierId')) {
      supplier = a.partitionValues.SupplierId
    } else {
      check(Object.keys(a.partitionValues ?? {}).length === 0, `${a.path}: unexpected partitionValues`)
    }
    for (const k of Object.keys(agg)) gotAll[k] += agg[k]
    if (supplier !== undefined) {
      if (!gotBySupplier.has(supplier)) gotBySupplier.set(supplier, emptyAgg())
      const g = gotBySupplier.get(supplier)
      for (const k of Object.keys(agg)) g[k] += agg[k]
    }
  }
}
const fmt = (a) => JSON.stringify(a, (_, v) => (typeof v === 'bigint' ? v.toString() : v))
check(fmt(gotAll) === fmt(expectedAll), `table holds ${fmt(gotAll)}, the input ${fmt(expectedAll)}`)
check(statsRows === expectedAll.rows, `stats numRecords add up to ${statsRows}, expected ${expectedAll.rows}`)
if (partitionColumns.includes('SupplierId')) {
  const keys = new Set([...expectedBySupplier.keys(), ...gotBySupplier.keys()])
  for (const k of keys) {
    const got = gotBySupplier.get(k) ?? emptyAgg()
    const want = expectedBySupplier.get(k) ?? emptyAgg()
    check(fmt(got) === fmt(want), `partition SupplierId=${k}: table ${fmt(got)}, input ${fmt(want)}`)
  }
}

// ---- the dead-letter table ------------------------------------------------------------------
let rejectsSeen = 0
if (deadLetter) {
  const exists = fs.existsSync(path.join(deadLetter, '_delta_log'))
  if (!exists) {
    check(expectedRejects.size === 0, `no dead-letter table, but ${expectedRejects.size} invalid lines`)
  } else {
    const dl = replay(deadLetter)
    const dlFiles = dl.active.map((a) => path.join(deadLetter, decodeURIComponent(a.path)))
    const got = dlFiles.length
      ? await rows(`SELECT source, line, "offset", raw, reason, ingest_time FROM read_parquet([${dlFiles.map(sqlString).join(', ')}])`)
      : []
    rejectsSeen = got.length
    check(got.length === expectedRejects.size, `dead-letter table holds ${got.length} rows, the input has ${expectedRejects.size} invalid lines`)
    const seen = new Set()
    for (const r of got) {
      const key = `${r.source}\u0000${r.line}`
      check(!seen.has(key), `dead-letter row ${r.source}:${r.line} appears twice`)
      seen.add(key)
      const want = expectedRejects.get(key)
      check(want !== undefined, `dead-letter row ${r.source}:${r.line} is not an invalid input line`)
      const raw = Buffer.from(r.raw).toString('latin1')
      if (want !== undefined) check(raw === want, `dead-letter row ${r.source}:${r.line} raw bytes differ: ${JSON.stringify(raw)} vs ${JSON.stringify(want)}`)
      check(typeof r.reason === 'string' && r.reason.length > 0, `dead-letter row ${r.source}:${r.line} has no reason`)
    }
  }
}

if (failures) {
  console.error(`check_delta: ${failures} check(s) failed`)
  process.exit(1)
}
console.log(JSON.stringify({ version: log.version, files: files.length, rows: Number(expectedAll.rows), rejects: rejectsSeen, txns: log.txns.size }))
