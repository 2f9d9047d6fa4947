// ingest_bench_duckdb.mjs: DuckDB's side of bench/ingest_bench.sh. Converts the meter NDJSON to
// one snappy Parquet file with COPY and prints the seconds the query took inside the process
// (node's own start-up and DuckDB's loading are outside that figure).
//   node ingest_bench_duckdb.mjs <tests/tools dir> <input.ndjson[,input2.ndjson...]> <out.parquet> [threads]
// Several inputs (comma-separated) are read by one read_json over the list of files.
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
const sql = `COPY (SELECT MeterId, SupplierId, Measurement.Value AS Measurement_Value,
       Measurement.Unit AS Measurement_Unit, ObservationTime
  FROM read_json([${input.split(',').map(q).join(', ')}], format = 'newline_delimited', columns = {
       MeterId: 'VARCHAR', SupplierId: 'VARCHAR',
       Measurement: 'STRUCT(Value DECIMAL(10,0), Unit VARCHAR)', ObservationTime: 'TIMESTAMPTZ'}))
  TO ${q(out)} (FORMAT parquet, COMPRESSION snappy)`
const t0 = process.hrtime.bigint()
await conn.run(sql)
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
const n = (await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${q(out)})`)).getRowObjectsJS()[0].n
console.log(JSON.stringify({ seconds, rows: Number(n) }))
