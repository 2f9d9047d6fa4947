// ui.js: helpers shared by lakestream's live UI pages (application page and query page).
// Plain ES2020, no modules, no dependencies: everything hangs off window.LS.
'use strict';

(function () {
  const LS = {};
  window.LS = LS;

  // ---- DOM ----------------------------------------------------------------------------------

  // el('td', {class: 'num', title: 'x'}, 'text', otherNode): builds an element. Attributes whose
  // value is null/undefined/false are skipped; `true` sets an empty attribute. Children may be
  // strings, numbers, nodes, arrays of those, or null (skipped). Text is never parsed as HTML.
  LS.el = function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'dataset') Object.assign(node.dataset, v);
        else node.setAttribute(k, v === true ? '' : String(v));
      }
    }
    LS.append(node, children);
    return node;
  };

  LS.append = function append(node, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) LS.append(node, c);
      else if (c instanceof Node) node.appendChild(c);
      else node.appendChild(document.createTextNode(String(c)));
    }
    return node;
  };

  LS.$ = (sel, root) => (root || document).querySelector(sel);
  LS.$$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  // Replaces all children of `node` with `children`.
  LS.fill = function fill(node, ...children) {
    node.replaceChildren();
    return LS.append(node, children);
  };

  LS.setText = function setText(node, text) {
    const s = String(text);
    if (node && node.textContent !== s) node.textContent = s;
  };

  // ---- numbers and values -------------------------------------------------------------------

  // A finite number from a number or a numeric string (Spark's metrics maps hold strings);
  // null for anything else (missing keys, "", "NaN", objects).
  LS.num = function num(v) {
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'string' && v.trim() !== '') {
      const n = Number(v);
      return Number.isFinite(n) ? n : null;
    }
    return null;
  };

  const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const fmtCache = new Map();
  function fixedFmt(digits) {
    let f = fmtCache.get(digits);
    if (!f) {
      f = new Intl.NumberFormat('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
      fmtCache.set(digits, f);
    }
    return f;
  }

  const DASH = '\u2014';
  LS.DASH = DASH;

  // 1,860,000
  LS.fmtInt = (v) => {
    const n = LS.num(v);
    return n === null ? DASH : intFmt.format(Math.round(n));
  };

  // 998.20
  LS.fmtFixed = (v, digits = 2) => {
    const n = LS.num(v);
    return n === null ? DASH : fixedFmt(digits).format(n);
  };

  // Compact numbers for chart axes: 950, 1.2k, 3.4M, 0.25.
  LS.fmtCompact = (v) => {
    const n = LS.num(v);
    if (n === null) return '';
    const a = Math.abs(n);
    if (a >= 1e12) return trimZeros((n / 1e12).toFixed(1)) + 'T';
    if (a >= 1e9) return trimZeros((n / 1e9).toFixed(1)) + 'G';
    if (a >= 1e6) return trimZeros((n / 1e6).toFixed(1)) + 'M';
    if (a >= 1e4) return trimZeros((n / 1e3).toFixed(1)) + 'k';
    if (a >= 100 || Number.isInteger(n)) return intFmt.format(Math.round(n));
    if (a >= 1) return trimZeros(n.toFixed(1));
    if (a === 0) return '0';
    return trimZeros(n.toPrecision(2));
  };

  function trimZeros(s) {
    return s.indexOf('.') >= 0 ? s.replace(/\.?0+$/, '') : s;
  }

  // 81234 -> "79.3 KiB"
  LS.fmtBytes = (v) => {
    const n = LS.num(v);
    if (n === null) return DASH;
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let x = Math.abs(n);
    let u = 0;
    while (x >= 1024 && u < units.length - 1) {
      x /= 1024;
      u++;
    }
    const s = u === 0 ? String(Math.round(x)) : x >= 100 ? x.toFixed(0) : x.toFixed(1);
    return (n < 0 ? '-' : '') + s + ' ' + units[u];
  };

  // Short durations for table cells: "850 ms", "4.2 s", "3.2 min", "5.1 h", "2.3 d".
  LS.fmtDurationShort = (v) => {
    const ms = LS.num(v);
    if (ms === null) return DASH;
    if (ms < 1000) return Math.round(ms) + ' ms';
    const s = ms / 1000;
    if (s < 60) return trimZeros(s.toFixed(1)) + ' s';
    const m = s / 60;
    if (m < 60) return trimZeros(m.toFixed(1)) + ' min';
    const h = m / 60;
    if (h < 24) return trimZeros(h.toFixed(1)) + ' h';
    return trimZeros((h / 24).toFixed(1)) + ' d';
  };

  // Verbose durations: "3 minutes 12 seconds", "1 hour 5 minutes", "2 days 3 hours", "450 ms".
  LS.fmtDurationVerbose = (v) => {
    const ms = LS.num(v);
    if (ms === null) return DASH;
    if (ms < 1000) return Math.max(0, Math.round(ms)) + ' ms';
    const total = Math.floor(ms / 1000);
    const d = Math.floor(total / 86400);
    const h = Math.floor((total % 86400) / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const part = (n, unit) => n + ' ' + unit + (n === 1 ? '' : 's');
    if (d > 0) return part(d, 'day') + (h > 0 ? ' ' + part(h, 'hour') : '');
    if (h > 0) return part(h, 'hour') + (m > 0 ? ' ' + part(m, 'minute') : '');
    if (m > 0) return part(m, 'minute') + (s > 0 ? ' ' + part(s, 'second') : '');
    return part(s, 'second');
  };

  const pad2 = (n) => String(n).padStart(2, '0');

  // Milliseconds since the epoch (or an ISO string) -> local "2026/12/02 18:50:01".
  LS.fmtDateTime = (v) => {
    const ms = typeof v === 'string' ? Date.parse(v) : LS.num(v);
    if (ms === null || !Number.isFinite(ms)) return DASH;
    const d = new Date(ms);
    return (
      d.getFullYear() + '/' + pad2(d.getMonth() + 1) + '/' + pad2(d.getDate()) + ' ' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds())
    );
  };

  // Milliseconds since the epoch -> local "18:50:01" (chart time axes).
  // With `tenths`, "18:50:01.5".
  LS.fmtClock = (v, tenths = false) => {
    const ms = LS.num(v);
    if (ms === null) return '';
    const d = new Date(Math.round(ms));
    const s = pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
    return tenths ? s + '.' + Math.floor(d.getMilliseconds() / 100) : s;
  };

  // ISO timestamp -> seconds since the epoch (uPlot's time unit), or null.
  LS.isoToSeconds = (iso) => {
    if (typeof iso !== 'string') return null;
    const ms = Date.parse(iso);
    return Number.isFinite(ms) ? ms / 1000 : null;
  };

  // ---- fetching -----------------------------------------------------------------------------

  // GET a JSON document. Resolves to {ok, status, data, error}; never rejects.
  LS.getJSON = async function getJSON(url, timeoutMs = 10000) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      const resp = await fetch(url, {
        cache: 'no-store',
        headers: { Accept: 'application/json' },
        signal: ctl.signal,
      });
      let data = null;
      const text = await resp.text();
      if (text) {
        try {
          data = JSON.parse(text);
        } catch (e) {
          return { ok: false, status: resp.status, data: null, error: 'invalid JSON from ' + url };
        }
      }
      if (!resp.ok) {
        const msg = data && typeof data.error === 'string' ? data.error : 'HTTP ' + resp.status;
        return { ok: false, status: resp.status, data, error: msg };
      }
      return { ok: true, status: resp.status, data, error: null };
    } catch (e) {
      const msg = e && e.name === 'AbortError' ? 'timed out' : 'cannot reach the server';
      return { ok: false, status: 0, data: null, error: msg };
    } finally {
      clearTimeout(timer);
    }
  };

  // Runs `task` (async) now and then `intervalMs` after each completion; never overlaps runs.
  // While the tab is hidden, runs are deferred until it is visible again.
  LS.poll = function poll(task, intervalMs) {
    let timer = null;
    let running = false;
    async function run() {
      timer = null;
      if (document.visibilityState === 'hidden') return; // resumed by visibilitychange
      if (running) return;
      running = true;
      try {
        await task();
      } catch (e) {
        LS.showBanner('UI error: ' + (e && e.message ? e.message : String(e)));
      } finally {
        running = false;
        if (timer === null) timer = setTimeout(run, intervalMs);
      }
    }
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && !running) {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        run();
      }
    });
    run();
  };

  // ---- page chrome --------------------------------------------------------------------------

  // A banner under the header for connection problems; null/'' hides it.
  LS.showBanner = function showBanner(text) {
    const b = document.getElementById('ls-banner');
    if (!b) return;
    if (text) {
      LS.setText(b, text);
      b.hidden = false;
    } else {
      b.hidden = true;
    }
  };

  // Fills the header's version / app name from /api/v1/application (data already fetched).
  LS.renderHeader = function renderHeader(app) {
    if (!app) return;
    const v = document.getElementById('ls-version');
    const n = document.getElementById('ls-app-name');
    if (v) LS.setText(v, app.version ? 'v' + app.version : '');
    if (n) LS.setText(n, app.appName || '');
    if (app.appName) {
      const base = document.body.dataset.title || document.title;
      document.title = app.appName + ' - ' + base;
    }
  };

  LS.statusBadge = function statusBadge(status) {
    const s = typeof status === 'string' && status ? status : 'UNKNOWN';
    return LS.el('span', { class: 'ls-status ls-status-' + s.toLowerCase() }, s);
  };

  // First line of an exception, cut to `max` characters.
  LS.firstLine = (text, max = 120) => {
    const line = String(text).split('\n', 1)[0];
    return line.length > max ? line.slice(0, max - 1) + '\u2026' : line;
  };

  // An exception cell: the first line, expandable to the full text.
  LS.exceptionNode = function exceptionNode(text) {
    if (text === null || text === undefined || text === '') return null;
    const full = String(text);
    const first = LS.firstLine(full);
    if (first === full) return LS.el('span', { class: 'ls-error-text' }, full);
    return LS.el(
      'details',
      { class: 'ls-error-details' },
      LS.el('summary', { class: 'ls-error-text' }, first),
      LS.el('pre', { class: 'ls-pre ls-error-pre' }, full)
    );
  };
})();
