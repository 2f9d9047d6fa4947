// nested_bench_duckdb.mjs: DuckDB's side of bench/nested_bench.sh. Converts the device events
// (tests/tools/nested_events.mjs) to one snappy Parquet file with COPY, nested columns kept as
// they are, and prints the seconds the query took inside the process (node's start-up and
// DuckDB's loading are outside that figure) and the rows the file holds.
//   node nested_bench_duckdb.mjs <tests/tools dir> <input.ndjson> <out.parquet> [threads]
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [tools, input, out, threads] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href)

const instance = await DuckDBInstance.create(':memory:')
const conn = await instance.connect()
if (threads) await conn.run(`SET threads = ${Number(threads)}`)
const q = (s) => `'${s.replaceAll("'", "''")}'`
// The types of the events' DDL (nested_events.mjs --schema), spelled for DuckDB: Spark's
// TIMESTAMP is an instant (TIMESTAMPTZ), ARRAY<T> is T[], MAP<STRING, STRING> a MAP read from
// a JSON object. Explicit, so DuckDB does no sampling or inference.
const columns = {
  deviceId: 'VARCHAR',
  site: 'VARCHAR',
  ts: 'TIMESTAMPTZ',
  firmware: 'STRUCT(version VARCHAR, build BIGINT)',
  readings: 'STRUCT(sensor VARCHAR, value DOUBLE, tags VARCHAR[])[]',
  labels: 'MAP(VARCHAR, VARCHAR)',
  matrix: 'INTEGER[][]',
  location: 'STRUCT(lat DOUBLE, lon DOUBLE, floor STRUCT(level INTEGER, name VARCHAR))',
  price: 'DECIMAL(10,2)',
  ok: 'BOOLEAN',
}
const spec = Object.entries(columns).map(([k, t]) => `${k}: ${q(t)}`).join(', ')
const sql = `COPY (SELECT * FROM read_json(${q(input)}, format = 'newline_delimited',
       columns = {${spec}}))
  TO ${q(out)} (FORMAT parquet, COMPRESSION snappy)`
const t0 = process.hrtime.bigint()
await conn.run(sql)
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
const n = (await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${q(out)})`)).getRowObjectsJS()[0].n
console.log(JSON.stringify({ seconds, rows: Number(n) }))
