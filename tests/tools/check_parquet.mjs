// check_parquet.mjs: reads every <name>.parquet in a folder with DuckDB and with hyparquet and
// compares each value, the schema, the footer statistics and the writer's reported facts
// with <name>.expected.json (written by tests/scripts/parquet_fixture_writer.cc).
// Exits non-zero, listing every mismatch, when anything differs.
//
// Files whose JSON says "nested": true hold struct, array and map columns: checkNested() then
// compares the Parquet schema tree (LIST / MAP layouts), every value as DuckDB and hyparquet
// assemble it, and the statistics of every leaf.
//
//   node check_parquet.mjs <folder>

import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

const dir = process.argv[2]
if (!dir) {
  console.error('usage: node check_parquet.mjs <folder>')
  process.exit(2)
}

const failures = []
let checks = 0
function check(ok, file, what) {
  checks++
  if (!ok) failures.push(`${file}: ${what}`)
  return ok
}
const show = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x))
/** show() with object keys sorted, for comparing structures regardless of key order. */
const canon = (v) => JSON.stringify(v, (_, x) => {
  if (typeof x === 'bigint') return `${x}n`
  if (x && typeof x === 'object' && !Array.isArray(x)) {
    return Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]]))
  }
  return x
})

// ---- type knowledge ---------------------------------------------------------------------

function baseType(t) {
  return t.startsWith('decimal') ? 'decimal' : t
}
function decimalPS(t) {
  const m = /^decimal\((\d+),(\d+)\)$/.exec(t)
  return { precision: Number(m[1]), scale: Number(m[2]) }
}
function minBytesForPrecision(p) {
  let n = 1
  while (2n ** BigInt(8 * n - 1) < 10n ** BigInt(p)) n++
  return n
}

const DUCK_TYPE = {
  string: 'VARCHAR', binary: 'BLOB', boolean: 'BOOLEAN', tinyint: 'TINYINT', smallint: 'SMALLINT',
  int: 'INTEGER', bigint: 'BIGINT', float: 'FLOAT', double: 'DOUBLE', date: 'DATE',
  timestamp: 'TIMESTAMP WITH TIME ZONE', timestamp_ntz: 'TIMESTAMP',
}

/** The Parquet schema element Spark 3 writes for a type (hyparquet's metadata shape). */
function expectedElement(t, nullable) {
  const e = { repetition_type: nullable ? 'OPTIONAL' : 'REQUIRED' }
  switch (baseType(t)) {
    case 'string': return { ...e, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } }
    case 'binary': return { ...e, type: 'BYTE_ARRAY' }
    case 'boolean': return { ...e, type: 'BOOLEAN' }
    case 'tinyint': return { ...e, type: 'INT32', converted_type: 'INT_8', logical_type: { type: 'INTEGER', bitWidth: 8, isSigned: true } }
    case 'smallint': return { ...e, type: 'INT32', converted_type: 'INT_16', logical_type: { type: 'INTEGER', bitWidth: 16, isSigned: true } }
    case 'int': return { ...e, type: 'INT32' }
    case 'bigint': return { ...e, type: 'INT64' }
    case 'float': return { ...e, type: 'FLOAT' }
    case 'double': return { ...e, type: 'DOUBLE' }
    case 'date': return { ...e, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } }
    case 'timestamp': return { ...e, type: 'INT64', converted_type: 'TIMESTAMP_MICROS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } }
    case 'timestamp_ntz': return { ...e, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } }
    case 'decimal': {
      const { precision, scale } = decimalPS(t)
      const physical = precision <= 9 ? { type: 'INT32' } : precision <= 18 ? { type: 'INT64' }
        : { type: 'FIXED_LEN_BYTE_ARRAY', type_length: minBytesForPrecision(precision) }
      return { ...e, ...physical, converted_type: 'DECIMAL', scale, precision, logical_type: { type: 'DECIMAL', precision, scale } }
    }
  }
  throw new Error(`unknown type ${t}`)
}

