// show_check.mjs: DuckDB's side of show_test.sh. Replays the table's JSON log by itself, reads
// the live files with DuckDB and compares with `lakestream show --format json`; then reads the
// checkpoint Parquet with DuckDB and checks it lists exactly the live files.
//   node show_check.mjs <tests/tools dir> <table> <all.json> <supplier19.json>
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [tools, table, allJson, s19Json] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href)
const fail = (m) => { console.error(`show_check: ${m}`); process.exit(1) }

const log = path.join(table, '_delta_log')
function replay(upTo) {
  const files = new Map()
  for (const f of fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()) {
    if (Number(f.slice(0, 20)) > upTo) continue
    for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
      if (!line.trim()) continue
      const a = JSON.parse(line)
      if (a.add) files.set(decodeURIComponent(a.add.path), a.add)
      if (a.remove) files.delete(decodeURIComponent(a.remove.path))
    }
  }
  return files
}
const live = replay(Infinity)
const live10 = replay(10)
const db = await DuckDBInstance.create(':memory:')
const c = await db.connect()
const q = (s) => `'${s.replaceAll("'", "''")}'`
const parts = []
for (const [p, add] of live) {
  parts.push(`SELECT MeterId, ${q(add.partitionValues.SupplierId)} AS SupplierId,
    CAST(Measurement_Value AS VARCHAR) AS v, strftime(ObservationTime AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%f') AS t
    FROM read_parquet(${q(path.join(table, p))})`)
}
const rows = (await c.runAndReadAll(parts.join(' UNION ALL '))).getRowObjectsJS()
const key = (r) => `${r.MeterId}|${r.SupplierId}|${r.v}|${r.t}`
const expected = rows.map(key).sort()
const ours = (file) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  .map((o) => key({ MeterId: o.MeterId, SupplierId: o.SupplierId, v: String(o.Measurement_Value),
                    t: o.ObservationTime.replace(/Z$/, '') }))
  .sort()
const all = ours(allJson)
if (all.length !== expected.length) fail(`rows: lakestream ${all.length}, DuckDB ${expected.length}`)
for (let i = 0; i < all.length; i++) if (all[i] !== expected[i]) fail(`row ${i}: ${all[i]} vs ${expected[i]}`)
const s19 = ours(s19Json)
const e19 = expected.filter((k) => k.split('|')[1] === '19')
if (s19.length !== e19.length || s19.some((k, i) => k !== e19[i])) fail(`supplier 19: ${s19.length} vs ${e19.length}`)

const ckpt = path.join(log, '00000000000000000010.checkpoint.parquet')
const adds = (await c.runAndReadAll(`SELECT add.path AS p, add.partitionValues AS pv
  FROM read_parquet(${q(ckpt)}) WHERE add IS NOT NULL`)).getRowObjectsJS()
const meta = (await c.runAndReadAll(`SELECT metaData.partitionColumns AS pc FROM read_parquet(${q(ckpt)})
  WHERE metaData IS NOT NULL`)).getRowObjectsJS()
if (meta.length !== 1) fail(`checkpoint metaData rows: ${meta.length}`)
if (adds.length !== live10.size) fail(`checkpoint adds: ${adds.length}, live at 10: ${live10.size}`)
for (const a of adds) {
  const f = live10.get(decodeURIComponent(a.p))
  if (!f) fail(`checkpoint lists a file not live at 10: ${a.p}`)
  const pv = Object.fromEntries(a.pv.map((e) => [e.key, e.value]))
  if (pv.SupplierId !== f.partitionValues.SupplierId) fail(`partition value of ${a.p}`)
}
console.log(JSON.stringify({ rows: all.length, supplier19: s19.length, checkpointAdds: adds.length }))
