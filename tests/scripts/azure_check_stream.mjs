// azure_check_stream.mjs: what streaming_job left in a Delta table downloaded from Azurite, read
// by DuckDB: rows, distinct MeterIds (the Azure tests' events carry unique ones, so a duplicate
// shows as distinct < rows), and the dead-letter table's rows. The log is replayed here (adds
// minus removes), independently of lakestream's reader.
//
//   node azure_check_stream.mjs --tools tests/tools --table DIR [--dead-letter DIR]
// Prints one JSON line: {"version":V,"rows":R,"distinctMeters":D,"deadLetters":L}.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'

const args = process.argv.slice(2)
const opt = {}
for (let i = 0; i < args.length; i += 2) opt[args[i].replace(/^--/, '')] = args[i + 1]
if (!opt.tools || !opt.table) {
  console.error('usage: azure_check_stream.mjs --tools DIR --table DIR [--dead-letter DIR]')
  process.exit(2)
}
const { DuckDBInstance } = createRequire(path.resolve(opt.tools, 'package.json'))('@duckdb/node-api')

function activeFiles(table) {
  const log = path.join(table, '_delta_log')
  const commits = fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()
  const live = new Set()
  commits.forEach((f, i) => {
    if (Number(f.slice(0, 20)) !== i) throw new Error(`${log}: commit ${f} out of sequence`)
    for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
      if (!line.trim()) continue
      const a = JSON.parse(line)
      if (a.add) live.add(a.add.path)
      if (a.remove) live.delete(a.remove.path)
    }
  })
  const files = [...live].map((p) => path.join(table, decodeURIComponent(p)))
  for (const f of files) if (!fs.existsSync(f)) throw new Error(`${f}: in the log, not downloaded`)
  return { version: commits.length - 1, files }
}

const sqlList = (files) => '[' + files.map((f) => `'${f.replace(/'/g, "''")}'`).join(',') + ']'
const db = await (await DuckDBInstance.create(':memory:')).connect()
const table = activeFiles(opt.table)
const out = { version: table.version, rows: 0, distinctMeters: 0, deadLetters: 0 }
if (table.files.length > 0) {
  const r = (await db.runAndReadAll(
    `SELECT count(*)::BIGINT AS n, count(DISTINCT MeterId)::BIGINT AS d FROM read_parquet(${sqlList(table.files)})`,
  )).getRowObjectsJS()[0]
  out.rows = Number(r.n)
  out.distinctMeters = Number(r.d)
}
if (opt['dead-letter']) {
  const dead = activeFiles(opt['dead-letter'])
  if (dead.files.length > 0) {
    const r = (await db.runAndReadAll(
      `SELECT count(*)::BIGINT AS n FROM read_parquet(${sqlList(dead.files)})`,
    )).getRowObjectsJS()[0]
    out.deadLetters = Number(r.n)
  }
}
console.log(JSON.stringify(out))
