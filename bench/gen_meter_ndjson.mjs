// gen_meter_ndjson.mjs: meter readings as NDJSON, the way the original data generator makes
// them: n = first..first+rows-1, v = n*3019, MeterId = v % 127, SupplierId = v % 23 (strings),
// Measurement = {Value: v % 59, Unit: "kWH"}, ObservationTime one second apart from
// 2021-01-19T10:33:00Z.
//
//   node gen_meter_ndjson.mjs --rows 2000000 --out meters.ndjson [--first N] [--invalid-every K]
//
// --invalid-every K replaces every K-th line (n % K == K-1) with an invalid one, cycling
// through: month 19, missing MeterId, non-numeric Value, truncated line, Value overflowing
// decimal(10,0), not JSON at all. Used by tests that need known rejects.
import fs from 'node:fs'

const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : dflt
}
const rows = Number(opt('--rows', '2000000'))
const first = Number(opt('--first', '0'))
const invalidEvery = Number(opt('--invalid-every', '0'))
const out = opt('--out', null)
if (!out || !Number.isInteger(rows) || rows < 0) {
  console.error('usage: gen_meter_ndjson.mjs --rows N --out FILE [--first N] [--invalid-every K]')
  process.exit(2)
}

const base = Date.UTC(2021, 0, 19, 10, 33, 0)
// Compact JSON with millisecond timestamps, as Spark's to_json writes the generator's messages.
const iso = (ms) => new Date(ms).toISOString()
function line(n) {
  const v = n * 3019
  const meter = v % 127
  const supplier = v % 23
  const value = v % 59
  const time = iso(base + n * 1000)
  if (invalidEvery > 0 && n % invalidEvery === invalidEvery - 1) {
    switch (Math.floor(n / invalidEvery) % 6) {
      case 0: return `{"MeterId":"${meter}","SupplierId":"${supplier}","Measurement":{"Value":${value},"Unit":"kWH"},"ObservationTime":"2021-19-01T10:33:00Z"}`
      case 1: return `{"SupplierId":"${supplier}","Measurement":{"Value":${value},"Unit":"kWH"},"ObservationTime":"${time}"}`
      case 2: return `{"MeterId":"${meter}","SupplierId":"${supplier}","Measurement":{"Value":"lots","Unit":"kWH"},"ObservationTime":"${time}"}`
      case 3: return `{"MeterId":"${meter}","SupplierId":"${supplier}","Measurement":{"Value":${value},"Un`
      case 4: return `{"MeterId":"${meter}","SupplierId":"${supplier}","Measurement":{"Value":12345678901,"Unit":"kWH"},"ObservationTime":"${time}"}`
      default: return `not json at line ${n}`
    }
  }
  return `{"MeterId":"${meter}","SupplierId":"${supplier}","Measurement":{"Value":${value},"Unit":"kWH"},"ObservationTime":"${time}"}`
}

const fd = fs.openSync(out, 'w')
const kBlock = 50000
for (let start = first; start < first + rows; start += kBlock) {
  const end = Math.min(first + rows, start + kBlock)
  const parts = []
  for (let n = start; n < end; n++) parts.push(line(n))
  fs.writeSync(fd, parts.join('\n') + '\n')
}
fs.closeSync(fd)
