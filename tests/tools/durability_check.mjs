// durability_check.mjs: replays an strace of a lakestream run against a model of a power cut and
// says whether any commit could name something the cut would lose.
//
//   strace -f -o TRACE -e trace=openat,mkdir,fsync,fdatasync,syncfs,rename,renameat,link,close ...
//   node durability_check.mjs TRACE TABLE [TABLE...]      (exit 0: safe, 1: not, 2: usage)
//
// The model (what ext4 and xfs promise, no more): a file's bytes survive a crash only once an
// fsync of the file completed after it was written, or a syncfs of the file system completed
// after the file was closed (or a syncfs through the file's own descriptor: its writes came
// first); a name in a folder (a file created, renamed or linked there, or a sub-folder made)
// survives only once an fsync of that folder, or a syncfs, completed after the name appeared. Then, at the moment each commit of a table is linked
// into `_delta_log/` (put-if-absent), every file its add actions name must be durable (bytes and
// name, and the names of the folders above it that the run made), as must the commit's own
// bytes; the commit's name must be made durable later in the run (the folder synced after the
// link). `_last_checkpoint` may only be written once the checkpoint it names is durable.
// Prints one line per violation (at most 20) and a summary.
import fs from 'node:fs'
import path from 'node:path'

const [traceFile, ...tables] = process.argv.slice(2)
if (!traceFile || tables.length === 0) {
  console.error('usage: durability_check.mjs TRACE TABLE [TABLE...]')
  process.exit(2)
}

// ---- events from the trace, in completion order ------------------------------------------------
// A call interrupted by another thread's is printed as "<unfinished ...>" and later
// "<... name resumed>": the two halves are joined, the event placed where it completed, and its
// start index kept (a commit must find everything durable before it started).
const pending = new Map()
const events = []
let index = 0
for (const raw of fs.readFileSync(traceFile, 'utf8').split('\n')) {
  const m = /^(\d+)\s+(.*)$/.exec(raw)
  if (!m) continue
  const [, tid, rest] = m
  index++
  if (rest.endsWith('<unfinished ...>')) {
    pending.set(tid, { text: rest.slice(0, -'<unfinished ...>'.length), start: index })
    continue
  }
  let text = rest
  let start = index
  const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(rest)
  if (resumed) {
    const head = pending.get(tid)
    pending.delete(tid)
    if (!head) continue
    text = head.text + resumed[1]
    start = head.start
  }
  const call = /^(\w+)\((.*)\)\s+=\s+(-?\d+)/.exec(text)
  if (!call) continue
  events.push({ name: call[1], args: call[2], result: Number(call[3]), start, end: index })
}

const strings = (args) => [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1])
const fdArg = (args) => Number(/^(\d+)/.exec(args)?.[1] ?? -1)

// ---- the model -----------------------------------------------------------------------------
const fdPath = new Map() // open fd -> { path, dir, write }
const bytesSyncedAt = new Map() // file path -> index of the fsync that made its bytes durable
const bytesDirtyAt = new Map() // file path -> index it was opened for writing
const nameAt = new Map() // path -> index its name appeared in its folder
const linkEvents = [] // put-if-absent publications: { from, to, start, end }
const closedAt = new Map() // file path -> index of the close after it was written
const ownBarrier = new Map() // file path -> index of a syncfs made through its descriptor
const barriers = [] // completion indexes of syncfs calls
const renameEvents = []

function bytesDurable(p, at) {
  const dirty = bytesDirtyAt.get(p)
  if (dirty === undefined) return true
  const synced = bytesSyncedAt.get(p)
  if (synced !== undefined && synced > dirty && synced < at) return true
  const own = ownBarrier.get(p)
  if (own !== undefined && own > dirty && own < at) return true
  const closed = closedAt.get(p)
  return closed !== undefined && barriers.some((b) => b > closed && b < at)
}
// Every completed fsync of each folder: a name needs one after it appeared.
const dirSyncs = new Map()
function nameDurableBy(p, at) {
  const appeared = nameAt.get(p)
  if (appeared === undefined) return true // existed before the run
  if (barriers.some((b) => b > appeared && b < at)) return true
  return (dirSyncs.get(path.dirname(p)) ?? []).some((i) => i > appeared && i < at)
}

