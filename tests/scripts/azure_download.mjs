// azure_download.mjs: copies every blob under a prefix of a container to a local folder, for the
// independent readers (DuckDB) to read a table lakestream wrote to Azurite. Signs its requests
// with SharedKey by itself (node:crypto), independently of lakestream's signing code.
//
//   node azure_download.mjs --endpoint http://127.0.0.1:PORT/devstoreaccount1 --container C
//                           --prefix P --out DIR     (account key: the development one)
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

const args = process.argv.slice(2)
const opt = {}
for (let i = 0; i < args.length; i += 2) opt[args[i].replace(/^--/, '')] = args[i + 1]
const account = 'devstoreaccount1'
const key = Buffer.from(
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==', 'base64')
const endpoint = new URL(opt.endpoint)

async function request(pathname, query) {
  const url = new URL(endpoint.origin + pathname)
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  const headers = { 'x-ms-date': new Date().toUTCString(), 'x-ms-version': '2021-08-06' }
  const canonicalQuery = Object.keys(query).sort()
    .map((k) => `\n${k.toLowerCase()}:${query[k]}`).join('')
  const toSign = ['GET', '', '', '', '', '', '', '', '', '', '', '',
    `x-ms-date:${headers['x-ms-date']}\nx-ms-version:${headers['x-ms-version']}\n/${account}${url.pathname}${canonicalQuery}`,
  ].join('\n')
  headers.Authorization = `SharedKey ${account}:` +
    crypto.createHmac('sha256', key).update(toSign, 'utf8').digest('base64')
  const res = await fetch(url, { headers })
  if (!res.ok) throw new Error(`GET ${url.pathname}: HTTP ${res.status} ${await res.text()}`)
  return res
}

const base = endpoint.pathname.replace(/\/$/, '') + '/' + opt.container
const names = []
let marker = ''
do {
  const q = { restype: 'container', comp: 'list', prefix: opt.prefix }
  if (marker) q.marker = marker
  const xml = await (await request(base, q)).text()
  for (const m of xml.matchAll(/<Blob><Name>([^<]*)<\/Name>/g)) names.push(m[1])
  marker = (xml.match(/<NextMarker>([^<]*)<\/NextMarker>/) || [])[1] || ''
} while (marker)
for (const name of names) {
  const decoded = name.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  const encodedPath = decoded.split('/').map(encodeURIComponent).join('/')
  const res = await request(base + '/' + encodedPath, {})
  const dest = path.join(opt.out, decoded.slice(opt.prefix.length))
  fs.mkdirSync(path.dirname(dest), { recursive: true })
  fs.writeFileSync(dest, Buffer.from(await res.arrayBuffer()))
}
console.log(JSON.stringify({ downloaded: names.length }))