/** SQL that makes DuckDB return a value in the expected JSON's form. */
function duckExpr(t, c) {
  const q = `"${c}"`
  switch (baseType(t)) {
    case 'binary': return `lower(hex(${q}))`
    case 'bigint': case 'decimal': return `CAST(${q} AS VARCHAR)`
    case 'float': return `CAST(${q} AS DOUBLE)`
    case 'date': return `CAST(date_diff('day', DATE '1970-01-01', ${q}) AS INTEGER)`
    case 'timestamp': case 'timestamp_ntz': return `CAST(epoch_us(${q}) AS VARCHAR)`
    default: return q
  }
}

function normFloat(x) {
  if (typeof x !== 'number') return x
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return 'Infinity'
  if (x === -Infinity) return '-Infinity'
  return x
}

const hex = (bytes) => Buffer.from(bytes).toString('hex')

function unscaledToText(v, scale) {
  const neg = v < 0n
  let digits = (neg ? -v : v).toString()
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0')
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  }
  return neg ? `-${digits}` : digits
}
function bytesToBigInt(bytes) {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  const bits = BigInt(bytes.length * 8)
  if (bytes.length && bytes[0] & 0x80) v -= 1n << bits
  return v
}

/** hyparquet value (decimals read raw, timestamps as BigInt micros) in the expected form. */
function fromHyparquet(t, v) {
  if (v === null || v === undefined) return null
  switch (baseType(t)) {
    case 'binary': return hex(v)
    case 'bigint': case 'timestamp': case 'timestamp_ntz': return v.toString()
    case 'float': case 'double': return normFloat(v)
    case 'date': return Number(v)
    case 'decimal': {
      const { scale } = decimalPS(t)
      const unscaled = v instanceof Uint8Array ? bytesToBigInt(v) : BigInt(v)
      return unscaledToText(unscaled, scale)
    }
    default: return v
  }
}

function fromDuck(t, v) {
  if (v === null || v === undefined) return null
  switch (baseType(t)) {
    case 'float': case 'double': return normFloat(v)
    case 'tinyint': case 'smallint': case 'int': case 'date': return Number(v)
    default: return v
  }
}

