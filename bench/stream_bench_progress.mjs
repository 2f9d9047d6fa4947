// stream_bench_progress.mjs: the span of a streaming_job run's micro-batches, from its progress
// records (one JSON line each, on stderr): from the start of the first batch with input to the
// end of the last one, in seconds. stream_bench.sh divides the events by it for the rate
// without process start-up and the consumer-group join.
//   node stream_bench_progress.mjs <file>...
import fs from 'node:fs'

const batches = []
for (const file of process.argv.slice(2)) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{') || !line.includes('"batchId"')) continue
    try {
      const p = JSON.parse(line)
      if (p.numInputRows > 0) batches.push(p)
    } catch {
      // not a progress record
    }
  }
}
if (batches.length === 0) {
  console.error('stream_bench_progress: no progress records with input')
  process.exit(1)
}
batches.sort((a, b) => a.batchId - b.batchId)
const first = batches[0]
const last = batches[batches.length - 1]
const start = Date.parse(first.timestamp)
const end = Date.parse(last.timestamp) + (last.durationMs?.triggerExecution ?? 0)
console.log(((end - start) / 1000).toFixed(3))
