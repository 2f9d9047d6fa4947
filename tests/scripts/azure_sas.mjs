// azure_sas.mjs: prints an account SAS token (blob service; read, write, delete, list, add,
// create on service, container and object) for Azurite's development account, valid for an
// hour, signed here with node:crypto (independently of lakestream's code), for the tests that
// give streaming_job and load_and_filter_job --storage-sas-token.
//
//   node azure_sas.mjs            -> sv=...&ss=b&srt=sco&sp=rwdlac&se=...&spr=https,http&sig=...
import crypto from 'node:crypto'

const account = 'devstoreaccount1'
const key = Buffer.from(
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==', 'base64')
const p = {
  sv: '2021-08-06',
  ss: 'b',
  srt: 'sco',
  sp: 'rwdlac',
  se: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
  spr: 'https,http',
}
// Account SAS, version 2020-12-06 and later: the encryption scope line is part of it.
const toSign = [account, p.sp, p.ss, p.srt, '', p.se, '', p.spr, p.sv, '', ''].join('\n')
const sig = crypto.createHmac('sha256', key).update(toSign, 'utf8').digest('base64')
const query = Object.entries({ ...p, sig })
  .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
process.stdout.write(query + '\n')