/** Order of two non-null expected-form values as Parquet statistics order them. */
function compare(t, a, b) {
  switch (baseType(t)) {
    case 'string': return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
    case 'binary': return Buffer.compare(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'))
    case 'boolean': return Number(a) - Number(b)
    case 'bigint': case 'timestamp': case 'timestamp_ntz': {
      const x = BigInt(a), y = BigInt(b)
      return x < y ? -1 : x > y ? 1 : 0
    }
    case 'decimal': {
      const x = BigInt(a.replace('.', '')), y = BigInt(b.replace('.', ''))
      return x < y ? -1 : x > y ? 1 : 0
    }
    case 'float': case 'double': {
      const x = Number(a), y = Number(b)
      return x < y ? -1 : x > y ? 1 : 0
    }
    default: return a - b
  }
}

function sameValue(t, actual, expected) {
  if ((baseType(t) === 'float' || baseType(t) === 'double') && typeof expected === 'number') {
    return typeof actual === 'number' && actual === expected
  }
  return actual === expected
}

function compareColumn(file, reader, col, actual, expected) {
  if (!check(actual.length === expected.length, file, `${reader} ${col.name}: ${actual.length} values, expected ${expected.length}`)) return
  let reported = 0
  for (let i = 0; i < expected.length; i++) {
    if (!sameValue(col.type, actual[i], expected[i])) {
      if (reported++ < 5) check(false, file, `${reader} ${col.name} row ${i}: ${show(actual[i])}, expected ${show(expected[i])}`)
    }
  }
  if (reported > 5) check(false, file, `${reader} ${col.name}: ${reported} values differ in all`)
  checks++
}

// ---- the writer's reported facts --------------------------------------------------------

function checkReportedStats(file, doc) {
  for (const col of doc.columns) {
    const values = doc.values[col.name]
    const nonNull = values.filter((v) => v !== null && v !== 'NaN')
    const nulls = values.filter((v) => v === null).length
    check(col.null_count === nulls, file, `writer reported null_count ${col.null_count} for ${col.name}, the data has ${nulls}`)
    let min = null, max = null
    for (const v of nonNull) {
      if (min === null || compare(col.type, v, min) < 0) min = v
      if (max === null || compare(col.type, v, max) > 0) max = v
    }
    check(show(col.min) === show(min), file, `writer reported min ${show(col.min)} for ${col.name}, the data has ${show(min)}`)
    check(show(col.max) === show(max), file, `writer reported max ${show(col.max)} for ${col.name}, the data has ${show(max)}`)
  }
}

// ---- hyparquet --------------------------------------------------------------------------

async function checkHyparquet(file, buffer, doc) {
  const metadata = parquetMetadata(buffer)
  check(Number(metadata.num_rows) === doc.num_rows, file, `hyparquet num_rows ${metadata.num_rows}, expected ${doc.num_rows}`)
  check(metadata.row_groups.length === doc.num_row_groups, file, `hyparquet sees ${metadata.row_groups.length} row groups, the writer reported ${doc.num_row_groups}`)
  check(/^lakestream version \d+\.\d+\.\d+/.test(metadata.created_by ?? ''), file, `created_by is ${show(metadata.created_by)}`)
  const kv = Object.fromEntries((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value]))
  for (const [k, v] of Object.entries(doc.key_value_metadata)) {
    check(kv[k] === v, file, `key-value metadata ${k} is ${show(kv[k])}, expected ${show(v)}`)
  }
  const root = metadata.schema[0]
  check(root.name === 'spark_schema' && root.num_children === doc.columns.length, file, `schema root ${show(root)}`)
  doc.columns.forEach((col, i) => {
    const el = metadata.schema[i + 1]
    const want = expectedElement(col.type, col.nullable)
    const got = {}
    for (const k of Object.keys(want)) got[k] = el[k]
    for (const k of ['converted_type', 'logical_type', 'type_length', 'scale', 'precision']) {
      if (!(k in want) && el[k] !== undefined) got[k] = el[k]
    }
    check(el.name === col.name && canon(got) === canon(want), file, `schema of ${col.name}: ${show(got)}, expected ${show(want)}`)
  })

  // Float statistics: DuckDB's parquet_metadata() hides infinite bounds, so hyparquet checks
  // them (per row group, against the expected values; NaN never counts).
  let first = 0
  for (const rg of metadata.row_groups) {
    const n = Number(rg.num_rows)
    doc.columns.forEach((col, i) => {
      if (!['float', 'double'].includes(baseType(col.type))) return
      const vals = doc.values[col.name].slice(first, first + n).filter((v) => v !== null && v !== 'NaN')
      let min = null, max = null
      for (const v of vals) {
        if (min === null || compare(col.type, v, min) < 0) min = v
        if (max === null || compare(col.type, v, max) > 0) max = v
      }
      const st = rg.columns[i].meta_data.statistics ?? {}
      const got = [st.min_value, st.max_value].map((x) => (x === undefined ? null : normFloat(x)))
      // A zero bound is written as -0.0 (min) / +0.0 (max): compare numerically.
      const eq = (a, b) => (typeof a === 'number' && typeof b === 'number' ? a === b : a === b)
      check(eq(got[0], min) && eq(got[1], max), file, `hyparquet stats of ${col.name} in a row group: ${show(got)}, rows hold ${show([min, max])}`)
    })
    first += n
  }

  // Values, with decimals read as their raw unscaled storage (so every digit is compared) and
  // dates/timestamps as their stored integers.
  const raw = structuredClone(metadata)
  for (const el of raw.schema) {
    if (el.converted_type === 'DECIMAL') {
      delete el.converted_type
      delete el.logical_type
    }
  }
  const parsers = { timestampFromMicroseconds: (v) => v, dateFromDays: (d) => d }
  const rows = await parquetReadObjects({ file: buffer, metadata: raw, compressors, parsers, utf8: false })
  for (const col of doc.columns) {
    compareColumn(file, 'hyparquet', col, rows.map((r) => fromHyparquet(col.type, r[col.name])), doc.values[col.name])
  }
  // And hyparquet's own decimal interpretation (a JS number: compare approximately).
  const decimals = doc.columns.filter((c) => baseType(c.type) === 'decimal')
  if (decimals.length && doc.num_rows) {
    const dec = await parquetReadObjects({ file: buffer, compressors, columns: decimals.map((c) => c.name) })
    for (const col of decimals) {
      const exp = doc.values[col.name]
      let bad = 0
      dec.forEach((r, i) => {
        const a = r[col.name]
        if (exp[i] === null ? a !== null && a !== undefined : Math.abs(a - Number(exp[i])) > Math.abs(Number(exp[i])) * 1e-12 + 1e-9) bad++
      })
      check(bad === 0, file, `hyparquet's decimal reading of ${col.name}: ${bad} values differ`)
    }
  }
}

