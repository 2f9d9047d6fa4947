// ui_poller.mjs: a client watching a job's live UI as a browser tab and a Prometheus scraper
// would, only harder: every INTERVAL ms it loads the application page, the query list, the
// query's detail and progress records, and /metrics. stream_bench.sh runs it beside a job to
// measure what the UI costs. Waits for the job's "UI: http://host:port/" line in its log.
//   node ui_poller.mjs <job log> [interval ms, default 100]
// Ends when the UI stops answering (the job ended) or on SIGTERM, printing "requests N failed M cpu S s"
// (M: answers other than 200; S: the poller's own CPU time).
import fs from 'node:fs'
import http from 'node:http'

const [logFile, intervalText] = process.argv.slice(2)
const interval = Number(intervalText || 100)
let requests = 0
let failed = 0
let stopping = false
process.on('SIGTERM', () => { stopping = true })

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function uiBase() {
  while (!stopping) {
    const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''
    const m = /UI: (http:\/\/[^/\s]+)\//.exec(text)
    if (m) return m[1]
    await sleep(20)
  }
  return null
}

// node:http on one kept-alive connection: the lightest client node has (fetch costs several
// times the CPU per request, which on a 2-core machine is taken from the job measured).
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
function request(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }))
      res.on('error', () => resolve(null))
    })
    req.on('error', () => resolve(null))  // nothing answers: the job has ended
  })
}

async function get(url) {
  const r = await request(url)
  if (r === null) return null
  requests++
  if (r.status !== 200) failed++
  return r
}

const base = await uiBase()
let id = null
while (base && !stopping) {
  const started = Date.now()
  await get(base + '/')
  const list = await get(base + '/api/v1/queries')
  if (list === null) break
  if (!id) {
    const queries = JSON.parse(list.body.toString())
    if (queries.length) id = queries[0].id
  }
  if (id) {
    await get(`${base}/api/v1/queries/${id}`)
    await get(`${base}/api/v1/queries/${id}/progress`)
  }
  await get(base + '/metrics')
  await sleep(Math.max(0, interval - (Date.now() - started)))
}
const cpu = process.cpuUsage()
agent.destroy()
console.log(`requests ${requests} failed ${failed} cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`)
