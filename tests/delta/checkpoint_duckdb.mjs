// Reads a Delta checkpoint Parquet file with DuckDB and prints what it holds as one JSON line:
// row counts per action column, the add paths (sorted), the txn versions, the protocol, and how
// many add rows have a null partition value. checkpoint_test.cc runs it (from tests/tools, so
// the pinned @duckdb/node-api resolves) and compares with what lakestream wrote.
//
//   cd tests/tools && CHECKPOINT_FILE=<file> node --input-type=module < checkpoint_duckdb.mjs

import { DuckDBInstance } from '@duckdb/node-api'

const file = process.env.CHECKPOINT_FILE
const q = (s) => `'${s.replaceAll("'", "''")}'`
const db = await DuckDBInstance.create(':memory:')
const c = await db.connect()
const rows = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS()
const from = `FROM read_parquet(${q(file)})`
const num = (v) => (typeof v === 'bigint' ? Number(v) : v)

const [counts] = await rows(`SELECT count(*) AS total,
  count(add) AS adds, count(remove) AS removes, count(txn) AS txns,
  count(metaData) AS meta, count(protocol) AS protocol ${from}`)
const adds = (await rows(`SELECT add.path AS p ${from} WHERE add IS NOT NULL ORDER BY p`)).map((r) => r.p)
const removes = (await rows(`SELECT remove.path AS p ${from} WHERE remove IS NOT NULL ORDER BY p`)).map((r) => r.p)
const txns = Object.fromEntries((await rows(`SELECT txn.appId AS a, txn.version AS v ${from}
  WHERE txn IS NOT NULL`)).map((r) => [r.a, num(r.v)]))
const [protocol] = await rows(`SELECT protocol.minReaderVersion AS r, protocol.minWriterVersion AS w
  ${from} WHERE protocol IS NOT NULL`)
const [meta] = await rows(`SELECT metaData.id AS id, metaData.partitionColumns AS pc ${from}
  WHERE metaData IS NOT NULL`)
const [nulls] = await rows(`SELECT count(*) AS n ${from}
  WHERE add IS NOT NULL AND add.partitionValues['p'] IS NULL`)
const [rowGroups] = await rows(`SELECT count(DISTINCT row_group_id) AS n
  FROM parquet_metadata(${q(file)})`)
console.log(JSON.stringify({
  total: num(counts.total), adds_count: num(counts.adds), removes_count: num(counts.removes),
  txns_count: num(counts.txns), meta_count: num(counts.meta), protocol_count: num(counts.protocol),
  adds, removes, txns, protocol: { r: num(protocol.r), w: num(protocol.w) }, meta_id: meta.id,
  partition_columns: meta.pc, null_partition_adds: num(nulls.n), row_groups: num(rowGroups.n),
}))