// ---- DuckDB -----------------------------------------------------------------------------

async function all(conn, sql) {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS()
}

async function checkDuckdb(conn, file, fullPath, doc) {
  const src = `read_parquet('${fullPath}', file_row_number = true)`
  const described = await all(conn, `DESCRIBE SELECT * EXCLUDE (file_row_number) FROM ${src}`)
  doc.columns.forEach((col, i) => {
    const want = baseType(col.type) === 'decimal' ? col.type.toUpperCase().replace(',', ',') : DUCK_TYPE[col.type]
    const got = described[i] ?? {}
    check(got.column_name === col.name && got.column_type === want.replace('DECIMAL(', 'DECIMAL('), file, `DuckDB sees ${col.name} as ${got.column_name} ${got.column_type}, expected ${want}`)
  })
  const count = await all(conn, `SELECT count(*) AS n FROM ${src}`)
  check(Number(count[0].n) === doc.num_rows, file, `DuckDB counts ${count[0].n} rows, expected ${doc.num_rows}`)

  const exprs = doc.columns.map((c, i) => `${duckExpr(c.type, c.name)} AS v${i}`).join(', ')
  const rows = await all(conn, `SELECT ${exprs} FROM ${src} ORDER BY file_row_number`)
  doc.columns.forEach((col, i) => {
    compareColumn(file, 'DuckDB', col, rows.map((r) => fromDuck(col.type, r[`v${i}`])), doc.values[col.name])
  })

  // Footer facts as DuckDB reads them.
  const fm = await all(conn, `SELECT created_by, num_rows, num_row_groups FROM parquet_file_metadata('${fullPath}')`)
  check(Number(fm[0].num_row_groups) === doc.num_row_groups, file, `DuckDB sees ${fm[0].num_row_groups} row groups`)
  check(Number(doc.num_row_groups) >= doc.min_row_groups, file, `${doc.num_row_groups} row groups, expected at least ${doc.min_row_groups}`)
  const schema = await all(conn, `SELECT name, type, converted_type, scale, precision, type_length, repetition_type FROM parquet_schema('${fullPath}')`)
  doc.columns.forEach((col, i) => {
    const s = schema[i + 1]
    const want = expectedElement(col.type, col.nullable)
    check(s.name === col.name && s.type === want.type && (s.converted_type ?? undefined) === want.converted_type &&
      s.repetition_type === want.repetition_type, file, `parquet_schema of ${col.name}: ${show(s)}`)
    if (want.type_length) check(Number(s.type_length) === want.type_length, file, `type_length of ${col.name}: ${s.type_length}`)
  })

  const codec = { none: 'UNCOMPRESSED', snappy: 'SNAPPY', zstd: 'ZSTD', gzip: 'GZIP' }[doc.compression]
  const chunks = await all(conn, `SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, compression, encodings,
      stats_min_value, stats_max_value, stats_null_count, dictionary_page_offset, data_page_offset
    FROM parquet_metadata('${fullPath}') ORDER BY row_group_id, column_id`)
  const groupStart = new Map()
  let start = 0
  for (const c of chunks) {
    if (!groupStart.has(c.row_group_id)) {
      groupStart.set(c.row_group_id, start)
      start += Number(c.row_group_num_rows)
    }
  }
  const fallbackSeen = new Set()
  for (const c of chunks) {
    const col = doc.columns[Number(c.column_id)]
    check(c.compression === codec, file, `column ${col.name} row group ${c.row_group_id}: codec ${c.compression}, expected ${codec}`)
    const enc = String(c.encodings)
    if (enc.includes('RLE_DICTIONARY') && /\bPLAIN\b/.test(enc) && c.dictionary_page_offset !== null) fallbackSeen.add(col.name)
    if (enc.includes('RLE_DICTIONARY')) {
      check(c.dictionary_page_offset !== null, file, `column ${col.name} is dictionary-encoded without a dictionary page`)
    }
    // The footer statistics must equal what the rows of this row group hold (NaN excluded).
    const lo = groupStart.get(c.row_group_id), hi = lo + Number(c.row_group_num_rows)
    const q = `"${col.name}"`
    const filt = ['float', 'double'].includes(baseType(col.type)) ? `FILTER (WHERE NOT isnan(${q}))` : ''
    const actual = await all(conn, `SELECT CAST(min(${q}) ${filt} AS VARCHAR) AS mn, CAST(max(${q}) ${filt} AS VARCHAR) AS mx,
        count(*) - count(${q}) AS nulls FROM ${src} WHERE file_row_number >= ${lo} AND file_row_number < ${hi}`)
    const a = actual[0]
    check(Number(c.stats_null_count) === Number(a.nulls), file, `column ${col.name} row group ${c.row_group_id}: stats null_count ${c.stats_null_count}, rows hold ${a.nulls}`)
    // DuckDB shows no float bound when it is infinite; hyparquet checked those above.
    const isFloat = ['float', 'double'].includes(baseType(col.type))
    const floatOk = (stat, rows) => (rows === null ? stat === null
      : /inf/.test(rows) ? stat === null || Number(stat) === Number(rows.replace('inf', 'Infinity'))
        : Number(stat) === Number(rows))
    const okMin = isFloat ? floatOk(c.stats_min_value, a.mn) : c.stats_min_value === a.mn
    const okMax = isFloat ? floatOk(c.stats_max_value, a.mx) : c.stats_max_value === a.mx
    check(okMin, file, `column ${col.name} row group ${c.row_group_id}: stats min ${show(c.stats_min_value)}, rows hold ${show(a.mn)}`)
    check(okMax, file, `column ${col.name} row group ${c.row_group_id}: stats max ${show(c.stats_max_value)}, rows hold ${show(a.mx)}`)
  }
  for (const name of doc.expect_fallback) {
    check(fallbackSeen.has(name), file, `column ${name} should fall back from dictionary to PLAIN in some row group`)
  }
}

