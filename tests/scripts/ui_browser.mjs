// ui_browser.mjs: loads lakestream's live UI in headless Chromium (Debian's /usr/bin/chromium,
// driven by puppeteer-core from tests/tools) and checks that the pages fill in without errors.
//
//   node tests/scripts/ui_browser.mjs <base url> <output dir> [--min-points N] [--timeout-ms N]
//
// Steps: load /, wait for an active query row with its a.ls-query-link, screenshot
// <out>/ui-app.png; open that query's page, wait until the main charts have drawn at least
// --min-points points (default 2) and #recent-batches has rows, screenshot <out>/ui-query.png
// (full page), then watch one more refresh cycle. Fails (exit 1, reason on stderr) on any
// console error or warning, uncaught page error, failed request, HTTP status >= 400, or when
// the whole run exceeds --timeout-ms (default 30000). Prints one line per check passed.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const CHROMIUM = '/usr/bin/chromium'
const REFRESH_MS = 2000
const MAIN_METRICS = ['input-rate', 'process-rate', 'input-rows', 'batch-duration', 'operation-duration']
const SINK_METRICS = ['event-latency', 'files-written', 'dead-letters', 'table-version']

function usage(msg) {
  if (msg) console.error('ui_browser: ' + msg)
  console.error('usage: node ui_browser.mjs <base url> <output dir> [--min-points N] [--timeout-ms N]')
  process.exit(2)
}

const positional = []
const opt = { minPoints: 2, timeoutMs: 30000 }
{
  const args = process.argv.slice(2)
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--min-points' || a === '--timeout-ms') {
      const v = Number(args[++i])
      if (!Number.isInteger(v) || v < (a === '--min-points' ? 0 : 1)) usage(`${a} needs a number`)
      if (a === '--min-points') opt.minPoints = v
      else opt.timeoutMs = v
    } else if (a.startsWith('--')) {
      usage('unknown option ' + a)
    } else {
      positional.push(a)
    }
  }
}
if (positional.length !== 2) usage()
const base = positional[0].replace(/\/+$/, '')
if (!/^https?:\/\/[^/]+$/.test(base)) usage('base url must look like http://127.0.0.1:4040')
const outDir = path.resolve(positional[1])

// puppeteer-core from tests/tools, wherever this script is run from.
const toolsPackage = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../tools/package.json')
let puppeteer
try {
  puppeteer = createRequire(toolsPackage)('puppeteer-core')
} catch (e) {
  console.error(`ui_browser: cannot load puppeteer-core next to ${toolsPackage} (npm ci in tests/tools): ${e.message}`)
  process.exit(1)
}

const started = Date.now()
const deadline = started + opt.timeoutMs
const remaining = () => Math.max(1, deadline - Date.now())
const ok = (msg) => console.log(`ok ${msg} (${((Date.now() - started) / 1000).toFixed(1)} s)`)

// The first problem any page reports fails the run; waits race against it.
let failure = null
let rejectFailure
const failed = new Promise((_, reject) => { rejectFailure = reject })
failed.catch(() => {})
function fail(msg) {
  if (failure) return
  failure = new Error(msg)
  rejectFailure(failure)
}

