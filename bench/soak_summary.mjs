// soak_summary.mjs: bench/soak.sh's figures. The event latency of every row, from the table
// itself (its commit's timestamp minus its EventHubEnqueueTime; DuckDB over every file a commit
// added with dataChange, so rows compacted later count at their first commit), and the goals
// checked against the 10-second samples.
//   node soak_summary.mjs <tests/tools> <table> <samples.csv> <rate> <minutes>
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [tools, table, samplesFile, rate, minutes] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href)

// ---- latency from the table --------------------------------------------------------------------
const log = path.join(table, '_delta_log')
const files = [] // [path, commit ms]
for (const f of fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f))) {
  let ts = null
  const adds = []
  for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
    if (!line.trim()) continue
    const a = JSON.parse(line)
    if (a.commitInfo) ts = a.commitInfo.timestamp
    if (a.add && a.add.dataChange) adds.push(path.join(table, decodeURIComponent(a.add.path)))
  }
  for (const p of adds) files.push([p, ts])
}
const db = await DuckDBInstance.create(':memory:')
const conn = await db.connect()
const q = (s) => `'${s.replaceAll("'", "''")}'`
await conn.run(`CREATE TABLE commits(file VARCHAR, ms BIGINT)`)
for (let i = 0; i < files.length; i += 500) {
  const rows = files.slice(i, i + 500).map(([p, ms]) => `(${q(p)}, ${ms})`).join(',')
  await conn.run(`INSERT INTO commits VALUES ${rows}`)
}
const list = files.map(([p]) => q(p)).join(',')
const r = (await conn.runAndReadAll(`
  WITH rows AS (
    SELECT c.ms - epoch_ms(t.EventHubEnqueueTime) AS latency
    FROM read_parquet([${list}], filename = true, hive_partitioning = false) t
    JOIN commits c ON c.file = t.filename)
  SELECT count(*) AS n, quantile_cont(latency, 0.5) AS p50, quantile_cont(latency, 0.99) AS p99,
         max(latency) AS max FROM rows`)).getRowObjectsJson()[0]

// ---- the samples ---------------------------------------------------------------------------
const lines = fs.readFileSync(samplesFile, 'utf8').trim().split('\n')
const header = lines[0].split(',')
const samples = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], Number(v)])))
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length)
// Medians: auto-compaction runs every few minutes and lifts RSS and open files while it does;
// the goals are about the level the job returns to, the peaks are reported beside.
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b)
  return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : 0
}
const at = (lo, hi) => samples.filter((s) => s.seconds > lo && s.seconds <= hi)
const total = Number(minutes) * 60
// Warm-up window: minutes 10-20 of a long run, the second quarter of a short one.
const [w0, w1] = total >= 40 * 60 ? [600, 1200] : [total / 4, total / 2]
const warm = at(w0, w1)
const late = at(total / 2, total)
const rssWarm = median(warm.map((s) => s.rss_mb))
const rssLate = median(late.map((s) => s.rss_mb))
const rssPeak = Math.max(...samples.map((s) => s.rss_mb))
const fdWarm = median(warm.map((s) => s.open_files))
const fdLate = median(late.map((s) => s.open_files))
const fdPeak = Math.max(...samples.map((s) => s.open_files))
const thWarm = median(warm.map((s) => s.threads))
const thLate = median(late.map((s) => s.threads))
const lagWarm = mean(warm.map((s) => s.lag_events))
const lagLate = mean(late.map((s) => s.lag_events))
const verdict = (ok) => (ok ? 'met' : 'NOT MET')
const p50 = Number(r.p50) / 1000
const p99 = Number(r.p99) / 1000
console.log(`soak: ${minutes} min at ${rate} events/s, ${samples.length} samples, ${r.n} rows in the table`)
console.log(`event latency (commit time - enqueued time, every row): p50 ${p50.toFixed(3)} s, p99 ${p99.toFixed(3)} s, max ${(Number(r.max) / 1000).toFixed(3)} s` +
  ` (goal p50 <= 1.2 s: ${verdict(p50 <= 1.2)}; p99 <= 2 s: ${verdict(p99 <= 2)})`)
console.log(`RSS (median): ${rssWarm.toFixed(1)} MB over ${w0 / 60}-${w1 / 60} min, ${rssLate.toFixed(1)} MB over the last half (${((rssLate / rssWarm - 1) * 100).toFixed(1)}%; goal within 5%: ${verdict(Math.abs(rssLate / rssWarm - 1) <= 0.05)}); peak ${rssPeak.toFixed(1)} MB`)
console.log(`open files (median): ${fdWarm} then ${fdLate}, peak ${fdPeak}; threads (median): ${thWarm} then ${thLate} (goal no growth: ${verdict(fdLate <= fdWarm && thLate <= thWarm)})`)
console.log(`lag: mean ${lagWarm.toFixed(0)} then ${lagLate.toFixed(0)} events behind (goal not growing: ${verdict(lagLate <= Math.max(lagWarm * 1.5, Number(rate)))})`)