// ---- nested files -------------------------------------------------------------------------

const isNested = (t) => typeof t === 'object'

/** The schema elements Spark writes for a column of JSON type tree `t`, depth first. */
function expectedElements(name, t, nullable, out = []) {
  const repetition_type = nullable ? 'OPTIONAL' : 'REQUIRED'
  if (!isNested(t)) {
    out.push({ name, ...expectedElement(t, nullable) })
  } else if (t.type === 'struct') {
    out.push({ name, repetition_type, num_children: t.fields.length })
    for (const f of t.fields) expectedElements(f.name, f.type, f.nullable, out)
  } else if (t.type === 'array') {
    out.push({ name, repetition_type, num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } })
    out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 })
    expectedElements('element', t.element, t.contains_null, out)
  } else {
    out.push({ name, repetition_type, num_children: 1, converted_type: 'MAP', logical_type: { type: 'MAP' } })
    out.push({ name: 'key_value', repetition_type: 'REPEATED', num_children: 2 })
    expectedElements('key', t.key, false, out)
    expectedElements('value', t.value, t.value_contains_null, out)
  }
  return out
}

/** The leaves of a column: dotted Parquet path, leaf type, and the way down to them. */
function leavesOf(name, t, path = [name], steps = [], out = []) {
  if (!isNested(t)) {
    out.push({ path: path.join('.'), type: t, steps })
  } else if (t.type === 'struct') {
    for (const f of t.fields) leavesOf(f.name, f.type, [...path, f.name], [...steps, { field: f.name }], out)
  } else if (t.type === 'array') {
    leavesOf('element', t.element, [...path, 'list', 'element'], [...steps, { list: true }], out)
  } else {
    leavesOf('key', t.key, [...path, 'key_value', 'key'], [...steps, { map: 0 }], out)
    leavesOf('value', t.value, [...path, 'key_value', 'value'], [...steps, { map: 1 }], out)
  }
  return out
}

