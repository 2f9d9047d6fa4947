// app.js: the application page (/): the process's facts, its active and completed streaming
// queries, and its configuration. Refreshes itself every 2 seconds.
'use strict';

(function () {
  const { el, $, fill, setText } = LS;
  const REFRESH_MS = 2000;

  // Uptime ticks between refreshes: the server's uptime at fetch time plus the time since.
  let uptime = null; // {ms, at}

  function renderApp(app) {
    LS.renderHeader(app);
    setText($('#app-name'), app.appName || LS.DASH);
    setText($('#app-version'), app.version || LS.DASH);
    setText($('#app-start'), LS.fmtDateTime(app.startTimeMs ?? app.startTime));
    const where = [];
    if (app.pid !== undefined && app.pid !== null) where.push('pid ' + app.pid);
    if (app.host) where.push('UI on ' + app.host + (app.port ? ':' + app.port : ''));
    setText($('#app-process'), where.length ? where.join(', ') : LS.DASH);
    const ms = LS.num(app.uptimeMs);
    uptime = ms === null ? null : { ms, at: performance.now() };
    tickUptime();
  }

  function tickUptime() {
    if (!uptime) return;
    setText($('#app-uptime'), LS.fmtDurationVerbose(uptime.ms + (performance.now() - uptime.at)));
  }

  function queryRow(q) {
    const id = String(q.id ?? '');
    const href = '/queries/' + encodeURIComponent(id);
    return el(
      'tr',
      { 'data-query-id': id },
      el('td', null, q.name ? q.name : el('span', { class: 'ls-muted' }, '<no name>')),
      el('td', null, LS.statusBadge(q.status)),
      el('td', { class: 'ls-mono' }, el('a', { class: 'ls-query-link', href }, id)),
      el('td', { class: 'ls-mono' }, q.runId ?? LS.DASH),
      el('td', null, LS.fmtDateTime(q.startTimeMs ?? q.startTime)),
      el('td', { class: 'num' }, LS.fmtDurationShort(q.durationMs)),
      el('td', { class: 'num' }, LS.fmtFixed(q.avgInputRowsPerSecond)),
      el('td', { class: 'num' }, LS.fmtFixed(q.avgProcessedRowsPerSecond)),
      el('td', { class: 'num' }, q.latestBatchId === null || q.latestBatchId === undefined
        ? LS.DASH : LS.fmtInt(q.latestBatchId)),
      el('td', { class: 'ls-error-cell' }, LS.exceptionNode(q.exception))
    );
  }

  // Rebuilds a table body only when what it shows changed, so an expanded error stays open.
  const shown = new Map();
  function renderQueryTable(key, queries) {
    const table = $('#' + key + '-queries');
    const sig = JSON.stringify(queries.map((q) => [
      q.id, q.runId, q.name, q.status, q.startTimeMs, q.startTime,
      LS.fmtDurationShort(q.durationMs), LS.fmtFixed(q.avgInputRowsPerSecond),
      LS.fmtFixed(q.avgProcessedRowsPerSecond), q.latestBatchId, q.exception,
    ]));
    setText($('#' + key + '-count'), '(' + queries.length + ')');
    $('#' + key + '-empty').hidden = queries.length > 0;
    table.hidden = queries.length === 0;
    if (shown.get(key) === sig) return;
    shown.set(key, sig);
    fill(table.tBodies[0], queries.map(queryRow));
  }

  function configRows(entries) {
    return entries.map((e) =>
      el(
        'tr',
        null,
        el('td', { class: 'ls-mono' }, e && e.key !== undefined ? e.key : LS.DASH),
        el('td', { class: 'ls-mono ls-wrap' }, e && e.value !== undefined && e.value !== null
          ? String(e.value) : ''),
        el('td', { class: 'ls-muted' }, e && e.source ? e.source : '')
      )
    );
  }

  let configLoaded = false;
  async function loadConfig() {
    const r = await LS.getJSON('/api/v1/config');
    const empty = $('#config-empty');
    if (!r.ok || !r.data) {
      setText(empty, 'Configuration not available (' + (r.error || 'no data') + '); retrying.');
      empty.hidden = false;
      return;
    }
    empty.hidden = true;
    const options = Array.isArray(r.data.options) ? r.data.options : [];
    const engine = Array.isArray(r.data.engine) ? r.data.engine : [];
    fill($('#config-options').tBodies[0], configRows(options));
    fill($('#config-engine').tBodies[0], configRows(engine));
    configLoaded = true;
  }

  async function refresh() {
    const [app, queries] = await Promise.all([
      LS.getJSON('/api/v1/application'),
      LS.getJSON('/api/v1/queries'),
    ]);
    const problems = [];
    if (app.ok && app.data) renderApp(app.data);
    else problems.push('/api/v1/application: ' + app.error);
    if (queries.ok && Array.isArray(queries.data)) {
      const list = queries.data.filter((q) => q && typeof q === 'object');
      renderQueryTable('active', list.filter((q) => q.status === 'ACTIVE'));
      renderQueryTable('completed', list.filter((q) => q.status !== 'ACTIVE'));
    } else {
      problems.push('/api/v1/queries: ' + (queries.error || 'not a list'));
    }
    if (!configLoaded) await loadConfig();
    LS.showBanner(problems.length ? 'Cannot refresh (' + problems.join('; ') + '); retrying.' : '');
  }

  setInterval(tickUptime, 1000);
  LS.poll(refresh, REFRESH_MS);
})();
