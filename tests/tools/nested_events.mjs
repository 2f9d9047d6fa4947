// nested_events.mjs: device events with nested data (structs, arrays of structs, maps, lists of
// lists, nulls at every level), seeded, for the nested end-to-end tests (tests/scripts/
// nested_test.sh) and the nested ingest benchmark (bench/nested_bench.sh).
//
//   node nested_events.mjs --first F --count N [--bad B] [--keyed] [--wide] > events.ndjson
//
// Event n is a pure function of n, so a check can regenerate what a table must hold. --bad adds
// B records that must be dead-lettered (lines that are not JSON, and a `readings` that is a
// string), after the good ones. --keyed prints "d<n>:<json>" lines for `kcat -K:`. --wide adds
// the `battery` struct member and the top-level `notes` column (the schema-evolution tests'
// wider events). --schema prints the events' schema (Spark DDL, deviceSchema below; with
// --wide before it, wideDeviceSchema).

export const deviceSchema =
  'deviceId STRING NOT NULL, site STRING, ts TIMESTAMP, ' +
  'firmware STRUCT<version: STRING, build: BIGINT>, ' +
  'readings ARRAY<STRUCT<sensor: STRING, value: DOUBLE, tags: ARRAY<STRING>>>, ' +
  'labels MAP<STRING, STRING>, matrix ARRAY<ARRAY<INT>>, ' +
  'location STRUCT<lat: DOUBLE, lon: DOUBLE, floor: STRUCT<level: INT, name: STRING>>, ' +
  'price DECIMAL(10,2), ok BOOLEAN'

/// The wider events' schema (--wide): firmware.battery and notes added.
export const wideDeviceSchema = deviceSchema
  .replace('firmware STRUCT<version: STRING, build: BIGINT>', 'firmware STRUCT<version: STRING, build: BIGINT, battery: INT>')
  .concat(', notes STRING')

const sites = ['north', 'south', 'east', 'west', 'lab']
const sensors = ['temp', 'hum', 'co2', 'lux']

// A small deterministic generator per event (mulberry32 seeded by n).
function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/// The event n as a JS object (values as JSON will carry them).
export function deviceEvent(n, wide = false) {
  const r = rng(n * 2654435761 + 17)
  const pick = (k) => Math.floor(r() * k)
  const e = { deviceId: `dev-${n}`, site: sites[n % sites.length] }
  const ms = Date.UTC(2026, 0, 1) + n * 1000 + pick(1000)
  e.ts = new Date(ms).toISOString()
  const fw = pick(6)
  if (fw === 0) e.firmware = null
  else if (fw === 1) e.firmware = { version: null, build: n }
  else if (fw > 2) e.firmware = { version: `v${pick(4)}.${pick(10)}`, build: 1000 + pick(9000) }
  // fw === 2: the member is absent
  const nr = pick(5)
  if (nr === 4) e.readings = null
  else {
    e.readings = []
    for (let i = 0; i < nr; i++) {
      const reading = { sensor: sensors[pick(sensors.length)], value: Math.round(r() * 10000) / 100 }
      const nt = pick(4)
      if (nt === 3) reading.tags = null
      else {
        reading.tags = []
        for (let j = 0; j < nt; j++) reading.tags.push(pick(5) === 0 ? null : `t${pick(20)}`)
      }
      if (pick(8) === 0) reading.value = null
      e.readings.push(pick(12) === 0 ? null : reading)
    }
  }
  const nl = pick(4)
  if (nl === 3) e.labels = null
  else {
    e.labels = {}
    for (let i = 0; i < nl; i++) e.labels[`k${i}`] = pick(6) === 0 ? null : `v${pick(100)}`
  }
  const nm = pick(4)
  if (nm > 0) {
    e.matrix = []
    for (let i = 0; i < nm; i++) {
      const row = []
      for (let j = 0; j < pick(4); j++) row.push(pick(7) === 0 ? null : pick(1000) - 500)
      e.matrix.push(pick(9) === 0 ? null : row)
    }
  }
  if (pick(5) !== 0) {
    e.location = { lat: Math.round(r() * 18000) / 100 - 90, lon: Math.round(r() * 36000) / 100 - 180 }
    if (pick(3) !== 0) e.location.floor = { level: pick(40) - 2, name: pick(4) === 0 ? null : `F${pick(9)}` }
  }
  e.price = (pick(2000000) / 100).toFixed(2)
  if (pick(3) === 0) e.price = Number(e.price)
  e.ok = pick(7) === 0 ? null : pick(2) === 0
  if (wide) {
    if (e.firmware) e.firmware.battery = pick(100)
    e.notes = pick(3) === 0 ? null : `note ${n}`
  }
  return e
}

/// Bad record k (after good events first..first+count-1): every one must be dead-lettered.
export function badRecord(k) {
  return k % 2 === 0 ? `not json ${k} {` : JSON.stringify({ deviceId: `bad-${k}`, readings: 'oops' })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  let first = 0
  let count = 10
  let bad = 0
  let keyed = false
  let wide = false
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--first') first = Number(args[++i])
    else if (args[i] === '--count') count = Number(args[++i])
    else if (args[i] === '--bad') bad = Number(args[++i])
    else if (args[i] === '--keyed') keyed = true
    else if (args[i] === '--wide') wide = true
    else if (args[i] === '--schema') {
      process.stdout.write((args.includes('--wide') ? wideDeviceSchema : deviceSchema) + '\n')
      process.exit(0)
    } else {
      console.error(`nested_events.mjs: unknown argument ${args[i]}`)
      process.exit(2)
    }
  }
  const out = []
  const flush = () => {
    process.stdout.write(out.join(''))
    out.length = 0
  }
  for (let n = first; n < first + count; n++) {
    const line = JSON.stringify(deviceEvent(n, wide))
    out.push(keyed ? `d${n}:${line}\n` : `${line}\n`)
    if (out.length >= 4096) flush()
  }
  for (let k = 0; k < bad; k++) out.push(keyed ? `b${first + k}:${badRecord(k)}\n` : `${badRecord(k)}\n`)
  flush()
}