/** A leaf's level entries in a value: the values present, and the entries without one
 * (a null or an empty list/map on the way down), as Parquet's null_count counts them. */
function walkLeaf(steps, v, acc, i = 0) {
  if (v === null) { acc.nulls++; return }
  if (i === steps.length) { acc.values.push(v); return }
  const s = steps[i]
  if ('field' in s) return walkLeaf(steps, v[s.field], acc, i + 1)
  if (v.length === 0) { acc.nulls++; return }
  for (const e of v) walkLeaf(steps, 'map' in s ? e[s.map] : e, acc, i + 1)
}

/** A hyparquet value (decimals read raw) in the expected JSON form. */
function nestedFromHyparquet(t, v) {
  if (v === null || v === undefined) return null
  if (!isNested(t)) return fromHyparquet(t, v)
  if (t.type === 'struct') return Object.fromEntries(t.fields.map((f) => [f.name, nestedFromHyparquet(f.type, v[f.name])]))
  if (t.type === 'array') return v.map((e) => nestedFromHyparquet(t.element, e))
  // hyparquet assembles a map as an object keyed by the key's text: compare as sorted pairs.
  return Object.entries(v).map(([k, x]) => [k, nestedFromHyparquet(t.value, x)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}
/** An expected value in the form nestedFromHyparquet gives (maps as sorted text-keyed pairs). */
function asHyparquetForm(t, v) {
  if (v === null || !isNested(t)) return v
  if (t.type === 'struct') return Object.fromEntries(t.fields.map((f) => [f.name, asHyparquetForm(f.type, v[f.name])]))
  if (t.type === 'array') return v.map((e) => asHyparquetForm(t.element, e))
  return v.map(([k, x]) => [String(k), asHyparquetForm(t.value, x)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

/** A DuckDB value (DuckDBValue classes of getRows()) in the expected JSON form. */
function fromDuckValue(v) {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'number') return normFloat(v)
  if (typeof v !== 'object') return v
  switch (v.constructor?.name) {
    case 'DuckDBListValue': return v.items.map(fromDuckValue)
    case 'DuckDBMapValue': return v.entries.map((e) => [fromDuckValue(e.key), fromDuckValue(e.value)])
    case 'DuckDBStructValue': return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, fromDuckValue(x)]))
    case 'DuckDBDecimalValue': return unscaledToText(v.value, v.scale)
    case 'DuckDBBlobValue': return hex(v.bytes)
    case 'DuckDBTimestampValue': case 'DuckDBTimestampTZValue': return v.micros.toString()
    case 'DuckDBDateValue': return v.days
    default: return `unexpected DuckDB value ${v.constructor?.name}: ${String(v)}`
  }
}

function compareNested(file, reader, col, actual, expected) {
  if (!check(actual.length === expected.length, file, `${reader} ${col.name}: ${actual.length} values, expected ${expected.length}`)) return
  let reported = 0
  for (let i = 0; i < expected.length; i++) {
    const a = canon(actual[i]), e = canon(expected[i])
    if (a !== e && reported++ < 5) check(false, file, `${reader} ${col.name} row ${i}: ${a}, expected ${e}`)
  }
  if (reported > 5) check(false, file, `${reader} ${col.name}: ${reported} values differ in all`)
  checks++
}

// Leaf types whose footer bounds hyparquet hands back as comparable JS values.
const STAT_TYPES = new Set(['string', 'boolean', 'tinyint', 'smallint', 'int', 'bigint', 'double', 'float', 'date'])

async function checkNested(conn, file, fullPath, buffer, doc) {
  // The writer's own report: top-level null counts, per-leaf null counts and bounds.
  const leaves = doc.columns.flatMap((c) => leavesOf(c.name, c.type))
  check(leaves.length === doc.leaves.length, file, `${doc.leaves.length} leaves reported, the schema has ${leaves.length}`)
  const leafData = leaves.map((leaf) => {
    const acc = { nulls: 0, values: [] }
    const col = doc.columns.find((c) => leaf.path === c.name || leaf.path.startsWith(`${c.name}.`))
    for (const v of doc.values[col.name]) walkLeaf(leaf.steps, v, acc)
    return acc
  })
  for (const col of doc.columns) {
    const nulls = doc.values[col.name].filter((v) => v === null).length
    check(col.null_count === nulls, file, `writer reported null_count ${col.null_count} for ${col.name}, the data has ${nulls}`)
  }
  leaves.forEach((leaf, i) => {
    const rep = doc.leaves[i] ?? {}
    const { nulls, values } = leafData[i]
    check(rep.path === leaf.path, file, `leaf ${i} reported as ${rep.path}, expected ${leaf.path}`)
    check(rep.null_count === nulls, file, `writer reported null_count ${rep.null_count} for leaf ${leaf.path}, the data has ${nulls}`)
    let min = null, max = null
    for (const v of values) {
      if (v === 'NaN') continue
      if (min === null || compare(leaf.type, v, min) < 0) min = v
      if (max === null || compare(leaf.type, v, max) > 0) max = v
    }
    check(show(rep.min) === show(min) && show(rep.max) === show(max), file, `writer reported bounds ${show([rep.min, rep.max])} for leaf ${leaf.path}, the data has ${show([min, max])}`)
  })

  // hyparquet: the schema tree, the footer's per-leaf statistics, the values.
  const metadata = parquetMetadata(buffer)
  check(Number(metadata.num_rows) === doc.num_rows, file, `hyparquet num_rows ${metadata.num_rows}, expected ${doc.num_rows}`)
  check(metadata.row_groups.length === doc.num_row_groups, file, `hyparquet sees ${metadata.row_groups.length} row groups, the writer reported ${doc.num_row_groups}`)
  const want = [{ name: 'spark_schema', num_children: doc.columns.length }]
  for (const c of doc.columns) expectedElements(c.name, c.type, c.nullable, want)
  check(metadata.schema.length === want.length, file, `hyparquet sees ${metadata.schema.length} schema elements, expected ${want.length}`)
  want.forEach((w, i) => {
    const el = metadata.schema[i] ?? {}
    const got = {}
    for (const k of Object.keys(w)) got[k] = el[k]
    for (const k of ['converted_type', 'logical_type', 'type_length', 'scale', 'precision', 'num_children']) {
      if (!(k in w) && el[k] !== undefined && i > 0) got[k] = el[k]
    }
    check(canon(got) === canon(w), file, `schema element ${i}: ${show(got)}, expected ${show(w)}`)
  })
  let first = 0
  for (const [g, rg] of metadata.row_groups.entries()) {
    const n = Number(rg.num_rows)
    leaves.forEach((leaf, i) => {
      const chunk = rg.columns[i]?.meta_data
      if (!check(chunk && chunk.path_in_schema.join('.') === leaf.path, file, `row group ${g} column ${i}: path ${show(chunk?.path_in_schema)}, expected ${leaf.path}`)) return
      const col = doc.columns.find((c) => leaf.path === c.name || leaf.path.startsWith(`${c.name}.`))
      const acc = { nulls: 0, values: [] }
      for (const v of doc.values[col.name].slice(first, first + n)) walkLeaf(leaf.steps, v, acc)
      check(Number(chunk.num_values) === acc.nulls + acc.values.length, file, `row group ${g} leaf ${leaf.path}: num_values ${chunk.num_values}, the rows hold ${acc.nulls + acc.values.length} level entries`)
      const st = chunk.statistics ?? {}
      check(Number(st.null_count) === acc.nulls, file, `row group ${g} leaf ${leaf.path}: stats null_count ${st.null_count}, the rows hold ${acc.nulls}`)
      if (!STAT_TYPES.has(leaf.type)) return
      let min = null, max = null
      for (const v of acc.values) {
        if (min === null || compare(leaf.type, v, min) < 0) min = v
        if (max === null || compare(leaf.type, v, max) > 0) max = v
      }
      const norm = (x) => (x === undefined || x === null ? null : leaf.type === 'date' && x instanceof Date ? Math.round(x.getTime() / 86400000) : fromHyparquet(leaf.type, x))
      const eq = (a, b) => (typeof b === 'number' ? Number(a) === b : a === b)
      check(eq(norm(st.min_value), min) && eq(norm(st.max_value), max), file, `row group ${g} leaf ${leaf.path}: stats ${show([st.min_value, st.max_value])}, the rows hold ${show([min, max])}`)
    })
    first += n
  }
  const raw = structuredClone(metadata)
  for (const el of raw.schema) {
    if (el.converted_type === 'DECIMAL') {
      delete el.converted_type
      delete el.logical_type
    }
  }
  const parsers = { timestampFromMicroseconds: (v) => v, dateFromDays: (d) => d }
  const rows = await parquetReadObjects({ file: buffer, metadata: raw, compressors, parsers, utf8: false })
  for (const col of doc.columns) {
    compareNested(file, 'hyparquet', col, rows.map((r) => nestedFromHyparquet(col.type, r[col.name])),
      doc.values[col.name].map((v) => asHyparquetForm(col.type, v)))
  }

  // DuckDB: the values, exactly (decimals, timestamps, blobs as DuckDB holds them).
  const src = `read_parquet('${fullPath}', file_row_number = true)`
  const count = await all(conn, `SELECT count(*) AS n FROM ${src}`)
  check(Number(count[0].n) === doc.num_rows, file, `DuckDB counts ${count[0].n} rows, expected ${doc.num_rows}`)
  const names = doc.columns.map((c) => `"${c.name}"`).join(', ')
  const result = await conn.runAndReadAll(`SELECT ${names} FROM ${src} ORDER BY file_row_number`)
  const duckRows = result.getRows()
  doc.columns.forEach((col, i) => {
    compareNested(file, 'DuckDB', col, duckRows.map((r) => fromDuckValue(r[i])), doc.values[col.name])
  })
}

// ---- main -------------------------------------------------------------------------------

const files = readdirSync(dir).filter((f) => f.endsWith('.parquet')).sort()
if (files.length === 0) {
  console.error(`check_parquet: no .parquet files in ${dir}`)
  process.exit(1)
}
const instance = await DuckDBInstance.create(':memory:')
const conn = await instance.connect()
await conn.run("SET TimeZone = 'UTC'")
for (const file of files) {
  const fullPath = path.resolve(dir, file)
  const doc = JSON.parse(readFileSync(fullPath.replace(/\.parquet$/, '.expected.json'), 'utf8'))
  const bytes = readFileSync(fullPath)
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  check(bytes.length === doc.file_size, file, `file is ${bytes.length} bytes, the writer reported ${doc.file_size}`)
  const before = failures.length
  try {
    if (doc.nested) {
      await checkNested(conn, file, fullPath, buffer, doc)
    } else {
      checkReportedStats(file, doc)
      await checkHyparquet(file, buffer, doc)
      await checkDuckdb(conn, file, fullPath, doc)
    }
  } catch (e) {
    check(false, file, `reader failed: ${e.stack ?? e}`)
  }
  console.log(`${failures.length === before ? 'ok  ' : 'FAIL'} ${file} (${doc.num_rows} rows, ${doc.num_row_groups} row groups, ${doc.compression}${doc.nested ? ', nested' : ''})`)
}
conn.closeSync()
instance.closeSync()
if (failures.length) {
  console.error(`\n${failures.length} mismatches:`)
  for (const f of failures.slice(0, 200)) console.error(`  ${f}`)
  process.exit(1)
}
console.log(`check_parquet: ${files.length} files, ${checks} checks, all equal in DuckDB and hyparquet`)
