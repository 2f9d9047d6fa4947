// check_rescued.mjs: checks the rescued-data column of a Delta table written by
// `lakestream ingest --rescued-data-column NAME`, with DuckDB as the independent reader.
//
//   node check_rescued.mjs --table T --schema SCHEMA.json --column NAME --id COL
//                          [--permissive] INPUT.ndjson...
//
// The expected rescued members are worked out here from the input and the StructType JSON
// schema, independently of the decoder: every member a struct of the schema does not name, at
// any depth (top level, nested structs, structs in arrays and map values), keyed by its path
// (`a`, `s.extra`, `list[2].extra`, `map[key].extra`); with --permissive also every integer
// field (int/long/short/byte) whose value is not a JSON integer (the field must read null).
// Each row (found by its --id column) must hold exactly those members, with equal JSON values;
// a row with none must hold null. Prints one JSON summary line; exits 1 on a mismatch.
import { DuckDBInstance } from '@duckdb/node-api'
import fs from 'node:fs'
import path from 'node:path'

const args = process.argv.slice(2)
let table = null
let schemaPath = null
let column = null
let idColumn = null
let permissive = false
const inputs = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--table') table = args[++i]
  else if (args[i] === '--schema') schemaPath = args[++i]
  else if (args[i] === '--column') column = args[++i]
  else if (args[i] === '--id') idColumn = args[++i]
  else if (args[i] === '--permissive') permissive = true
  else inputs.push(args[i])
}
if (!table || !schemaPath || !column || !idColumn || inputs.length === 0) {
  console.error('usage: check_rescued.mjs --table T --schema S.json --column NAME --id COL [--permissive] INPUT...')
  process.exit(2)
}

let failures = 0
function check(ok, message) {
  if (!ok) {
    failures++
    console.error(`check_rescued: ${message}`)
  }
}

const integerTypes = new Set(['byte', 'short', 'integer', 'long'])

// Walk `value` against schema type `type`, adding what the schema does not expect to `out`.
// Returns false when the value itself is rescued (a wrong integer under --permissive).
function walk(value, type, where, out) {
  if (value === null || value === undefined) return true
  if (typeof type === 'string') {
    if (permissive && integerTypes.has(type) && !Number.isInteger(value)) {
      out[where] = value
      return false
    }
    return true
  }
  if (type.type === 'struct' && typeof value === 'object' && !Array.isArray(value)) {
    const known = new Map(type.fields.map((f) => [f.name, f.type]))
    for (const [k, v] of Object.entries(value)) {
      const p = where === '' ? k : `${where}.${k}`
      if (known.has(k)) walk(v, known.get(k), p, out)
      else out[p] = v
    }
  } else if (type.type === 'array' && Array.isArray(value)) {
    value.forEach((v, i) => walk(v, type.elementType, `${where}[${i}]`, out))
  } else if (type.type === 'map' && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) walk(v, type.valueType, `${where}[${k}]`, out)
  }
  return true
}

const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'))
const expected = new Map()
let expectedMembers = 0
for (const input of inputs) {
  for (const line of fs.readFileSync(input, 'utf8').split('\n')) {
    if (!line.trim()) continue
    const record = JSON.parse(line)
    const out = {}
    walk(record, schema, '', out)
    expectedMembers += Object.keys(out).length
    expected.set(String(record[idColumn]), Object.keys(out).length ? out : null)
  }
}

// ---- what DuckDB reads ----------------------------------------------------------------------
const logDir = path.join(table, '_delta_log')
const active = new Map()
for (const f of fs.readdirSync(logDir).filter((n) => /^\d{20}\.json$/.test(n)).sort()) {
  for (const line of fs.readFileSync(path.join(logDir, f), 'utf8').split('\n')) {
    if (!line.trim()) continue
    const action = JSON.parse(line)
    if (action.add) active.set(action.add.path, action.add)
    if (action.remove) active.delete(action.remove.path)
  }
}
const files = [...active.keys()].map((p) => path.join(table, decodeURIComponent(p)))
check(files.length > 0, `${table}: no active files`)
const instance = await DuckDBInstance.create(':memory:')
const conn = await instance.connect()
const sqlString = (s) => `'${s.replaceAll("'", "''")}'`
const quoted = (name) => `"${name.replaceAll('"', '""')}"`
const rows = (await conn.runAndReadAll(`
  SELECT CAST(${quoted(idColumn)} AS VARCHAR) AS id, ${quoted(column)} AS rescued,
         json_valid(${quoted(column)}) AS valid
    FROM read_parquet([${files.map(sqlString).join(', ')}])`)).getRowObjectsJS()

const seen = new Set()
let rescuedMembers = 0
for (const r of rows) {
  check(!seen.has(r.id), `row ${r.id} appears twice`)
  seen.add(r.id)
  check(expected.has(r.id), `row ${r.id} is not in the input`)
  const want = expected.get(r.id)
  if (want === null) {
    check(r.rescued === null, `row ${r.id}: expected null, got ${r.rescued}`)
    continue
  }
  check(r.rescued !== null, `row ${r.id}: expected ${JSON.stringify(want)}, got null`)
  if (r.rescued === null) continue
  check(r.valid === true, `row ${r.id}: DuckDB says the rescued text is not JSON: ${r.rescued}`)
  const got = JSON.parse(r.rescued)
  rescuedMembers += Object.keys(got).length
  check(JSON.stringify(Object.keys(got).sort()) === JSON.stringify(Object.keys(want).sort()),
    `row ${r.id}: rescued keys ${JSON.stringify(Object.keys(got))}, expected ${JSON.stringify(Object.keys(want))}`)
  for (const [k, v] of Object.entries(want)) {
    check(JSON.stringify(got[k]) === JSON.stringify(v),
      `row ${r.id}: ${k} is ${JSON.stringify(got[k])}, expected ${JSON.stringify(v)}`)
  }
}
for (const id of expected.keys()) check(seen.has(id), `row ${id} is missing from the table`)

if (failures) process.exit(1)
console.log(JSON.stringify({ rows: rows.length, expectedMembers, rescuedMembers }))
