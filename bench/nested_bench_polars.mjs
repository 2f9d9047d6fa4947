// nested_bench_polars.mjs: Polars' side of bench/nested_bench.sh (nodejs-polars, pinned in
// bench/tools/package-lock.json). Reads the device events (tests/tools/nested_events.mjs) with
// scanJson and an explicit schema, collects them and writes one snappy Parquet file with
// writeParquet; prints the seconds inside the process (read, write, total; node's start-up and
// loading the native module are outside them) and the rows the written file holds.
//   node nested_bench_polars.mjs <bench/tools dir> <input.ndjson> <out.parquet>
//
// Two columns cannot take the DDL's type straight from the JSON reader of this version:
// - labels (MAP<STRING, STRING>): Polars has no map type; it is declared as the struct of the
//   keys the generator writes (k0, k1, k2), which is also what inference would produce;
// - price (DECIMAL(10,2)): the events carry it as a JSON number or a string, and the reader
//   rejects a number for a Decimal column ("found value of type Float64"); it is read as a
//   string and cast to Decimal(10, 2) in the same lazy query (strict: a bad value fails).
// Polars uses every core by default (POLARS_MAX_THREADS to change it).
import { createRequire } from 'node:module'
import path from 'node:path'

const [tools, input, out] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const pl = require('nodejs-polars')
const T = pl.DataType

const schema = {
  deviceId: T.Utf8,
  site: T.Utf8,
  ts: T.Datetime('us', 'UTC'),
  firmware: T.Struct({ version: T.Utf8, build: T.Int64 }),
  readings: T.List(T.Struct({ sensor: T.Utf8, value: T.Float64, tags: T.List(T.Utf8) })),
  labels: T.Struct({ k0: T.Utf8, k1: T.Utf8, k2: T.Utf8 }),
  matrix: T.List(T.List(T.Int32)),
  location: T.Struct({
    lat: T.Float64,
    lon: T.Float64,
    floor: T.Struct({ level: T.Int32, name: T.Utf8 }),
  }),
  price: T.Utf8,
  ok: T.Bool,
}

const t0 = process.hrtime.bigint()
const df = pl
  .scanJson(input, { schema })
  .withColumns(pl.col('price').cast(T.Decimal(10, 2), true))
  .collectSync()
const t1 = process.hrtime.bigint()
df.writeParquet(out, { compression: 'snappy' })
const t2 = process.hrtime.bigint()
const s = (a, b) => Number(b - a) / 1e9
const rows = pl.scanParquet(out).select(pl.len().alias('n')).collectSync().getColumn('n').get(0)
console.log(JSON.stringify({ seconds: s(t0, t2), read_seconds: s(t0, t1), write_seconds: s(t1, t2), rows: Number(rows) }))
