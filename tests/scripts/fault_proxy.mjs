// fault_proxy.mjs: an HTTP proxy on loopback between lakestream and Azurite that misbehaves on a
// share of requests, to prove the client's retries keep results exact.
//
//   node fault_proxy.mjs --target http://127.0.0.1:PORT --port-file F [--seed N]
//                        [--p503 0.1] [--preset 0.05] [--postreset 0.05] [--delay 0.05]
//                        [--lose-commits 1]
//
// Per request, at random: answer 503 ServerBusy (with Retry-After: 0) without forwarding; reset
// the connection before forwarding; forward, let Azurite act, then reset instead of answering
// (the ambiguous case: the write happened but the client never hears it); or delay the answer
// by 1-2 s. With --lose-commits 1, the first put-if-absent (If-None-Match: *) of every path is
// forwarded and then reset: the blob exists, and the client's retry meets 409 for its own
// write. Writes its port to --port-file when listening; on SIGTERM prints the counts as JSON
// to stdout and exits.
import http from 'node:http'
import fs from 'node:fs'

const args = process.argv.slice(2)
const opt = { target: null, portFile: null, seed: 1, p503: 0.1, preset: 0.05, postreset: 0.05, delay: 0.05, 'lose-commits': 0 }
for (let i = 0; i < args.length; i++) {
  const k = args[i].replace(/^--/, '')
  const v = args[++i]
  if (k === 'target') opt.target = new URL(v)
  else if (k === 'port-file') opt.portFile = v
  else opt[k] = Number(v)
}
if (!opt.target || !opt.portFile) {
  console.error('usage: fault_proxy.mjs --target URL --port-file F [--seed N] [--p503 P] ...')
  process.exit(2)
}

// A small deterministic generator, so a failing run can be replayed with its seed.
let state = opt.seed >>> 0 || 1
function random() {
  state ^= state << 13; state >>>= 0
  state ^= state >>> 17
  state ^= state << 5; state >>>= 0
  return state / 4294967296
}

const counts = { requests: 0, served503: 0, resetBefore: 0, resetAfter: 0, delayed: 0, forwarded: 0, lostCommits: 0 }
const commitsSeen = new Set()
const agent = new http.Agent({ keepAlive: true })

function forward(req, body, onResponse, onError) {
  const up = http.request({
    host: opt.target.hostname, port: opt.target.port, method: req.method, path: req.url,
    headers: req.headers, agent,
  }, (upRes) => {
    const chunks = []
    upRes.on('data', (c) => chunks.push(c))
    upRes.on('end', () => onResponse(upRes, Buffer.concat(chunks)))
  })
  up.on('error', onError)
  up.end(body)
}

const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    counts.requests++
    const body = Buffer.concat(chunks)
    if (opt['lose-commits'] && req.headers['if-none-match'] === '*' && !commitsSeen.has(req.url.split('?')[0])) {
      commitsSeen.add(req.url.split('?')[0])
      forward(req, body, () => {
        counts.lostCommits++
        req.socket.resetAndDestroy()
      }, () => req.socket.resetAndDestroy())
      return
    }
    const r = random()
    let edge = opt.p503
    if (r < edge) {
      counts.served503++
      res.writeHead(503, { 'x-ms-error-code': 'ServerBusy', 'Retry-After': '0', 'Content-Length': 0 })
      res.end()
      return
    }
    if (r < (edge += opt.preset)) {
      counts.resetBefore++
      req.socket.resetAndDestroy()
      return
    }
    const resetAfter = r < (edge += opt.postreset)
    const delay = !resetAfter && r < (edge += opt.delay)
    forward(req, body, (upRes, upBody) => {
      counts.forwarded++
      if (resetAfter) {
        counts.resetAfter++
        req.socket.resetAndDestroy()
        return
      }
      const send = () => {
        const headers = { ...upRes.headers }
        delete headers['transfer-encoding']
        // A HEAD answer has no body but keeps the blob's Content-Length (its size).
        if (req.method !== 'HEAD') headers['content-length'] = upBody.length
        res.writeHead(upRes.statusCode, headers)
        res.end(req.method === 'HEAD' ? undefined : upBody)
      }
      if (delay) {
        counts.delayed++
        setTimeout(send, 1000 + Math.floor(random() * 1000))
      } else {
        send()
      }
    }, () => req.socket.resetAndDestroy())
  })
})

server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(opt.portFile, String(server.address().port))
})
process.on('SIGTERM', () => {
  process.stdout.write(JSON.stringify(counts) + '\n', () => process.exit(0))
})
