// nnjs report: renders the JSON in #nnjs-data (see internal/report.Data) with uPlot.
// Everything is built with DOM calls and textContent, never innerHTML, so no value of the run
// can inject markup. A live dashboard page also listens to the server's event stream.
(function () {
  'use strict';

  const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
    '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#ad494a'];

  const state = {
    data: JSON.parse(document.getElementById('nnjs-data').textContent),
    charts: [], // {id, title, uplot}
    syncing: false,
  };
  window.nnjsReport = state; // read by tests and by whoever wants the numbers

  // ---- formatting -------------------------------------------------------------------------

  function num(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    const d = digits === undefined ? (Math.abs(v) >= 100 || Number.isInteger(v) ? 0 : 2) : digits;
    return v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d });
  }

  function ms(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    if (v >= 60000) return num(v / 60000, 1) + ' min';
    if (v >= 1000) return num(v / 1000, 2) + ' s';
    if (v >= 1) return num(v, 2) + ' ms';
    return num(v * 1000, 0) + ' µs';
  }

  function bytes(v) {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
    return num(v, 1) + ' ' + units[i];
  }

  function share(v) { return v === null || v === undefined ? '–' : num(v * 100, 2) + '%'; }

  function fmt(v, unit) {
    switch (unit) {
      case 'ms': case 'time': return ms(v);
      case 'rate': return num(v, 2) + '/s';
      case 'share': return share(v);
      case 'bytes': case 'data': return bytes(v);
      default: return num(v);
    }
  }

  function when(iso) {
    if (!iso || iso.startsWith('0001-')) return '–';
    return iso.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC');
  }

  // ---- DOM helpers --------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  function section(id, title, ...body) {
    return el('section', { id }, el('h2', null, title), ...body);
  }

  // table builds a table from column specs {h, n (numeric), f (row => cell)} and rows.
  function table(cols, rows, rowClass) {
    if (!rows.length) return el('p', { class: 'empty' }, 'none');
    const head = el('tr', null, cols.map((c) => el('th', { class: c.n ? 'n' : null }, c.h)));
    const body = rows.map((r) => el('tr', { class: rowClass ? rowClass(r) : null },
      cols.map((c) => el('td', { class: c.n ? 'n' : null }, c.f(r)))));
    return el('div', { class: 'scroll' }, el('table', null, el('thead', null, head), el('tbody', null, body)));
  }

  // ---- sections -----------------------------------------------------------------------------

  function verdictBox(d) {
    const v = d.verdict;
    if (d.live) {
      return el('div', { class: 'verdict live', id: 'verdict' },
        el('div', { class: 'head' }, 'RUNNING — live, updated every second'),
        el('div', null, 'Elapsed ' + ms(d.elapsedMs) + '. The verdict comes when the run ends.'));
    }
    const head = v.passed ? 'PASSED' : 'FAILED';
    return el('div', { class: 'verdict ' + (v.passed ? 'ok' : 'bad'), id: 'verdict' },
      el('div', { class: 'head' }, head + ' — exit code ' + v.code + ': ' + v.meaning),
      v.reasons && v.reasons.length ? el('ul', null, v.reasons.map((r) => el('li', null, r))) : null,
      v.warnings && v.warnings.length
        ? el('ul', { class: 'nj' }, v.warnings.map((r) => el('li', null, 'warning: ' + r))) : null,
      v.notJudged && v.notJudged.length
        ? el('ul', { class: 'nj' }, v.notJudged.map((r) => el('li', null, 'not judged: ' + r))) : null);
  }

  function header(d) {
    const scripts = [...new Set(d.runs.map((r) => r.script).filter(Boolean))].join(', ');
    const span = when(d.start) + ' → ' + when(d.end) + ' (' + ms(d.elapsedMs) + ')';
    return el('header', null, el('h1', null, d.title), el('p', { class: 'sub' }, scripts, ' · ', span),
      verdictBox(d));
  }

  function figures(d) {
    return el('div', { class: 'figures', id: 'figures' }, d.figures.map((f) =>
      el('div', { class: 'figure' + (f.bad ? ' bad' : '') },
        el('div', { class: 'v' }, fmt(f.value, f.unit)), el('div', { class: 'l' }, f.label))));
  }

  function thresholds(d) {
    const status = (r) => el('span', { class: r.status === 'pass' ? 'pass' : r.status === 'fail' ? 'fail' : 'nj' },
      r.status === 'pass' ? '✓ pass' : r.status === 'fail' ? '✗ FAIL' : 'not judged');
    return section('thresholds', 'Thresholds', table([
      { h: 'metric', f: (r) => el('code', null, r.metric) },
      { h: 'expression', f: (r) => el('code', null, r.expr + (r.abortOnFail ? ' (abortOnFail)' : '')) },
      { h: 'observed', n: true, f: (r) => r.observed === null ? '–' : fmt(r.observed, r.contains) },
      { h: 'result', f: status },
      { h: 'note', f: (r) => r.note || '' },
    ], d.thresholds, (r) => (r.status === 'fail' ? 'failed' : null)));
  }

  function checks(d) {
    return section('checks', 'Checks', table([
      { h: 'group', f: (r) => r.group || '' },
      { h: 'check', f: (r) => r.name },
      { h: 'passes', n: true, f: (r) => num(r.passes) },
      { h: 'fails', n: true, f: (r) => num(r.fails) },
      { h: 'rate', n: true, f: (r) => share(r.passes / Math.max(1, r.passes + r.fails)) },
    ], d.checks, (r) => (r.fails > 0 ? 'failed' : null)));
  }

  function statTable(rows, withMethod, withStatus, failuresLabel) {
    const cols = [{ h: 'name', f: (r) => r.name }];
    if (withMethod) cols.push({ h: withMethod, f: (r) => r.method || '' });
    if (withStatus) cols.push({ h: 'status', f: (r) => r.status || '' });
    cols.push({ h: 'count', n: true, f: (r) => num(r.count) },
      { h: failuresLabel, n: true, f: (r) => num(r.failures) },
      { h: 'rps', n: true, f: (r) => num(r.rps, 2) },
      { h: 'avg', n: true, f: (r) => ms(r.avg) }, { h: 'min', n: true, f: (r) => ms(r.min) },
      { h: 'p50', n: true, f: (r) => ms(r.p50) }, { h: 'p90', n: true, f: (r) => ms(r.p90) },
      { h: 'p95', n: true, f: (r) => ms(r.p95) }, { h: 'p99', n: true, f: (r) => ms(r.p99) },
      { h: 'max', n: true, f: (r) => ms(r.max) });
    return table(cols, rows, (r) => (r.name === 'Aggregated' ? 'total' : r.failures > 0 ? 'failed' : null));
  }

  function requests(d) {
    if (!d.requests.length && d.queries.length) return null;
    return section('requests', 'Requests (HTTP)', statTable(d.requests, 'method', true, 'failures'));
  }

  function queries(d) {
    if (!d.queries.length) return null;
    return section('queries', 'SQL statements', statTable(d.queries, 'op', false, 'errors'));
  }

  function database(d) {
    if (!d.db || !d.db.length) return null;
    return section('database', 'Database monitor', d.db.map((s) => {
      const r = s.report;
      const peaks = Object.entries(r.peakConnections || {}).map(([k, v]) => k + '=' + v).join(', ');
      return el('div', null,
        s.source ? el('h3', null, s.source) : null,
        el('p', null, el('code', null, r.database), ' · every ', ms(r.intervalMs), ' · ', num(r.samples), ' samples',
          r.errors ? ' · ' + r.errors + ' failed samples: ' + r.lastError : ''),
        table([
          { h: 'deadlocks', n: true, f: () => num(r.deadlocks) },
          { h: 'commits', n: true, f: () => num(r.commits) },
          { h: 'rollbacks', n: true, f: () => num(r.rollbacks) },
          { h: 'peak sessions', n: true, f: () => num(r.peakTotal) + (peaks ? ' (' + peaks + ')' : '') },
          { h: 'peak lock waits', n: true, f: () => num(r.peakLockWaits) },
          { h: 'longest lock wait', n: true, f: () => ms(r.maxLockWaitMs) },
          { h: 'oldest query', n: true, f: () => ms(r.maxQueryAgeMs) },
        ], [r], () => (r.deadlocks > 0 ? 'failed' : null)),
        el('h3', null, 'Blocking / blocked statements'),
        table([
          { h: 'seen', n: true, f: (p) => num(p.count) },
          { h: 'longest wait', n: true, f: (p) => ms(p.maxWaitMs) },
          { h: 'blocked statement', f: (p) => el('code', null, p.blockedExample) },
          { h: 'blocking statement', f: (p) => el('code', null, p.blockingExample) },
          { h: 'blocker state', f: (p) => p.blockingState },
        ], r.blocking || []),
        r.blockingDropped ? el('p', { class: 'notes' }, num(r.blockingDropped) + ' observations of further pairs not kept') : null,
        el('h3', null, 'Rows changed'),
        table([
          { h: 'table', f: (t) => t.table },
          { h: 'inserts', n: true, f: (t) => num(t.inserts) },
          { h: 'updates', n: true, f: (t) => num(t.updates) },
          { h: 'deletes', n: true, f: (t) => num(t.deletes) },
        ], r.rowsChanged || []));
    }));
  }

  function integrity(d) {
    if (!d.integrity || !d.integrity.length) return null;
    return section('integrity', 'Integrity checks', d.integrity.map((s) => {
      const r = s.report;
      const status = (c) => el('span', { class: c.status === 'pass' ? 'pass' : c.status === 'skip' ? 'skip' : 'fail' }, c.status);
      const rows = (c) => (c.rows && c.rows.length
        ? el('details', { open: c.status === 'FAIL' ? '' : null },
          el('summary', null, c.rows.length + ' of ' + num(c.count) + ' violating rows'),
          table(c.columns.map((h, i) => ({ h, f: (row) => el('code', null, row[i]) })), c.rows))
        : c.note || '');
      return el('div', null,
        el('p', null, s.source ? s.source + ' · ' : '', el('code', null, r.database), ' · members ',
          r.range.first + '–' + r.range.last, ' · snapshot ', when(r.snapshot_at)),
        table([
          { h: 'check', f: (c) => el('code', null, c.id) },
          { h: 'severity', f: (c) => c.severity },
          { h: 'status', f: status },
          { h: 'count', n: true, f: (c) => num(c.count) },
          { h: 'what it checks', f: (c) => c.explanation },
          { h: 'violations', f: rows },
        ], r.results, (c) => (c.status === 'FAIL' || c.status === 'error' ? 'failed' : null)));
    }));
  }

  function metricsTable(d) {
    const v = (r, k) => (r[k] === undefined ? 0 : r[k]);
    return section('metrics', 'All metrics', table([
      { h: 'metric', f: (r) => el('code', null, r.name) },
      { h: 'type', f: (r) => r.type },
      { h: 'count', n: true, f: (r) => num(r.count) },
      { h: 'total / value', n: true, f: (r) => (r.type === 'gauge' ? fmt(v(r, 'value'), r.contains) : r.type === 'trend' ? '' : num(v(r, 'sum'))) },
      { h: 'rate', n: true, f: (r) => (r.type === 'counter' ? num(v(r, 'rate'), 2) + '/s' : r.type === 'rate' ? share(v(r, 'rate')) : '') },
      { h: 'avg', n: true, f: (r) => (r.type === 'trend' ? fmt(v(r, 'avg'), r.contains) : '') },
      { h: 'min', n: true, f: (r) => (r.type === 'trend' || r.type === 'gauge' ? fmt(v(r, 'min'), r.contains) : '') },
      { h: 'med', n: true, f: (r) => (r.type === 'trend' ? fmt(v(r, 'med'), r.contains) : '') },
      { h: 'p90', n: true, f: (r) => (r.type === 'trend' ? fmt(v(r, 'p90'), r.contains) : '') },
      { h: 'p95', n: true, f: (r) => (r.type === 'trend' ? fmt(v(r, 'p95'), r.contains) : '') },
      { h: 'p99', n: true, f: (r) => (r.type === 'trend' ? fmt(v(r, 'p99'), r.contains) : '') },
      { h: 'max', n: true, f: (r) => (r.type === 'trend' || r.type === 'gauge' ? fmt(v(r, 'max'), r.contains) : '') },
    ], d.metrics));
  }

  function record(value) {
    if (value === null || typeof value !== 'object') return el('span', { class: 'mono' }, String(value));
    if (Array.isArray(value)) {
      if (value.every((x) => x === null || typeof x !== 'object')) return el('span', { class: 'mono' }, value.join(' '));
      return el('div', null, value.map(record));
    }
    return el('dl', { class: 'record' }, Object.entries(value).map(([k, v]) => [el('dt', null, k), el('dd', null, record(v))]));
  }

  function runs(d) {
    return section('run', 'Run record', d.runs.map((r) => el('div', null,
      el('h3', null, (r.source ? r.source + ': ' : '') + r.script +
        (r.executionSegment ? ' (segment ' + r.executionSegment + ')' : '') +
        (r.exitCode !== undefined && r.exitCode !== null ? ' · exit ' + r.exitCode : '')),
      r.record ? record(r.record) : el('p', { class: 'empty' }, 'no run record: ' + when(r.start) + ' → ' + when(r.end)))));
  }

  function notes(d) {
    const all = (d.notes || []).slice();
    const tl = d.timeline;
    if (tl && tl.approxPercentiles) {
      all.push('Percentile lines over time are count-weighted means where columns were merged (long run, or several result files); the tables are exact.');
    }
    if (tl && tl.droppedGroups) all.push(tl.droppedGroups + ' metric groups were not charted (chart limit).');
    if (!all.length) return null;
    return el('div', { class: 'notes', id: 'notes' }, el('ul', null, all.map((n) => el('li', null, n))));
  }

  // ---- charts -------------------------------------------------------------------------------

  // chartSpecs derives the charts from the timeline: each spec has an id, a title, a unit and
  // series {label, values}; series without any value and charts without series are left out.
  function chartSpecs(tl) {
    if (!tl || !tl.end || !tl.end.length) return [];
    const lines = new Map(tl.lines.map((l) => [l.metric + (l.tag ? '{' + l.tag + '}' : ''), l]));
    const secs = tl.dur.map((x) => x / 1000);
    const perSec = (l) => l.sum.map((s, i) => (s === null || !secs[i] ? null : s / secs[i]));
    const ratio = (l, scale) => l.sum.map((s, i) => (s === null || !l.count[i] ? null : (scale * s) / l.count[i]));
    const get = (key, f) => (lines.has(key) ? f(lines.get(key)) : null);
    const custom = tl.lines.filter((l) => l.custom);
    const byTag = (metric) => tl.lines.filter((l) => l.metric === metric && l.tag);
    const tagValue = (l) => l.tag.slice(l.tag.indexOf('=') + 1);
    const topByCount = (ls, n) => ls.map((l) => [l, l.count.reduce((a, b) => a + (b || 0), 0)])
      .sort((a, b) => b[1] - a[1]).slice(0, n).map((x) => x[0]);
    const specs = [
      { id: 'vus', title: 'Virtual users', unit: 'count', series: [
        ['VUs', get('vus', (l) => l.last)], ['max VUs', get('vus_max', (l) => l.last)]] },
      { id: 'throughput', title: 'Throughput', unit: 'rate', series: [
        ['iterations/s', get('iterations', perSec)], ['HTTP requests/s', get('http_reqs', perSec)],
        ['SQL queries/s', get('sql_queries', perSec)], ['dropped iterations/s', get('dropped_iterations', perSec)]] },
      { id: 'failures', title: 'Failure rate', unit: 'percent', series: [
        ['failed HTTP requests %', get('http_req_failed', (l) => ratio(l, 100))],
        ['failed checks %', get('checks', (l) => l.sum.map((s, i) => (s === null || !l.count[i] ? null : 100 - (100 * s) / l.count[i])))],
        ['SQL errors %', lines.has('sql_errors') && lines.has('sql_queries')
          ? lines.get('sql_errors').sum.map((s, i) => { const q = lines.get('sql_queries').sum[i]; return q ? (100 * (s || 0)) / q : null; }) : null],
        ['iteration errors/s', get('iteration_errors', perSec)]] },
      { id: 'latency', title: 'HTTP request duration', unit: 'ms', series: ['p50', 'p90', 'p95', 'p99'].map((p) =>
        [p, get('http_req_duration', (l) => l[p])]) },
      { id: 'iteration', title: 'Iteration duration', unit: 'ms', series: ['p50', 'p95', 'p99'].map((p) =>
        [p, get('iteration_duration', (l) => l[p])]) },
      { id: 'custom-counters', title: 'Script counters (per second)', unit: 'rate',
        series: custom.filter((l) => l.type === 'counter').map((l) => [l.metric, perSec(l)]) },
      { id: 'custom-trends', title: 'Script trends (p95)', unit: 'ms',
        series: custom.filter((l) => l.type === 'trend').map((l) => [l.metric + ' p95', l.p95]) },
      { id: 'custom-gauges', title: 'Script gauges and rates', unit: 'count',
        series: custom.filter((l) => l.type === 'gauge' || l.type === 'rate')
          .map((l) => (l.type === 'gauge' ? [l.metric, l.last] : [l.metric + ' %', ratio(l, 100)])) },
      { id: 'db-connections', title: 'Database sessions by state', unit: 'count',
        series: byTag('db_connections').map((l) => [tagValue(l), l.last]) },
      { id: 'db-locks', title: 'Lock waits and deadlocks', unit: 'count', series: [
        ['sessions waiting on a lock', get('db_lock_waits', (l) => l.last)],
        ['deadlocks', get('db_deadlocks', (l) => l.sum)]] },
      { id: 'db-waits', title: 'Longest lock wait and oldest statement', unit: 'ms', series: [
        ['longest lock wait', get('db_lock_wait_max', (l) => l.last)],
        ['oldest running statement', get('db_query_age_max', (l) => l.last)]] },
      { id: 'db-xact', title: 'Transactions (per second)', unit: 'rate', series: [
        ['commits/s', get('db_xact_commit', perSec)], ['rollbacks/s', get('db_xact_rollback', perSec)]] },
      { id: 'sql-latency', title: 'SQL statement duration p95 by name', unit: 'ms',
        series: topByCount(byTag('sql_query_duration'), 12).map((l) => [tagValue(l), l.p95]) },
    ];
    const xs = tl.end.map((t) => t / 1000);
    return specs.map((s) => ({
      id: s.id, title: s.title, unit: s.unit, xs,
      series: s.series.filter(([, v]) => v && v.some((x) => x !== null)).map(([label, values]) => ({ label, values })),
    })).filter((s) => s.series.length > 0);
  }

  function axisValue(unit) {
    return (u, vals) => vals.map((v) => (unit === 'ms' ? ms(v) : unit === 'percent' ? num(v, 1) + '%' : num(v)));
  }

  function makeChart(spec, width) {
    const opts = {
      width, height: 230,
      cursor: { sync: { key: 'nnjs' } },
      scales: { x: { time: true } },
      series: [{}].concat(spec.series.map((s, i) => ({
        label: s.label, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: false,
        value: (u, v) => (v === null ? '–' : spec.unit === 'ms' ? ms(v) : spec.unit === 'percent' ? num(v, 2) + '%' : num(v, 2)),
      }))),
      axes: [{}, { values: axisValue(spec.unit), size: 70 }],
      hooks: { setScale: [(u, key) => key === 'x' && syncZoom(u)] },
    };
    const data = [spec.xs].concat(spec.series.map((s) => s.values));
    const host = el('div', { class: 'chart', id: 'chart-' + spec.id }, el('h3', null, spec.title));
    const u = new uPlot(opts, data, host);
    return { id: spec.id, title: spec.title, uplot: u, host };
  }

  // syncZoom gives every chart the x range of the one the user zoomed (or reset).
  function syncZoom(src) {
    if (state.syncing) return;
    state.syncing = true;
    const { min, max } = src.scales.x;
    for (const c of state.charts) {
      if (c.uplot !== src) c.uplot.setScale('x', { min, max });
    }
    state.syncing = false;
  }

  function chartWidth(container) {
    const w = container.clientWidth || 1200;
    return window.innerWidth > 900 ? Math.floor((w - 22) / 2) : w;
  }

  function drawCharts(container, d) {
    const specs = chartSpecs(d.timeline);
    const same = specs.length === state.charts.length && specs.every((s, i) =>
      s.id === state.charts[i].id && s.series.length === state.charts[i].uplot.series.length - 1);
    if (same) {
      specs.forEach((s, i) => state.charts[i].uplot.setData([s.xs].concat(s.series.map((x) => x.values)), true));
      return;
    }
    state.charts.forEach((c) => c.uplot.destroy());
    container.replaceChildren();
    if (!specs.length) {
      container.append(el('p', { class: 'empty' }, 'No time series in this report.'));
      state.charts = [];
      return;
    }
    const width = chartWidth(container);
    state.charts = specs.map((s) => makeChart(s, width));
    state.charts.forEach((c) => container.append(c.host));
  }

  // ---- page ---------------------------------------------------------------------------------

  let chartsBox = null;

  function render(d) {
    const app = document.getElementById('app');
    chartsBox = chartsBox || el('div', { class: 'charts', id: 'charts' });
    const chartsSection = section('charts-section', 'Over time',
      el('p', { class: 'hint' }, 'Drag across a chart to zoom every chart to that time range; double-click to zoom out.'),
      chartsBox);
    app.replaceChildren(header(d), notes(d) || '', figures(d), thresholds(d), checks(d), chartsSection,
      requests(d) || '', queries(d) || '', database(d) || '', integrity(d) || '', metricsTable(d), runs(d),
      el('footer', null, 'Generated by nnjs at ' + when(d.generated) + '. Self-contained: no network access needed.'));
    drawCharts(chartsBox, d);
  }

  window.addEventListener('resize', () => {
    if (!chartsBox) return;
    const width = chartWidth(chartsBox);
    state.charts.forEach((c) => c.uplot.setSize({ width, height: 230 }));
  });

  // ---- live dashboard -----------------------------------------------------------------------

  // applyTimeline merges a delta {from, halvings, end, dur, lines} into the held timeline.
  function applyTimeline(held, delta) {
    if (!held || delta.from === 0 || delta.halvings !== held.halvings || delta.from !== held.end.length) {
      return { intervalMs: delta.intervalMs, halvings: delta.halvings, approxPercentiles: delta.approxPercentiles,
        droppedGroups: delta.droppedGroups, end: delta.end, dur: delta.dur, lines: delta.lines };
    }
    const n = held.end.length;
    const byKey = new Map(held.lines.map((l) => [l.metric + '{' + (l.tag || '') + '}', l]));
    for (const dl of delta.lines) {
      let l = byKey.get(dl.metric + '{' + (dl.tag || '') + '}');
      if (!l) {
        l = { metric: dl.metric, type: dl.type, contains: dl.contains, tag: dl.tag, custom: dl.custom };
        held.lines.push(l);
      }
      for (const k of ['count', 'sum', 'last', 'p50', 'p90', 'p95', 'p99']) {
        if (!dl[k]) continue;
        l[k] = (l[k] || new Array(n).fill(null)).concat(dl[k]);
      }
    }
    held.end = held.end.concat(delta.end);
    held.dur = held.dur.concat(delta.dur);
    held.droppedGroups = delta.droppedGroups;
    return held;
  }

  function listen() {
    const es = new EventSource('events');
    es.addEventListener('update', (ev) => {
      const msg = JSON.parse(ev.data);
      const held = state.data.timeline;
      msg.data.timeline = applyTimeline(held, msg.timeline);
      state.data = msg.data;
      render(state.data);
    });
    es.addEventListener('final', () => { es.close(); window.location.reload(); });
  }

  render(state.data);
  if (state.data.live) listen();
})();
