// hostile_records.mjs: records built to break a JSON decoder, each with the outcome lakestream
// documents for it (docs/decoding.md "Hostile input"), against the meter schema
// (schemas/meter_reading.ddl). Every record's MeterId is unique ("h<n>") where it has one, so a
// check can find it in the table; a record that must be dead-lettered is found there by line.
//
//   node hostile_records.mjs --out FILE.ndjson --expect FILE.json [--repeat N]
//
// FILE.json: [{line, name, expect: "row" | "dead", id, hex}] in file order (1-based lines, the
// record's bytes in hex; --repeat writes the whole set N times, with fresh MeterIds).
import fs from 'node:fs'

const args = process.argv.slice(2)
const opt = (name, def) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : def
}
const out = opt('--out')
const expectFile = opt('--expect')
const repeat = Number(opt('--repeat', '1'))
if (!out || !expectFile) {
  console.error('usage: hostile_records.mjs --out FILE --expect FILE [--repeat N]')
  process.exit(2)
}

const meter = (id, extra = {}) => ({
  MeterId: id,
  SupplierId: '7',
  Measurement: { Value: 42, Unit: 'kWH' },
  ObservationTime: '2021-01-19T10:33:00Z',
  ...extra,
})
const j = (o) => Buffer.from(JSON.stringify(o))
const b = (s) => Buffer.from(s, 'latin1') // bytes exactly as written (may be invalid UTF-8)

