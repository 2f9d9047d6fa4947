// soak_plot.mjs: bench/soak.sh's samples as one SVG of stacked charts (RSS, open files and
// threads, live files, lag, event latency avg/max per batch), minutes on the x axis.
//   node soak_plot.mjs <samples.csv> <out.svg> <title>
import fs from 'node:fs'

const [input, output, title] = process.argv.slice(2)
const lines = fs.readFileSync(input, 'utf8').trim().split('\n')
const header = lines[0].split(',')
const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], Number(v)])))
const charts = [
  { title: 'RSS (MB)', series: [['rss_mb', '#1f77b4']] },
  { title: 'open files, threads', series: [['open_files', '#2ca02c'], ['threads', '#9467bd']] },
  { title: 'live files in the table', series: [['live_files', '#8c564b']] },
  { title: 'lag (events behind latest)', series: [['lag_events', '#d62728']] },
  { title: 'event latency per batch (ms): avg, max', series: [['event_latency_avg_ms', '#ff7f0e'], ['event_latency_max_ms', '#7f7f7f']] },
]
const W = 760, H = 150, left = 60, right = 20, top = 40, gap = 40
const maxX = Math.max(1, ...rows.map((r) => r.seconds)) / 60
let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${top + charts.length * (H + gap)}" font-family="sans-serif" font-size="11">\n`
svg += `<text x="${left}" y="20" font-size="14">${title}</text>\n`
charts.forEach((c, i) => {
  const y0 = top + i * (H + gap)
  const maxY = Math.max(1, ...c.series.flatMap(([k]) => rows.map((r) => r[k]))) * 1.1
  const sx = (m) => left + (m / maxX) * (W - left - right)
  const sy = (v) => y0 + H - (v / maxY) * H
  svg += `<text x="${left}" y="${y0 - 6}">${c.title}</text>\n`
  svg += `<rect x="${left}" y="${y0}" width="${W - left - right}" height="${H}" fill="none" stroke="#ccc"/>\n`
  for (const f of [0, 0.5, 1]) {
    svg += `<text x="${left - 6}" y="${sy(maxY * f) + 4}" text-anchor="end">${(maxY * f).toFixed(maxY < 10 ? 1 : 0)}</text>\n`
  }
  for (const m of [0, maxX / 2, maxX]) {
    svg += `<text x="${sx(m)}" y="${y0 + H + 14}" text-anchor="middle">${m.toFixed(0)} min</text>\n`
  }
  for (const [k, color] of c.series) {
    const pts = rows.map((r) => `${sx(r.seconds / 60).toFixed(1)},${sy(r[k]).toFixed(1)}`).join(' ')
    svg += `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts}"/>\n`
  }
})
svg += '</svg>\n'
fs.writeFileSync(output, svg)
