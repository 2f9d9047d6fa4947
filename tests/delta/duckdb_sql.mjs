// Runs one SQL query with DuckDB and prints its rows as one JSON array (BigInts as numbers,
// nested values as plain JSON). The delta tests use it as their second reader of the Parquet
// files lakestream writes or assembles (checkpoints, sidecars, data files); duckdb_sql.h runs it
// from tests/tools so the pinned @duckdb/node-api resolves.
//
//   cd tests/tools && DUCKDB_SQL='SELECT 1 AS x' node --input-type=module < duckdb_sql.mjs

import { DuckDBInstance } from '@duckdb/node-api'

const db = await DuckDBInstance.create(':memory:')
const c = await db.connect()
const rows = (await c.runAndReadAll(process.env.DUCKDB_SQL)).getRowObjectsJson()
console.log(JSON.stringify(rows))