// [name, expect, (id) => Buffer]
const cases = [
  ['deep nesting, 10,000 levels, in a member the schema does not name', 'dead',
    (id) => Buffer.concat([j(meter(id)).subarray(0, -1), b(',"X":' + '['.repeat(10000) + ']'.repeat(10000) + '}')])],
  ['deep nesting, 10,000 levels, in place of Measurement', 'dead',
    (id) => b(`{"MeterId":"${id}","SupplierId":"7","Measurement":${'{"a":'.repeat(10000)}1${'}'.repeat(10000)},"ObservationTime":"2021-01-19T10:33:00Z"}`)],
  ['a 400-digit Value (decimal(10,0))', 'dead', (id) => b(`{"MeterId":"${id}","SupplierId":"7","Measurement":{"Value":${'9'.repeat(400)},"Unit":"kWH"},"ObservationTime":"2021-01-19T10:33:00Z"}`)],
  ['Value 1e400', 'dead', (id) => b(`{"MeterId":"${id}","SupplierId":"7","Measurement":{"Value":1e400,"Unit":"kWH"},"ObservationTime":"2021-01-19T10:33:00Z"}`)],
  ['Value 9999999999 (the largest decimal(10,0))', 'row', (id) => j(meter(id, { Measurement: { Value: 9999999999, Unit: 'kWH' } }))],
  ['Value 10000000000 (one past decimal(10,0))', 'dead', (id) => j(meter(id, { Measurement: { Value: 10000000000, Unit: 'kWH' } }))],
  ['invalid UTF-8 in a value (a lone 0xFF)', 'dead', (id) => b(`{"MeterId":"${id}","SupplierId":"7\xff","Measurement":{"Value":1,"Unit":"kWH"},"ObservationTime":"2021-01-19T10:33:00Z"}`)],
  ['invalid UTF-8 in a key', 'dead', (id) => b(`{"MeterId":"${id}","Supp\xc3lierId":"7","SupplierId":"7","Measurement":{"Value":1,"Unit":"kWH"},"ObservationTime":"2021-01-19T10:33:00Z"}`)],
  ['a truncated multi-byte sequence (the first byte of a 3-byte character) at a string end', 'dead', (id) => b(`{"MeterId":"${id}","SupplierId":"7\xe2","Measurement":{"Value":1,"Unit":"kWH"},"ObservationTime":"2021-01-19T10:33:00Z"}`)],
  ['valid multi-byte characters (Greek, CJK, an emoji)', 'row', (id) => j(meter(id, { Measurement: { Value: 1, Unit: 'κWh 千 🙂' } }))],
  ['a raw NUL byte inside a string', 'dead', (id) => b(`{"MeterId":"${id}","SupplierId":"7\x00","Measurement":{"Value":1,"Unit":"kWH"},"ObservationTime":"2021-01-19T10:33:00Z"}`)],
  ['an escaped NUL (\\u0000) inside a string', 'row', (id) => b(`{"MeterId":"${id}","SupplierId":"7\\u0000","Measurement":{"Value":1,"Unit":"kWH"},"ObservationTime":"2021-01-19T10:33:00Z"}`)],
  ['duplicate keys', 'dead', (id) => b(`{"MeterId":"${id}","SupplierId":"7","SupplierId":"8","Measurement":{"Value":1,"Unit":"kWH"},"ObservationTime":"2021-01-19T10:33:00Z"}`)],
  ['a UTF-8 byte order mark before the object', 'dead', (id) => Buffer.concat([b('\xef\xbb\xbf'), j(meter(id))])],
  ['a CRLF line end', 'row', (id) => Buffer.concat([j(meter(id)), b('\r')])],
  ['ObservationTime in year 0', 'row', (id) => j(meter(id, { ObservationTime: '0000-01-01T00:00:00Z' }))],
  ['ObservationTime in year 9999, the last second', 'row', (id) => j(meter(id, { ObservationTime: '9999-12-31T23:59:59.999999Z' }))],
  ['ObservationTime in year 10000', 'dead', (id) => j(meter(id, { ObservationTime: '10000-01-01T00:00:00Z' }))],
  ['ObservationTime on February 30', 'dead', (id) => j(meter(id, { ObservationTime: '2021-02-30T00:00:00Z' }))],
  ['an empty object (spaces inside, as many as its number)', 'dead', (id) => b('{' + ' '.repeat(Number(id.slice(1))) + '}')],
  ['an object of members the schema does not name', 'dead', (id) => j({ Note: id })],
  ['not an object: an array', 'dead', (id) => b(`["${id}",1,2]`)],
  ['not JSON at all', 'dead', (id) => b(`this is not json ${id}`)],
  ['two objects on one line', 'dead', (id) => Buffer.concat([j(meter(id)), j(meter(id + 'b'))])],
  ['a huge number in a member the schema does not name', 'row', (id) => Buffer.concat([j(meter(id)).subarray(0, -1), b(',"Big":' + '7'.repeat(400) + '}')])],
  ['a 1 MB string in a member the schema does not name', 'row', (id) => Buffer.concat([j(meter(id)).subarray(0, -1), b(',"Pad":"' + 'p'.repeat(1 << 20) + '"}')])],
  ['a 1 MB MeterId', 'row', (id) => j(meter(id + 'x'.repeat(1 << 20)))],
  ['control characters escaped in a value', 'row', (id) => j(meter(id, { Measurement: { Value: 1, Unit: '\t\n\u0001' } }))],
  ['a numeric string where the schema wants a decimal (Spark accepts it)', 'row', (id) => j(meter(id, { Measurement: { Value: '42', Unit: 'kWH' } }))],
  ['a word where the schema wants a decimal', 'dead', (id) => j(meter(id, { Measurement: { Value: 'lots', Unit: 'kWH' } }))],
  ['null where the schema says NOT NULL', 'dead', (id) => j(meter(id, { SupplierId: null }))],
]

const parts = []
const expected = []
let line = 0
for (let r = 0; r < repeat; r++) {
  cases.forEach(([name, expect, make], i) => {
    const id = `h${r * cases.length + i}`
    const record = make(id)
    parts.push(record, b('\n'))
    expected.push({ line: ++line, name, expect, id, hex: record.toString('hex') })
  })
}
fs.writeFileSync(out, Buffer.concat(parts))
fs.writeFileSync(expectFile, JSON.stringify(expected))