/// A file renamed or linked keeps what is known about its bytes.
function carry(from, to) {
  for (const m of [bytesDirtyAt, bytesSyncedAt, closedAt, ownBarrier]) {
    if (m.has(from)) m.set(to, m.get(from))
    else m.delete(to)
  }
}

for (const e of events) {
  if (e.result < 0) continue
  if (e.name === 'openat') {
    const [p] = strings(e.args)
    const isDir = e.args.includes('O_DIRECTORY')
    const write = /O_WRONLY|O_RDWR/.test(e.args)
    fdPath.set(e.result, { path: p, isDir, write })
    if (write) {
      bytesDirtyAt.set(p, e.end)
      bytesSyncedAt.delete(p)
      closedAt.delete(p)
      ownBarrier.delete(p)
      if (e.args.includes('O_CREAT')) nameAt.set(p, e.end)
    }
  } else if (e.name === 'mkdir') {
    const [p] = strings(e.args)
    nameAt.set(p, e.end)
  } else if (e.name === 'fsync' || e.name === 'fdatasync') {
    const f = fdPath.get(fdArg(e.args))
    if (!f) continue
    if (f.isDir) {
      if (!dirSyncs.has(f.path)) dirSyncs.set(f.path, [])
      dirSyncs.get(f.path).push(e.end)
    } else {
      bytesSyncedAt.set(f.path, e.end)
    }
  } else if (e.name === 'syncfs') {
    barriers.push(e.end)
    const f = fdPath.get(fdArg(e.args))
    if (f && f.write) ownBarrier.set(f.path, e.end)
  } else if (e.name === 'close') {
    const f = fdPath.get(fdArg(e.args))
    if (f && f.write) closedAt.set(f.path, e.end)
    fdPath.delete(fdArg(e.args))
  } else if (e.name === 'rename' || e.name === 'renameat') {
    const [from, to] = strings(e.args)
    nameAt.set(to, e.end)
    carry(from, to)
    renameEvents.push({ from, to, start: e.start, end: e.end })
  } else if (e.name === 'link') {
    const [from, to] = strings(e.args)
    nameAt.set(to, e.end)
    carry(from, to)
    linkEvents.push({ from, to, start: e.start, end: e.end })
  }
}

// ---- the checks ------------------------------------------------------------------------------
let violations = 0
let commits = 0
let files = 0
function bad(message) {
  violations++
  if (violations <= 20) console.error(`durability: ${message}`)
}
function durableWithFolders(p, at, what) {
  if (!bytesDurable(p, at)) bad(`${what} ${p}: its bytes were not fsynced before the commit`)
  for (let q = p; ; q = path.dirname(q)) {
    if (!nameDurableBy(q, at)) {
      bad(`${what} ${p}: the name ${q} was not made durable (folder fsync) before the commit`)
      break
    }
    if (path.dirname(q) === q) break
  }
}

for (const table of tables.map((t) => path.resolve(t))) {
  const log = path.join(table, '_delta_log')
  for (const l of linkEvents.filter((x) => path.dirname(x.to) === log)) {
    commits++
    const text = fs.readFileSync(l.to, 'utf8')
    if (!bytesDurable(l.from, l.start)) bad(`commit ${l.to}: its bytes were not fsynced before the link`)
    if (!(dirSyncs.get(log) ?? []).some((i) => i > l.end)) {
      bad(`commit ${l.to}: _delta_log/ was never fsynced after the link`)
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue
      const action = JSON.parse(line)
      if (!action.add) continue
      files++
      durableWithFolders(path.join(table, decodeURIComponent(action.add.path)), l.start, `data file of ${path.basename(l.to)}`)
    }
  }
  // _last_checkpoint (written through a temporary file and a rename) names a durable checkpoint.
  for (const r of renameEvents.filter((x) => x.to === path.join(log, '_last_checkpoint'))) {
    const version = JSON.parse(fs.readFileSync(r.to, 'utf8')).version
    const cp = path.join(log, `${String(version).padStart(20, '0')}.checkpoint.parquet`)
    durableWithFolders(cp, r.start, 'checkpoint')
  }
}

console.log(JSON.stringify({ events: events.length, commits, files, violations }))
process.exit(violations === 0 && commits > 0 ? 0 : 1)