async function step(what, promise) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out (${opt.timeoutMs} ms in all) ${what}`)), remaining())
  })
  try {
    return await Promise.race([promise, failed, timeout])
  } catch (e) {
    if (failure) throw failure
    throw e.message && e.message.startsWith('timed out') ? e : new Error(`${what}: ${e.message}`)
  } finally {
    clearTimeout(timer)
  }
}

// Reports console errors/warnings, page errors, failed requests and HTTP errors of `page` until
// its `done` flag is set (closing a page aborts its in-flight polls, which is not a failure).
function watch(page, label) {
  const state = { done: false }
  page.on('console', (msg) => {
    if (state.done) return
    const t = msg.type()
    if (t === 'error' || t === 'warn' || t === 'warning') {
      const loc = msg.location() || {}
      fail(`${label}: console ${t}: ${msg.text()}${loc.url ? ` (${loc.url}${loc.lineNumber !== undefined ? ':' + loc.lineNumber : ''})` : ''}`)
    }
  })
  page.on('pageerror', (err) => {
    if (!state.done) fail(`${label}: page error: ${err && err.message ? err.message : String(err)}`)
  })
  page.on('requestfailed', (req) => {
    if (state.done) return
    const why = req.failure() ? req.failure().errorText : 'failed'
    fail(`${label}: request failed: ${req.method()} ${req.url()}: ${why}`)
  })
  page.on('response', (resp) => {
    if (!state.done && resp.status() >= 400) {
      fail(`${label}: HTTP ${resp.status()} for ${resp.request().method()} ${resp.url()}`)
    }
  })
  return state
}

async function newPage(browser, label) {
  const page = await browser.newPage()
  const state = watch(page, label)
  await page.setViewport({ width: 1400, height: 1000 })
  page.setDefaultTimeout(remaining())
  page.setDefaultNavigationTimeout(remaining())
  return { page, state }
}

// Metrics (of `names`) whose chart has fewer than `min` points, with what they have.
function chartsShort(names, min) {
  return names
    .map((n) => {
      const c = document.querySelector(`.ls-chart[data-metric="${n}"]`)
      return [n, c ? Number(c.getAttribute('data-points')) : -1]
    })
    .filter(([, p]) => !(p >= min))
    .map(([n, p]) => (p < 0 ? `${n} (no chart)` : `${n} (${p} points)`))
}

fs.mkdirSync(outDir, { recursive: true })
const userDataDir = path.join(outDir, `chromium-profile-${process.pid}`)
fs.rmSync(userDataDir, { recursive: true, force: true })

let browser = null
let exitCode = 0
const watchdog = setTimeout(() => {
  console.error(`ui_browser: timed out after ${opt.timeoutMs} ms; killing the browser`)
  killBrowser()
  process.exit(1)
}, opt.timeoutMs + 10000)

function killBrowser() {
  const proc = browser && browser.process()
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    try { proc.kill('SIGKILL') } catch (e) { /* already gone */ }
  }
}

try {
  browser = await step('launching Chromium', puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
    timeout: Math.min(remaining(), 20000),
    protocolTimeout: Math.min(remaining() + 5000, 60000),
    handleSIGINT: true,
    handleSIGTERM: true,
  }))
  ok(`launched ${await browser.version()}`)

  // ---- application page ----
  const app = await newPage(browser, 'application page')
  await step(`loading ${base}/`, app.page.goto(base + '/', { waitUntil: 'load' }))
  ok(`loaded ${base}/`)
  const nav = await step('reading the header links', app.page.$$eval('header a[href]', (as) => as.map((a) => a.getAttribute('href'))))
  const missingNav = ['/', '/logs', '/metrics', '/api/v1/config', '/healthz', '/readyz'].filter((h) => !nav.includes(h))
  if (missingNav.length) throw new Error(`application page: header lacks links to ${missingNav.join(', ')}`)
  ok('header links to ' + nav.join(' '))
  const handle = await step('waiting for an active query row with a.ls-query-link', app.page.waitForFunction(() => {
    for (const tr of document.querySelectorAll('#active-queries tbody tr')) {
      const a = tr.querySelector('a.ls-query-link')
      if (a && a.getAttribute('href')) return a.getAttribute('href')
    }
    return null
  }, { polling: 100, timeout: remaining() }))
  const queryHref = await handle.jsonValue()
  if (!/^\/queries\/[^/]+$/.test(queryHref)) throw new Error(`application page: query link is ${queryHref}, not /queries/<id>`)
  const counts = await app.page.evaluate(() => ({
    active: document.querySelectorAll('#active-queries tbody tr').length,
    completed: document.querySelectorAll('#completed-queries tbody tr').length,
    config: document.querySelectorAll('#config-options tbody tr, #config-engine tbody tr').length,
  }))
  ok(`application page lists ${counts.active} active and ${counts.completed} completed queries (first: ${queryHref})`)
  await step('waiting for the configuration table', app.page.waitForFunction(
    () => document.querySelectorAll('#config-options tbody tr, #config-engine tbody tr').length > 0,
    { polling: 100, timeout: remaining() }))
  ok('configuration table filled')
  await step('taking ui-app.png', app.page.screenshot({ path: path.join(outDir, 'ui-app.png') }))
  ok('screenshot ' + path.join(outDir, 'ui-app.png'))
  if (failure) throw failure
  app.state.done = true
  await step('closing the application page', app.page.close())

  // ---- query page ----
  const qp = await newPage(browser, 'query page')
  await step(`loading ${base}${queryHref}`, qp.page.goto(base + queryHref, { waitUntil: 'load' }))
  ok(`loaded ${base}${queryHref}`)
  const charts = [...MAIN_METRICS, ...SINK_METRICS]
  try {
    await step(`waiting for ${charts.length} charts with >= ${opt.minPoints} points`, qp.page.waitForFunction(
      (names, min) => names.every((n) => {
        const c = document.querySelector(`.ls-chart[data-metric="${n}"]`)
        return c && Number(c.getAttribute('data-points')) >= min && c.querySelector('canvas')
      }),
      { polling: 200, timeout: remaining() }, charts, opt.minPoints))
  } catch (e) {
    if (failure) throw failure
    const short = await qp.page.evaluate(chartsShort, charts, opt.minPoints).catch(() => ['(page gone)'])
    throw new Error(`query page: timed out (${opt.timeoutMs} ms in all) waiting for charts with >= ${opt.minPoints} points; short: ${short.join(', ')}`)
  }
  const points = await qp.page.evaluate((names) => names.map((n) =>
    n + '=' + document.querySelector(`.ls-chart[data-metric="${n}"]`).getAttribute('data-points')), charts)
  ok('charts drawn: ' + points.join(' '))
  await step('waiting for #recent-batches tbody tr', qp.page.waitForSelector('#recent-batches tbody tr', { timeout: remaining() }))
  const batches = await qp.page.$$eval('#recent-batches tbody tr', (trs) => trs.length)
  ok(`recent batches table has ${batches} rows`)
  await step('taking ui-query.png', qp.page.screenshot({ path: path.join(outDir, 'ui-query.png'), fullPage: true }))
  ok('screenshot ' + path.join(outDir, 'ui-query.png'))
  // one more refresh cycle: the update path (setData) must stay quiet too
  await step('watching a refresh cycle', new Promise((resolve) => setTimeout(resolve, Math.min(REFRESH_MS + 500, remaining()))))
  if (failure) throw failure
  ok('no console errors, warnings, page errors or failed requests')
  qp.state.done = true
} catch (e) {
  console.error('ui_browser: FAIL: ' + (e && e.message ? e.message : String(e)))
  exitCode = 1
} finally {
  if (browser) {
    let closeTimer
    await Promise.race([
      browser.close().catch(() => {}),
      new Promise((resolve) => { closeTimer = setTimeout(resolve, 5000) }),
    ])
    clearTimeout(closeTimer)
    killBrowser()
  }
  fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 })
  clearTimeout(watchdog)
}
process.exit(exitCode)
