// query.js: the statistics page of one streaming query (/queries/<id>): a timeline and a
// histogram per metric (uPlot), the recent batches, and the query's plan. Refreshes itself every
// 2 seconds from /api/v1/queries and /api/v1/queries/<id>/progress; it keeps only what the last
// fetch returned (the server keeps the last 100 progress records).
'use strict';

(function () {
  const { el, $, fill, setText, num } = LS;
  const REFRESH_MS = 2000;
  const TIMELINE_HEIGHT = 170;
  const HIST_HEIGHT = 170;
  const MAX_LAG_SERIES = 32;

  // ---- colours ------------------------------------------------------------------------------

  const BASE_HUES = [
    [214, 66, 50], [24, 80, 54], [140, 48, 42], [358, 64, 54], [268, 46, 56],
    [180, 60, 38], [28, 35, 44], [322, 56, 56], [64, 50, 40], [200, 10, 50],
  ];
  function hsl(i, alpha) {
    const [h, s, l] = i < BASE_HUES.length
      ? BASE_HUES[i]
      : [(i * 137.508) % 360, 55, 46];
    return alpha === undefined
      ? `hsl(${h.toFixed(1)}, ${s}%, ${l}%)`
      : `hsla(${h.toFixed(1)}, ${s}%, ${l}%, ${alpha})`;
  }

  // ---- reading progress records -------------------------------------------------------------

  const sinkMetric = (p, key) => (p.sink && p.sink.metrics ? num(p.sink.metrics[key]) : null);
  const duration = (p, key) => (p.durationMs && typeof p.durationMs === 'object'
    ? num(p.durationMs[key]) : null);

  // Offsets are JSON objects ({"topic": {"0": 100}}); tolerate them arriving as JSON text.
  function offsets(v) {
    if (typeof v === 'string') {
      try {
        v = JSON.parse(v);
      } catch (e) {
        return null;
      }
    }
    return v && typeof v === 'object' ? v : null;
  }

  // Lag per "topic\u0000partition" for one record: latestOffset - endOffset.
  function recordLag(p) {
    const out = new Map();
    for (const s of Array.isArray(p.sources) ? p.sources : []) {
      if (!s) continue;
      const latest = offsets(s.latestOffset);
      const end = offsets(s.endOffset);
      if (!latest || !end) continue;
      for (const [topic, parts] of Object.entries(latest)) {
        if (!parts || typeof parts !== 'object' || !end[topic]) continue;
        for (const [part, off] of Object.entries(parts)) {
          const l = num(off);
          const e = num(end[topic][part]);
          if (l === null || e === null) continue;
          out.set(topic + '\u0000' + part, l - e);
        }
      }
    }
    return out;
  }

  function compareLagKeys(a, b) {
    const [ta, pa] = a.split('\u0000');
    const [tb, pb] = b.split('\u0000');
    if (ta !== tb) return ta < tb ? -1 : 1;
    const na = Number(pa);
    const nb = Number(pb);
    if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  }

  const OPERATION_KEYS = ['addBatch', 'getBatch', 'latestOffset', 'queryPlanning', 'walCommit',
    'commitOffsets'];

  function mean(values) {
    let s = 0;
    let n = 0;
    for (const v of values) {
      if (v !== null && Number.isFinite(v)) {
        s += v;
        n++;
      }
    }
    return n ? s / n : null;
  }
  const nonNull = (values) => values.filter((v) => v !== null && Number.isFinite(v));

  // ---- metric definitions -------------------------------------------------------------------
  // extract(records) -> {series: [{label, values}], avg, avgText, hist: number[] | null}

  const fmtRate = (v) => LS.fmtFixed(v, 2) + ' records/sec';
  const fmtMs = (v) => LS.fmtInt(v) + ' ms';
  const fmtCount = (v) => LS.fmtFixed(v, v !== null && Math.abs(v) < 100 ? 2 : 0);

  function single(label, get, avgFmt) {
    return (records) => {
      const values = records.map(get);
      const avg = mean(values);
      return {
        series: [{ label, values }],
        avg,
        avgText: avg === null ? null : 'Avg: ' + avgFmt(avg),
        hist: nonNull(values),
      };
    };
  }

  const METRICS = [
    {
      key: 'input-rate', title: 'Input Rate', unit: 'records/sec',
      help: 'Rate at which data arrived from the source, per batch.',
      extract: single('Input rows/sec', (p) => num(p.inputRowsPerSecond), fmtRate),
      avgLine: true, side: 'hist',
    },
    {
      key: 'process-rate', title: 'Process Rate', unit: 'records/sec',
      help: 'Rate at which the engine processed the data, per batch.',
      extract: single('Processed rows/sec', (p) => num(p.processedRowsPerSecond), fmtRate),
      avgLine: true, side: 'hist',
    },
    {
      key: 'input-rows', title: 'Input Rows', unit: 'records',
      help: 'Rows read by each batch.',
      extract: single('Input rows', (p) => num(p.numInputRows), (v) => fmtCount(v) + ' records'),
      avgLine: true, side: 'hist',
    },
    {
      key: 'batch-duration', title: 'Batch Duration', unit: 'ms',
      help: 'Time to run each batch (trigger execution).',
      extract: single('Batch duration', (p) => duration(p, 'triggerExecution'), fmtMs),
      avgLine: true, side: 'hist', valueFmt: (v) => LS.fmtInt(v) + ' ms',
    },
    {
      key: 'operation-duration', title: 'Operation Duration', unit: 'ms',
      help: 'Time spent in each operation of a batch (stacked).',
      stacked: true, side: 'breakdown',
      valueFmt: (v) => LS.fmtInt(v) + ' ms',
      extract(records) {
        const keys = OPERATION_KEYS.filter((k) => records.some((p) => duration(p, k) !== null));
        const series = keys.map((k) => ({
          label: k,
          values: records.map((p) => (p.durationMs && typeof p.durationMs === 'object'
            ? duration(p, k) ?? 0 : null)),
        }));
        const totals = records.map((p) => {
          if (!p.durationMs || typeof p.durationMs !== 'object') return null;
          let s = 0;
          for (const k of keys) s += duration(p, k) ?? 0;
          return s;
        });
        const avg = mean(totals);
        const breakdown = series.map((s) => ({ label: s.label, avg: mean(s.values) }));
        return {
          series, avg, breakdown, hist: null,
          avgText: avg === null ? null : 'Avg total: ' + fmtMs(avg),
        };
      },
    },
    {
      key: 'event-latency', title: 'Event Latency', unit: 'ms',
      help: 'Time from an event\u2019s enqueue time to its commit in the table: min / avg / max per batch.',
      side: 'hist', avgLine: true, valueFmt: (v) => LS.fmtInt(v) + ' ms',
      extract(records) {
        const min = records.map((p) => sinkMetric(p, 'minEventLatencyMs'));
        const avgs = records.map((p) => sinkMetric(p, 'avgEventLatencyMs'));
        const max = records.map((p) => sinkMetric(p, 'maxEventLatencyMs'));
        const avg = mean(avgs);
        const peak = nonNull(max).reduce((a, b) => Math.max(a, b), -Infinity);
        return {
          series: [
            { label: 'max', values: max },
            { label: 'avg', values: avgs },
            { label: 'min', values: min },
          ],
          avg,
          avgText: avg === null ? null
            : 'Avg: ' + fmtMs(avg) + (Number.isFinite(peak) ? ' (max ' + fmtMs(peak) + ')' : ''),
          hist: nonNull(avgs),
          histLabel: 'avg latency',
        };
      },
      colors: [3, 0, 2],
    },
    {
      key: 'consumer-lag', title: 'Consumer Lag', unit: 'offsets',
      help: 'Per partition, offsets not yet read at the end of the batch (latest - end offset).',
      side: 'hist', valueFmt: (v) => LS.fmtInt(v),
      extract(records) {
        const lags = records.map(recordLag);
        const keySet = new Set();
        for (const m of lags) for (const k of m.keys()) keySet.add(k);
        const keys = Array.from(keySet).sort(compareLagKeys);
        const topics = new Set(keys.map((k) => k.split('\u0000')[0]));
        const label = (k) => {
          const [t, p] = k.split('\u0000');
          return topics.size > 1 ? t + '/' + p : 'partition ' + p;
        };
        const own = keys.length > MAX_LAG_SERIES ? keys.slice(0, MAX_LAG_SERIES - 1) : keys;
        const rest = keys.length > MAX_LAG_SERIES ? keys.slice(MAX_LAG_SERIES - 1) : [];
        const series = own.map((k) => ({
          label: label(k),
          values: lags.map((m) => (m.has(k) ? m.get(k) : null)),
        }));
        if (rest.length) {
          series.push({
            label: 'other (' + rest.length + ' partitions)',
            values: lags.map((m) => {
              let s = null;
              for (const k of rest) if (m.has(k)) s = (s ?? 0) + m.get(k);
              return s;
            }),
          });
        }
        const totals = lags.map((m) => {
          if (m.size === 0) return null;
          let s = 0;
          for (const v of m.values()) s += v;
          return s;
        });
        const avg = mean(totals);
        const latest = nonNull(totals);
        return {
          series, avg, hist: nonNull(totals), histLabel: 'total lag',
          avgText: avg === null ? null
            : 'Avg total: ' + LS.fmtInt(avg) + (latest.length
              ? ' (latest ' + LS.fmtInt(latest[latest.length - 1]) + ')' : '')
            + (keys.length ? ', ' + keys.length + ' partition' + (keys.length === 1 ? '' : 's') : ''),
        };
      },
    },
    {
      key: 'files-written', title: 'Files Written', unit: 'files',
      help: 'Data files the sink wrote per batch.',
      extract: single('Files', (p) => sinkMetric(p, 'numFilesWritten'), (v) => fmtCount(v) + ' files'),
      avgLine: true, side: 'hist',
    },
    {
      key: 'bytes-written', title: 'Bytes Written', unit: 'bytes',
      help: 'Bytes of data files the sink wrote per batch.',
      extract: single('Bytes', (p) => sinkMetric(p, 'numBytesWritten'), LS.fmtBytes),
      avgLine: true, side: 'hist', axisFmt: (v) => (v === 0 ? '0' : LS.fmtBytes(v)),
      valueFmt: LS.fmtBytes, bytes: true,
    },
    {
      key: 'dead-letters', title: 'Dead Letters', unit: 'rows',
      help: 'Rejected events written to the dead-letter table per batch.',
      extract: single('Dead letters', (p) => sinkMetric(p, 'numDeadLetterRows'),
        (v) => fmtCount(v) + ' rows'),
      avgLine: true, side: 'hist',
    },
    {
      key: 'table-version', title: 'Delta Table Version', unit: 'version',
      help: 'The table version each batch committed.',
      stepped: true, side: 'summary', tightRange: true, valueFmt: (v) => LS.fmtInt(v),
      extract(records) {
        const values = records.map((p) => sinkMetric(p, 'tableVersion'));
        const vs = nonNull(values);
        const latest = vs.length ? vs[vs.length - 1] : null;
        return {
          series: [{ label: 'Version', values }], avg: null, hist: null,
          avgText: latest === null ? null : 'Latest: ' + LS.fmtInt(latest),
          summary: vs.length ? {
            latest, first: vs[0], commits: latest - vs[0], batches: vs.length,
          } : null,
        };
      },
    },
  ];

  // ---- uPlot charts -------------------------------------------------------------------------

  const AXIS_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  const AXIS_STROKE = '#555';
  const GRID = { stroke: '#e6e6e6', width: 1 };
  const TICKS = { stroke: '#ccc', width: 1, size: 4 };
  const COUNT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5,
    2e5, 5e5, 1e6, 2e6, 5e6, 1e7];

  // 1, 2, 5 KiB ... steps so that byte axes get round binary labels
  const BYTE_INCRS = [];
  for (let k = 0; k <= 5; k++) {
    for (const m of [1, 2, 5, 10, 20, 50, 100, 200, 500]) {
      if (k === 0 || m < 1000) BYTE_INCRS.push(m * 1024 ** k);
    }
  }
  BYTE_INCRS.sort((a, b) => a - b);

  function widthOf(container) {
    return Math.max(160, Math.floor(container.clientWidth || 0));
  }

  function xTimeRange(u, min, max) {
    if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) {
      const now = Date.now() / 1000;
      return [now - 60, now];
    }
    return min === max ? [min - 1, max + 1] : [min, max];
  }

  function yRangeFor(metric) {
    return (u, min, max) => {
      if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) {
        return [0, 1];
      }
      if (metric.tightRange) {
        const lo = Math.floor(min) - 1;
        const hi = Math.ceil(max) + 1;
        return [lo, hi];
      }
      const lo = Math.min(0, min);
      let hi = max > lo ? max + (max - lo) * 0.1 : lo + 1;
      if (!Number.isFinite(hi)) hi = lo + 1;
      return [lo, hi];
    };
  }

  function dashedLine(u, x0, y0, x1, y1, color) {
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = Math.max(1, devicePixelRatio || 1);
    ctx.setLineDash([6 * (devicePixelRatio || 1), 4 * (devicePixelRatio || 1)]);
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    ctx.restore();
  }

  // A container that shows either a uPlot chart or a placeholder text; it keeps data-points.
  class ChartSlot {
    constructor(container, height) {
      this.container = container;
      this.height = height;
      this.plot = null;
      this.sig = null;
      this.placeholder = el('div', { class: 'ls-chart-empty' }, 'No data');
      container.appendChild(this.placeholder);
      container.setAttribute('data-points', '0');
    }

    empty(text, points = 0) {
      if (this.plot) {
        this.plot.destroy();
        this.plot = null;
        this.sig = null;
      }
      setText(this.placeholder, text);
      this.placeholder.hidden = false;
      this.container.setAttribute('data-points', String(points));
    }

    // makeOpts(width, height) -> uPlot options; rebuilt when `sig` changes, else setData.
    show(sig, makeOpts, data, points) {
      if (!this.plot || this.sig !== sig) {
        if (this.plot) this.plot.destroy();
        this.placeholder.hidden = true;
        this.plot = new uPlot(makeOpts(widthOf(this.container), this.height), data, this.container);
        this.sig = sig;
      } else {
        this.plot.setData(data);
      }
      this.container.setAttribute('data-points', String(points));
    }

    resize() {
      if (this.plot) this.plot.setSize({ width: widthOf(this.container), height: this.height });
    }
  }

  function timelineOptions(metric, labels, state) {
    return (width, height) => {
      const valueFmt = metric.valueFmt || ((v) => LS.fmtFixed(v, Number.isInteger(v) ? 0 : 2));
      const axisFmt = metric.axisFmt || LS.fmtCompact;
      const colorIdx = (i) => (metric.colors ? metric.colors[i] ?? i : i);
      const series = [
        { value: (u, v) => (v === null || v === undefined ? LS.DASH : LS.fmtDateTime(v * 1000)) },
      ];
      labels.forEach((label, i) => {
        const c = colorIdx(i);
        const s = {
          label,
          stroke: hsl(c),
          width: 1.5,
          spanGaps: false,
          points: { show: labels.length <= 3, size: 4, fill: hsl(c) },
          value: (u, v, si, idx) => {
            // stacked series hold running sums: the legend shows each operation's own time
            const raw = metric.stacked && idx !== null && idx !== undefined && state.raw
              ? state.raw[si - 1][idx] : v;
            return raw === null || raw === undefined ? LS.DASH : valueFmt(raw);
          },
        };
        if (metric.stacked) {
          s.fill = hsl(c, 0.45);
          s.points = { show: false };
        } else if (labels.length === 1) {
          s.fill = hsl(c, 0.08);
        }
        if (metric.stepped) s.paths = uPlot.paths.stepped({ align: 1 });
        series.push(s);
      });
      const bands = metric.stacked
        ? labels.slice(1).map((_, i) => ({ series: [i + 2, i + 1] }))
        : undefined;
      const hooks = {};
      if (metric.avgLine) {
        hooks.draw = [(u) => {
          const avg = state.avg;
          if (avg === null || !Number.isFinite(avg)) return;
          const y = u.valToPos(avg, 'y', true);
          const { left, top, width: w, height: h } = u.bbox;
          if (!Number.isFinite(y) || y < top || y > top + h) return;
          dashedLine(u, left, y, left + w, y, 'rgba(60, 60, 60, 0.75)');
        }];
      }
      return {
        width,
        height,
        series,
        bands: bands || [],
        hooks,
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        legend: { live: true },
        scales: { x: { time: true, range: xTimeRange }, y: { range: yRangeFor(metric) } },
        axes: [
          {
            // space: room for a clock label with milliseconds, so labels never overlap.
            font: AXIS_FONT, stroke: AXIS_STROKE, grid: GRID, ticks: TICKS, space: 80,
            values: (u, splits) => {
              const step = splits.length > 1 ? splits[1] - splits[0] : 1;
              return splits.map((v) => LS.fmtClock(v * 1000, step < 1));
            },
          },
          Object.assign({
            font: AXIS_FONT, stroke: AXIS_STROKE, grid: GRID, ticks: TICKS, size: 62, space: 24,
            values: (u, splits) => splits.map((v) => axisFmt(v)),
          }, metric.bytes ? { incrs: BYTE_INCRS } : metric.tightRange ? { incrs: COUNT_INCRS } : {}),
        ],
      };
    };
  }

  function histogramOptions(metric, state) {
    return (width, height) => {
      const valueFmt = metric.valueFmt || ((v) => LS.fmtFixed(v, Number.isInteger(v) ? 0 : 2));
      const axisFmt = metric.axisFmt || LS.fmtCompact;
      return {
        width,
        height,
        series: [
          {
            label: state.histLabel || 'value',
            value: (u, v, si, idx) => {
              const e = state.edges;
              if (idx === null || idx === undefined || !e || idx + 1 >= e.length) return LS.DASH;
              if (state.integer) return valueFmt((e[idx] + e[idx + 1]) / 2);
              return valueFmt(e[idx]) + ' \u2013 ' + valueFmt(e[idx + 1]);
            },
          },
          {
            label: 'batches',
            stroke: hsl(0),
            fill: hsl(0, 0.55),
            width: 1,
            points: { show: false },
            paths: uPlot.paths.bars({ size: [0.94, Infinity], align: 0 }),
            // empty bins are null (no bar drawn) and read as 0
            value: (u, v, si, idx) => (idx === null || idx === undefined ? LS.DASH
              : LS.fmtInt(v ?? 0)),
          },
        ],
        hooks: {
          draw: [(u) => {
            const avg = state.avg;
            if (avg === null || !Number.isFinite(avg)) return;
            const x = u.valToPos(avg, 'x', true);
            const { left, top, width: w, height: h } = u.bbox;
            if (!Number.isFinite(x) || x < left || x > left + w) return;
            dashedLine(u, x, top, x, top + h, 'rgba(60, 60, 60, 0.75)');
          }],
        },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        legend: { live: true },
        scales: {
          x: {
            time: false,
            range: () => {
              const e = state.edges;
              return e && e.length > 1 ? [e[0], e[e.length - 1]] : [0, 1];
            },
          },
          y: {
            range: (u, min, max) => [0, max !== null && Number.isFinite(max) && max > 0
              ? Math.ceil(max * 1.15) : 1],
          },
        },
        axes: [
          Object.assign({
            font: AXIS_FONT, stroke: AXIS_STROKE, grid: { show: false }, ticks: TICKS,
            values: (u, splits) => splits.map((v) => axisFmt(v)),
          }, state.integer ? { incrs: COUNT_INCRS } : {}),
          {
            font: AXIS_FONT, stroke: AXIS_STROKE, grid: GRID, ticks: TICKS, size: 44,
            incrs: COUNT_INCRS,
            values: (u, splits) => splits.map((v) => LS.fmtInt(v)),
          },
        ],
      };
    };
  }

  // Equal-width bins over [min, max]; all-equal values get one bin around the value.
  function histogram(values) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    let bins = Math.max(1, Math.min(20, Math.ceil(Math.sqrt(values.length))));
    const integer = values.every(Number.isInteger) && hi - lo < 20;
    if (integer) {
      // small integer counts (files, dead letters): one bin per value
      bins = hi - lo + 1;
      lo -= 0.5;
      hi += 0.5;
    } else if (lo === hi) {
      const pad = Math.max(0.5, Math.abs(lo) * 0.05);
      lo -= pad;
      hi += pad;
      bins = 1;
    }
    const width = (hi - lo) / bins;
    const edges = [];
    for (let i = 0; i <= bins; i++) edges.push(lo + i * width);
    edges[bins] = hi;
    const counts = new Array(bins).fill(0);
    for (const v of values) {
      let b = Math.floor((v - lo) / width);
      if (b >= bins) b = bins - 1;
      if (b < 0) b = 0;
      counts[b]++;
    }
    const centers = counts.map((_, i) => (edges[i] + edges[i + 1]) / 2);
    return { edges, centers, counts, integer };
  }

  // ---- one metric row -----------------------------------------------------------------------

  class MetricRow {
    constructor(metric, parent) {
      this.metric = metric;
      this.state = { avg: null, raw: null, edges: null, histLabel: null };
      this.histState = { avg: null, edges: null, histLabel: null, integer: false };
      const avgNode = el('div', { class: 'ls-metric-avg' });
      this.avgNode = avgNode;
      const timeline = el('div', { class: 'ls-chart', 'data-metric': metric.key, 'data-points': '0' });
      let side;
      if (metric.side === 'hist') {
        side = el('div', {
          class: 'ls-chart ls-hist', 'data-metric': metric.key + '-hist', 'data-points': '0',
        });
      } else if (metric.side === 'breakdown') {
        side = el('div', {
          class: 'ls-breakdown', 'data-metric': metric.key + '-avg', 'data-points': '0',
        });
      } else {
        side = el('div', {
          class: 'ls-stat-panel', 'data-metric': metric.key + '-summary', 'data-points': '0',
        });
      }
      this.sideNode = side;
      const sideTitle = metric.side === 'hist' ? 'Histogram'
        : metric.side === 'breakdown' ? 'Average per operation' : 'Summary';
      this.row = el(
        'div',
        { class: 'ls-metric-row', id: 'metric-' + metric.key },
        el('div', { class: 'ls-metric-label' },
          el('div', { class: 'ls-metric-title' }, metric.title),
          el('div', { class: 'ls-metric-unit' }, '(' + metric.unit + ')'),
          avgNode,
          el('div', { class: 'ls-metric-help' }, metric.help)),
        el('div', { class: 'ls-metric-timeline' }, timeline),
        el('div', { class: 'ls-metric-side' },
          el('div', { class: 'ls-side-title' }, sideTitle), side)
      );
      parent.appendChild(this.row);
      this.timeline = new ChartSlot(timeline, TIMELINE_HEIGHT);
      this.hist = metric.side === 'hist' ? new ChartSlot(side, HIST_HEIGHT) : null;
      if (!this.hist) side.appendChild(el('div', { class: 'ls-chart-empty' }, 'No data'));
    }

    update(records, xs, emptyText) {
      const m = this.metric;
      const r = records.length ? m.extract(records) : { series: [], avg: null, hist: null };
      setText(this.avgNode, r.avgText || '');
      this.state.avg = r.avg ?? null;

      // points with at least one value
      let points = 0;
      const keep = [];
      for (let i = 0; i < xs.length; i++) {
        if (r.series.some((s) => s.values[i] !== null && s.values[i] !== undefined)) {
          points++;
          keep.push(i);
        }
      }
      const noData = records.length ? 'No data' : emptyText;
      if (points === 0 || r.series.length === 0) {
        this.timeline.empty(noData);
      } else {
        // Only x positions with data: uPlot gets no all-null columns.
        const x = keep.map((i) => xs[i]);
        const ys = r.series.map((s) => keep.map((i) => {
          const v = s.values[i];
          return v === undefined || (v !== null && !Number.isFinite(v)) ? null : v;
        }));
        let data;
        if (m.stacked) {
          this.state.raw = ys;
          const cum = [];
          let prev = null;
          for (const col of ys) {
            const c = col.map((v, j) => (v === null && (prev === null || prev[j] === null)
              ? null : (v ?? 0) + (prev ? prev[j] ?? 0 : 0)));
            cum.push(c);
            prev = c;
          }
          data = [x, ...cum];
        } else {
          data = [x, ...ys];
        }
        const labels = r.series.map((s) => s.label);
        this.timeline.show(JSON.stringify(labels), timelineOptions(m, labels, this.state), data,
          points);
      }

      if (this.hist) {
        const values = r.hist || [];
        if (values.length === 0) {
          this.hist.empty(noData);
        } else {
          const h = histogram(values);
          this.histState.edges = h.edges;
          this.histState.avg = r.avg ?? null;
          this.histState.histLabel = r.histLabel || m.title.toLowerCase();
          this.histState.integer = h.integer;
          // rebuilt when the number of bins changes (bar widths depend on it)
          this.hist.show('bins:' + h.counts.length + (h.integer ? ':int' : ''),
            histogramOptions(m, this.histState),
            [h.centers, h.counts.map((c) => (c > 0 ? c : null))], values.length);
          this.hist.container.setAttribute('data-bins', String(h.counts.length));
        }
      } else if (m.side === 'breakdown') {
        this.renderBreakdown(r.breakdown || [], noData);
      } else {
        this.renderSummary(r.summary || null, noData);
      }
    }

    renderBreakdown(items, noData) {
      const valid = items.filter((b) => b.avg !== null);
      this.sideNode.setAttribute('data-points', String(valid.length));
      if (!valid.length) {
        fill(this.sideNode, el('div', { class: 'ls-chart-empty' }, noData));
        return;
      }
      const total = valid.reduce((a, b) => a + b.avg, 0);
      const max = valid.reduce((a, b) => Math.max(a, b.avg), 0);
      const colorOf = new Map(items.map((b, i) => [b.label, i]));
      fill(this.sideNode, el('table', { class: 'ls-breakdown-table' },
        el('tbody', null, valid.map((b) => el('tr', null,
          el('th', { scope: 'row' }, b.label),
          el('td', { class: 'ls-bar-cell' },
            el('span', {
              class: 'ls-bar',
              style: `width:${max > 0 ? ((b.avg / max) * 100).toFixed(1) : 0}%;` +
                `background:${hsl(colorOf.get(b.label), 0.7)}`,
            })),
          el('td', { class: 'num' }, LS.fmtFixed(b.avg, b.avg < 10 ? 1 : 0) + ' ms'),
          el('td', { class: 'num ls-muted' },
            total > 0 ? ((b.avg / total) * 100).toFixed(0) + '%' : LS.DASH)
        )))));
    }

    renderSummary(s, noData) {
      this.sideNode.setAttribute('data-points', s ? String(s.batches) : '0');
      if (!s) {
        fill(this.sideNode, el('div', { class: 'ls-chart-empty' }, noData));
        return;
      }
      const perBatch = s.batches > 1 ? s.commits / (s.batches - 1) : null;
      fill(this.sideNode, el('dl', { class: 'ls-stat-list' },
        el('dt', null, 'Latest version'), el('dd', null, LS.fmtInt(s.latest)),
        el('dt', null, 'First version shown'), el('dd', null, LS.fmtInt(s.first)),
        el('dt', null, 'Commits over these batches'), el('dd', null, LS.fmtInt(s.commits)),
        el('dt', null, 'Versions per batch'),
        el('dd', null, perBatch === null ? LS.DASH : LS.fmtFixed(perBatch, 2))));
    }

    resize() {
      this.timeline.resize();
      if (this.hist) this.hist.resize();
    }
  }

  // ---- page state ---------------------------------------------------------------------------

  const match = /^\/queries\/([^/]+)\/?$/.exec(location.pathname);
  let queryId = null;
  if (match) {
    try {
      queryId = decodeURIComponent(match[1]);
    } catch (e) {
      queryId = null;
    }
  }

  let rows = null; // MetricRow[]
  let progress = []; // what the last progress fetch returned, sorted by time
  let progressSig = null;
  let query = null; // the query's entry from /api/v1/queries
  let queryAt = 0; // performance.now() when `query` was fetched
  let plan = null;
  const expanded = new Set(); // "runId:batchId" of expanded recent-batch rows
  let batchesSig = null;

  function showMissing(text) {
    $('#query-loading').hidden = true;
    $('#query-body').hidden = true;
    const m = $('#query-missing');
    fill(m, text, ' ', el('a', { href: '/' }, 'Back to Streaming Queries'), '.');
    m.hidden = false;
  }

  function buildRows() {
    if (rows) return;
    const parent = $('#metrics');
    rows = METRICS.map((m) => new MetricRow(m, parent));
    let t = null;
    window.addEventListener('resize', () => {
      if (t !== null) clearTimeout(t);
      t = setTimeout(() => {
        t = null;
        for (const r of rows) r.resize();
      }, 150);
    });
  }

  function plural(n, one, many) {
    return LS.fmtInt(n) + ' ' + (n === 1 ? one : many);
  }

  function renderQuery() {
    const q = query;
    setText($('#crumb-query'), q.name || q.id);
    setText($('#query-name'), q.name || '<no name>');
    setText($('#query-id'), q.id ?? LS.DASH);
    setText($('#query-run-id'), q.runId ?? LS.DASH);
    const statusNode = $('#query-status');
    if (statusNode.dataset.status !== String(q.status)) {
      fill(statusNode, LS.statusBadge(q.status));
      statusNode.dataset.status = String(q.status);
    }
    tickSummary();
    const ex = $('#query-exception');
    if (q.exception) {
      setText($('#query-exception-text'), String(q.exception));
      ex.hidden = false;
    } else {
      ex.hidden = true;
    }
  }

  function tickSummary() {
    const q = query;
    if (!q) return;
    const start = LS.fmtDateTime(q.startTimeMs ?? q.startTime);
    const counts = ' (' + plural(num(q.numCompletedBatches) ?? 0, 'completed batch', 'completed batches') +
      ', ' + plural(num(q.numInputRowsTotal) ?? 0, 'record', 'records') + ')';
    let d = num(q.durationMs);
    let text;
    if (q.status === 'ACTIVE') {
      if (d !== null) d += performance.now() - queryAt;
      text = 'Running batches for ' + LS.fmtDurationVerbose(d) + ' since ' + start + counts;
    } else {
      const end = num(q.endTimeMs);
      text = 'Ran batches for ' + LS.fmtDurationVerbose(d) + ' from ' + start +
        (end !== null ? ' to ' + LS.fmtDateTime(end) : '') + counts;
    }
    setText($('#query-summary'), text);
  }

  function renderStatistics() {
    buildRows();
    const xs = progress.map((p) => LS.isoToSeconds(p.timestamp));
    const none = progress.length === 0;
    $('#no-batches').hidden = !none;
    // shown before drawing: chart widths come from the laid-out containers
    $('#metrics').hidden = none;
    const emptyText = 'No completed batches yet';
    for (const r of rows) r.update(progress, xs, emptyText);
    if (none) {
      setText($('#stats-note'), '');
    } else {
      const first = progress[0];
      const last = progress[progress.length - 1];
      setText($('#stats-note'), 'Last ' + plural(progress.length, 'batch', 'batches') +
        ' (batch ' + LS.fmtInt(first.batchId) + ' to ' + LS.fmtInt(last.batchId) + ', ' +
        LS.fmtDateTime(first.timestamp) + ' to ' + LS.fmtDateTime(last.timestamp) +
        '). Dashed lines mark the averages.');
    }
  }

  function batchKey(p) {
    return String(p.runId) + ':' + String(p.batchId);
  }

  function renderBatches() {
    const first = progress[0];
    const last = progress[progress.length - 1];
    const sig = progress.length + '|' + (first ? batchKey(first) + first.timestamp : '') + '|' +
      (last ? batchKey(last) + last.timestamp : '');
    setText($('#batches-count'), '(' + progress.length + ')');
    $('#batches-empty').hidden = progress.length > 0;
    $('#batches-note').hidden = progress.length === 0;
    $('#recent-batches').hidden = progress.length === 0;
    if (sig === batchesSig) return;
    batchesSig = sig;

    const present = new Set(progress.map(batchKey));
    for (const k of Array.from(expanded)) if (!present.has(k)) expanded.delete(k);

    const body = $('#recent-batches').tBodies[0];
    // open records keep their node (and its scroll position) across rebuilds
    const details = new Map();
    for (const tr of body.querySelectorAll('tr.ls-batch-detail')) {
      if (tr.dataset.batchKey) details.set(tr.dataset.batchKey, tr);
    }
    const out = [];
    for (let i = progress.length - 1; i >= 0; i--) {
      const p = progress[i];
      const key = batchKey(p);
      const open = expanded.has(key);
      const output = p.sink ? num(p.sink.numOutputRows) : null;
      const tr = el(
        'tr',
        { class: 'ls-batch-row', tabindex: '0', 'aria-expanded': open ? 'true' : 'false',
          'data-batch-key': key, title: 'Show the progress record' },
        el('td', { class: 'num' }, el('span', { class: 'ls-caret', 'aria-hidden': 'true' }),
          LS.fmtInt(p.batchId)),
        el('td', null, LS.fmtDateTime(p.timestamp)),
        el('td', { class: 'num' }, LS.fmtInt(p.numInputRows)),
        el('td', { class: 'num' }, LS.fmtInt(output)),
        el('td', { class: 'num' }, LS.fmtInt(sinkMetric(p, 'numDeadLetterRows'))),
        el('td', { class: 'num' }, LS.fmtFixed(p.inputRowsPerSecond)),
        el('td', { class: 'num' }, LS.fmtFixed(p.processedRowsPerSecond)),
        el('td', { class: 'num' }, LS.fmtInt(duration(p, 'triggerExecution'))),
        el('td', { class: 'num' }, LS.fmtInt(sinkMetric(p, 'tableVersion')))
      );
      out.push(tr);
      if (open) out.push(details.get(key) || detailRow(p));
    }
    fill(body, out);
  }

  function detailRow(p) {
    return el('tr', { class: 'ls-batch-detail', 'data-batch-key': batchKey(p) },
      el('td', { colspan: '9' }, el('pre', { class: 'ls-pre ls-json' }, JSON.stringify(p, null, 2))));
  }

  function toggleBatch(tr) {
    const key = tr.dataset.batchKey;
    const p = progress.find((r) => batchKey(r) === key);
    if (!p) return;
    if (expanded.has(key)) {
      expanded.delete(key);
      tr.setAttribute('aria-expanded', 'false');
      const next = tr.nextElementSibling;
      if (next && next.classList.contains('ls-batch-detail')) next.remove();
    } else {
      expanded.add(key);
      tr.setAttribute('aria-expanded', 'true');
      tr.after(detailRow(p));
    }
  }

  function setupBatchTable() {
    const body = $('#recent-batches').tBodies[0];
    body.addEventListener('click', (ev) => {
      if (ev.target.closest('.ls-batch-detail')) return;
      const tr = ev.target.closest('tr.ls-batch-row');
      if (tr) toggleBatch(tr);
    });
    body.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter' && ev.key !== ' ') return;
      const tr = ev.target.closest('tr.ls-batch-row');
      if (tr) {
        ev.preventDefault();
        toggleBatch(tr);
      }
    });
  }

  function partitionsText(parts) {
    if (!Array.isArray(parts) || parts.length === 0) return LS.DASH;
    const ns = parts.map(Number);
    if (ns.every(Number.isInteger)) {
      const sorted = Array.from(new Set(ns)).sort((a, b) => a - b);
      const ranges = [];
      let start = sorted[0];
      let prev = sorted[0];
      for (let i = 1; i <= sorted.length; i++) {
        const v = sorted[i];
        if (v === prev + 1) {
          prev = v;
          continue;
        }
        ranges.push(start === prev ? String(start) : start + '\u2013' + prev);
        start = v;
        prev = v;
      }
      return ranges.join(', ') + ' (' + plural(sorted.length, 'partition', 'partitions') + ')';
    }
    return parts.join(', ') + ' (' + plural(parts.length, 'partition', 'partitions') + ')';
  }

  function planValue(v) {
    if (v === null || v === undefined || v === '') return el('span', { class: 'ls-muted' }, LS.DASH);
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (Array.isArray(v)) return v.length ? v.join(', ') : el('span', { class: 'ls-muted' }, 'none');
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function renderPlan() {
    const p = plan || {};
    const src = p.source && typeof p.source === 'object' ? p.source : {};
    const sink = p.sink && typeof p.sink === 'object' ? p.sink : {};
    const group = (title, entries) => [
      el('tr', { class: 'ls-plan-group' }, el('th', { colspan: '2', scope: 'colgroup' }, title)),
      entries.map(([k, v, mono]) => el('tr', null,
        el('th', { scope: 'row' }, k),
        el('td', { class: mono ? 'ls-mono ls-wrap' : 'ls-wrap' }, planValue(v)))),
    ];
    const maxEvents = num(p.maxEventsPerTrigger);
    const table = el('table', { class: 'ls-table ls-plan', id: 'plan-table' }, el('tbody', null,
      group('Source', [
        ['Format', src.format],
        ['Description', src.description, true],
        ['Topic', src.topic, true],
        ['Partitions', partitionsText(src.partitions)],
      ]),
      group('Decoding', [
        ['Decode mode', p.decode],
        ['Flatten', typeof p.flatten === 'boolean' ? p.flatten : p.flatten ?? null],
      ]),
      group('Sink', [
        ['Format', sink.format],
        ['Path', sink.path, true],
        ['Partition by', Array.isArray(sink.partitionBy) ? sink.partitionBy : sink.partitionBy],
        ['Dead-letter path', sink.deadLetterPath, true],
      ]),
      group('Trigger', [
        ['Trigger', p.trigger, true],
        ['Max events per trigger', maxEvents === null ? p.maxEventsPerTrigger : LS.fmtInt(maxEvents)],
      ])
    ));
    const parts = [table];
    if (p.schemaTree || p.schema) {
      parts.push(el('h4', null, 'Schema'));
      if (p.schemaTree) parts.push(el('pre', { class: 'ls-pre ls-schema', id: 'plan-schema' }, String(p.schemaTree)));
      if (p.schema) {
        parts.push(el('details', { class: 'ls-ddl' },
          el('summary', null, 'As DDL'),
          el('pre', { class: 'ls-pre ls-wrap-pre' }, String(p.schema))));
      }
    }
    fill($('#plan'), parts);
    $('#plan').hidden = false;
    $('#plan-empty').hidden = true;
  }

  async function loadPlan() {
    const r = await LS.getJSON('/api/v1/queries/' + encodeURIComponent(queryId));
    if (!r.ok || !r.data) {
      setText($('#plan-empty'), 'Plan not available (' + (r.error || 'no data') + '); retrying.');
      return;
    }
    plan = r.data.plan && typeof r.data.plan === 'object' ? r.data.plan : {};
    renderPlan();
  }

  async function refresh() {
    const [app, list] = await Promise.all([
      LS.getJSON('/api/v1/application'),
      LS.getJSON('/api/v1/queries'),
    ]);
    if (app.ok && app.data) LS.renderHeader(app.data);
    if (!list.ok || !Array.isArray(list.data)) {
      LS.showBanner('Cannot refresh (/api/v1/queries: ' + (list.error || 'not a list') + '); retrying.');
      return;
    }
    // Only ids the server lists are fetched further, so an unknown id costs no 404.
    const q = list.data.find((x) => x && String(x.id) === queryId);
    if (!q) {
      if (!query) {
        showMissing('No streaming query with id \u201c' + queryId + '\u201d in this process.');
      } else {
        LS.showBanner('The server no longer lists this query; showing the last data received.');
      }
      return;
    }
    query = q;
    queryAt = performance.now();
    $('#query-loading').hidden = true;
    $('#query-missing').hidden = true;
    $('#query-body').hidden = false;
    renderQuery();

    const problems = [];
    if (!plan) await loadPlan();

    // Progress changes only when a batch completes.
    const lp = q.lastProgress && typeof q.lastProgress === 'object' ? q.lastProgress : null;
    const sig = [q.runId, q.latestBatchId, q.numCompletedBatches, lp ? lp.timestamp : null,
      q.status].join('|');
    if (sig !== progressSig) {
      const r = await LS.getJSON('/api/v1/queries/' + encodeURIComponent(queryId) + '/progress');
      if (r.ok && Array.isArray(r.data)) {
        progress = r.data
          .filter((p) => p && typeof p === 'object' && LS.isoToSeconds(p.timestamp) !== null)
          .map((p, i) => ({ p, i, t: LS.isoToSeconds(p.timestamp) }))
          .sort((a, b) => a.t - b.t || a.i - b.i)
          .map((e) => e.p);
        progressSig = sig;
        renderStatistics();
        renderBatches();
      } else {
        problems.push('progress: ' + (r.error || 'not a list'));
      }
    }
    if (!rows) renderStatistics();
    LS.showBanner(problems.length ? 'Cannot refresh (' + problems.join('; ') + '); retrying.' : '');
  }

  if (queryId === null || queryId === '') {
    showMissing('This address names no streaming query (expected /queries/<id>).');
    return;
  }
  setText($('#crumb-query'), queryId);
  setupBatchTable();
  setInterval(tickSummary, 1000);
  LS.poll(refresh, REFRESH_MS);
})();
