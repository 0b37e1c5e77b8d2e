// entente's web app: a scenario editor with the validator's diagnostics inline, model runs
// with the report's charts, a what-if slider, and the run store (open, compare). Everything
// comes from the JSON API (docs/api.md); no build step, no framework.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  // --- state ---------------------------------------------------------------------------
  const state = {
    name: 'korea-2003.yaml', // file name: diagnostics name it, CSV tables take their issue id from it
    models: [], // registered models, from /api/models
    validation: null, // the last /api/validate answer for the editor's text
    run: null, // {request, forecasts, sections, title} of the run shown
    views: [], // vega views on the page, finalised before replacing
    whatif: { inflight: false, pending: null, active: false },
  };

  // --- API ------------------------------------------------------------------------------
  async function api(method, path, body, contentType) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers['Content-Type'] = contentType || 'application/json';
    }
    const res = await fetch(path, init);
    let data = null;
    try {
      data = await res.json();
    } catch (err) {
      throw new Error(`${method} ${path}: the answer is not JSON (${res.status})`);
    }
    if (!res.ok) {
      const e = new Error(data && data.error ? data.error : `${method} ${path}: HTTP ${res.status}`);
      e.status = res.status;
      e.data = data;
      throw e;
    }
    return data;
  }

  function status(text, kind) {
    const el = $('status');
    el.textContent = text;
    el.className = kind || '';
  }

  // --- formatting ----------------------------------------------------------------------
  function fmt(x) {
    if (x === null || x === undefined) return '—';
    if (typeof x !== 'number') return String(x);
    const a = Math.abs(x);
    if (a !== 0 && (a < 0.001 || a >= 1e6)) return x.toExponential(2);
    return (Math.round(x * 1000) / 1000).toString();
  }
  function fmtDiff(x) {
    if (x === null || x === undefined) return '';
    if (Math.abs(x) < 1e-9) return '0';
    return (x > 0 ? '+' : '') + fmt(x);
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // --- editor ----------------------------------------------------------------------------
  // The validator's diagnostics as CodeMirror lint annotations: each marks from its column
  // to the end of its line (the loader knows where a problem starts, not where it ends).
  function annotations(cm, diagnostics) {
    const out = [];
    for (const d of diagnostics) {
      const line = Math.max(0, Math.min(cm.lineCount() - 1, (d.line || 1) - 1));
      const text = cm.getLine(line) || '';
      let ch = d.column ? d.column - 1 : 0;
      if (ch >= text.length) ch = Math.max(0, text.length - 1);
      const end = Math.max(ch + 1, text.replace(/\s+$/, '').length);
      out.push({
        from: CodeMirror.Pos(line, ch),
        to: CodeMirror.Pos(line, end),
        message: (d.path ? d.path + ': ' : '') + d.message,
        severity: 'error',
      });
    }
    return out;
  }

  function showDiagnostics(diagnostics) {
    const list = $('diagnostics');
    list.replaceChildren();
    for (const d of diagnostics) {
      list.append(
        el('li', {
          class: 'diagnostic',
          tabindex: '0',
          onclick: () => {
            editor.focus();
            editor.setCursor({ line: Math.max(0, (d.line || 1) - 1), ch: Math.max(0, (d.column || 1) - 1) });
          },
        }, d.text),
      );
    }
  }

  function validateQuery() {
    const q = new URLSearchParams({ name: state.name });
    if ($('at').value) q.set('at', $('at').value);
    return q.toString();
  }

  // CodeMirror's async lint source: every edit (debounced by the addon) is validated by the
  // server, and the answer is kept for the what-if inputs.
  function lint(text, update, options, cm) {
    api('POST', '/api/validate?' + validateQuery(), text, 'text/yaml')
      .then((v) => {
        if (cm.getValue() !== text) return; // a newer edit is on its way
        state.validation = v;
        showDiagnostics(v.diagnostics);
        update(cm, annotations(cm, v.diagnostics));
        document.body.dataset.valid = String(v.valid);
        if (!v.valid) status(`${v.diagnostics.length} problem${v.diagnostics.length === 1 ? '' : 's'} in the scenario`, 'error');
        else if ($('status').className === 'error') status('');
      })
      .catch((err) => status(err.message, 'error'));
  }

  const editor = CodeMirror($('editor'), {
    mode: 'yaml',
    lineNumbers: true,
    gutters: ['CodeMirror-lint-markers'],
    lint: { getAnnotations: lint, async: true, delay: 350 },
    indentUnit: 2,
    tabSize: 2,
    extraKeys: { Tab: (cm) => cm.replaceSelection('  ') },
    viewportMargin: 20,
  });

  function setScenario(text, name) {
    state.name = name;
    $('filename').textContent = name;
    editor.setValue(text);
    editor.clearHistory();
  }

  // --- charts ------------------------------------------------------------------------------
  function clearCharts() {
    for (const v of state.views) v.finalize();
    state.views = [];
    $('charts').replaceChildren();
  }

  // Renders the report's sections (GET /api/runs/{id}/report, or a what-if's): the charts
  // are the report's Vega-Lite specs. Sections the what-if leaves out (the alliance
  // timeline) keep the run's charts.
  async function renderSections(sections, whatif) {
    clearCharts();
    const pending = [];
    document.body.dataset.rendered = 'false';
    for (const s of sections) {
      const sec = el('section', { class: 'chart-section', id: 'section-' + s.id }, el('h3', {}, s.title));
      if (s.intro) sec.append(el('p', { class: 'meta' }, s.intro));
      for (const c of s.charts) {
        const div = el('div', { class: 'chart', id: 'chart-' + c.id, role: 'img', 'aria-label': c.title });
        const fig = el('figure', { class: whatif && s.whatif ? 'whatif' : '' }, div, el('figcaption', {}, c.caption));
        sec.append(fig);
        pending.push(
          vegaEmbed(div, c.spec, { mode: 'vega-lite', renderer: 'svg', actions: false })
            .then((r) => {
              state.views.push(r.view);
              div.dataset.rendered = 'true';
            })
            .catch((err) => {
              div.dataset.rendered = 'error';
              div.textContent = `chart ${c.id} failed: ${err.message}`;
            }),
        );
      }
      $('charts').append(sec);
    }
    await Promise.all(pending);
    document.body.dataset.rendered = 'true';
  }

  // --- forecast table --------------------------------------------------------------------
  // rows: {key, group, model, label, a[, b, diff]}, one header row per group (issue, alliance,
  // game). With two value columns the table shows both and the difference, rows that moved
  // highlighted.
  function renderForecasts(table, rows, heads) {
    table.replaceChildren();
    const two = heads.length === 2;
    const columns = 2 + heads.length;
    table.append(
      el('thead', {}, el('tr', {}, el('th', {}, 'Output'), ...heads.map((h) => el('th', { class: 'num' }, h)),
        two ? el('th', { class: 'num', title: 'Difference: ' + heads[1] + ' minus ' + heads[0] }, 'Δ') : null)),
    );
    const body = el('tbody');
    let lastGroup = null;
    for (const r of rows) {
      if (r.group !== lastGroup) {
        body.append(el('tr', { class: 'group' }, el('th', { colspan: String(columns - (two ? 0 : 1)) }, r.group)));
        lastGroup = r.group;
      }
      const changed = two && r.diff !== null && r.diff !== undefined && Math.abs(r.diff) > 1e-9;
      // An issue's forecast is named by its model; a scenario model's numbers by what they are.
      const name = r.label === 'forecast' ? r.model : r.label;
      body.append(
        el('tr', { class: changed ? 'changed' : '', 'data-key': r.key },
          el('td', { title: `${r.model}: ${r.label}` }, name),
          el('td', { class: 'num' }, fmt(r.a)),
          two ? el('td', { class: 'num' }, fmt(r.b)) : null,
          two ? el('td', { class: 'num diff ' + (changed ? (r.diff > 0 ? 'up' : 'down') : '') }, fmtDiff(r.diff)) : null,
        ),
      );
    }
    table.append(body);
  }

  function forecastRows(forecasts) {
    return forecasts.map((f) => ({ key: f.key, group: f.group, model: f.model, label: f.label, a: f.value }));
  }

  // --- run -------------------------------------------------------------------------------
  function selectedModels() {
    const boxes = [...document.querySelectorAll('#models input[type=checkbox]')];
    const on = boxes.filter((b) => b.checked).map((b) => b.value);
    // All ticked means "every model that applies": a model that does not apply to this
    // scenario (no alliances, no games) is then skipped instead of refused.
    return on.length === boxes.length ? [] : on;
  }

  function runRequest() {
    const req = { text: editor.getValue(), name: state.name, models: selectedModels(), seed: Number($('seed').value || 1) };
    const options = $('options').value.split(/[\s,]+/).filter(Boolean);
    if (options.length) req.options = options;
    if ($('at').value) req.at = $('at').value;
    return req;
  }

  async function showRun(runId, forecasts, request, title) {
    delete document.body.dataset.shown;
    state.run = { id: runId, request, forecasts, title };
    $('results').hidden = false;
    $('results-title').textContent = title;
    renderForecasts($('forecasts'), forecastRows(forecasts), ['Forecast']);
    status(`loading the charts of run ${runId}…`);
    const report = await api('GET', `/api/runs/${runId}/report`);
    state.run.sections = report.sections;
    $('results-meta').textContent = `Run ${runId}, evaluated at ${report.at}.`;
    await renderSections(report.sections, false);
    await setupWhatif(request);
    document.body.dataset.shown = String(runId);
  }

  async function run(event) {
    if (event) event.preventDefault();
    const request = runRequest();
    $('run').disabled = true;
    status('running the models…');
    const started = performance.now();
    try {
      const reply = await api('POST', '/api/run', request);
      const doc = reply.document;
      await showRun(reply.run_id, reply.forecasts, request, doc.scenario.title || doc.scenario.id);
      const ms = Math.round(performance.now() - started);
      status(`run ${reply.run_id} stored; models ${Math.round(reply.elapsed_ms)} ms, with charts ${ms} ms`, 'ok');
      document.body.dataset.runId = reply.run_id;
      loadRuns();
    } catch (err) {
      if (err.data && err.data.diagnostics) showDiagnostics(err.data.diagnostics);
      status(err.message, 'error');
    } finally {
      $('run').disabled = false;
    }
  }

  // --- what-if ---------------------------------------------------------------------------
  async function setupWhatif(request) {
    // The inputs as they stand on the run's date.
    const q = new URLSearchParams({ name: request.name });
    if (request.at) q.set('at', request.at);
    let v;
    try {
      v = await api('POST', '/api/validate?' + q.toString(), request.text, 'text/yaml');
    } catch (err) {
      status(err.message, 'error');
      return;
    }
    const select = $('whatif-input');
    select.replaceChildren();
    state.whatif.inputs = new Map();
    const groups = new Map();
    for (const input of v.inputs || []) {
      state.whatif.inputs.set(input.path, input);
      if (!groups.has(input.group)) {
        const g = el('optgroup', { label: input.group });
        groups.set(input.group, g);
        select.append(g);
      }
      groups.get(input.group).append(el('option', { value: input.path }, input.label));
    }
    $('whatif').hidden = state.whatif.inputs.size === 0;
    state.whatif.active = false;
    if (state.whatif.inputs.size) {
      // Start on a force's latitude when the scenario has forces: it moves the map too.
      const force = [...state.whatif.inputs.keys()].find((p) => p.startsWith('forces.'));
      select.value = force || select.options[0].value;
      pickInput();
    }
  }

  function pickInput() {
    const input = state.whatif.inputs.get($('whatif-input').value);
    const slider = $('whatif-slider');
    slider.min = input.min;
    slider.max = input.max;
    slider.step = input.step;
    slider.value = input.value;
    $('whatif-value').textContent = `${fmt(input.value)} (run: ${fmt(input.value)})`;
    if (state.whatif.active) resetWhatif();
  }

  // One what-if request at a time; moves made meanwhile collapse into the newest.
  function sendWhatif(path, value) {
    if (state.whatif.inflight) {
      state.whatif.pending = { path, value };
      return;
    }
    state.whatif.inflight = true;
    document.body.dataset.whatif = 'running';
    const body = Object.assign({}, state.run.request, { input: { path, value } });
    api('POST', '/api/whatif', body)
      .then(async (reply) => {
        state.whatif.active = true;
        const input = state.whatif.inputs.get(path);
        renderForecasts($('forecasts'), reply.rows, ['Run', 'What-if']);
        const changed = reply.rows.filter((r) => r.diff !== null && Math.abs(r.diff) > 1e-9).length;
        status(`what-if: ${input ? `${input.group}: ${input.label}` : path} = ${fmt(value)} — ${changed} of ${reply.rows.length} forecasts move (${Math.round(reply.elapsed_ms)} ms)`, 'whatif');
        // The what-if's own sections replace the run's; the run's timeline stays.
        const own = new Set((reply.sections || []).map((s) => s.id));
        const merged = state.run.sections.map((s) => (own.has(s.id) ? Object.assign({ whatif: true }, reply.sections.find((w) => w.id === s.id)) : s));
        if (!state.whatif.pending) await renderSections(merged, true);
      })
      .catch((err) => status(err.message, 'error'))
      .finally(() => {
        state.whatif.inflight = false;
        const next = state.whatif.pending;
        state.whatif.pending = null;
        if (next) sendWhatif(next.path, next.value);
        else document.body.dataset.whatif = 'done';
      });
  }

  let whatifTimer = null;
  function moveSlider() {
    const path = $('whatif-input').value;
    const input = state.whatif.inputs.get(path);
    const value = Number($('whatif-slider').value);
    $('whatif-value').textContent = `${fmt(value)} (run: ${fmt(input.value)})`;
    clearTimeout(whatifTimer);
    whatifTimer = setTimeout(() => sendWhatif(path, value), 120);
  }

  function resetWhatif() {
    state.whatif.active = false;
    const input = state.whatif.inputs.get($('whatif-input').value);
    if (input) {
      $('whatif-slider').value = input.value;
      $('whatif-value').textContent = `${fmt(input.value)} (run: ${fmt(input.value)})`;
    }
    renderForecasts($('forecasts'), forecastRows(state.run.forecasts), ['Forecast']);
    renderSections(state.run.sections, false);
    status(`back to run ${state.run.id}`);
  }

  // --- stored runs -----------------------------------------------------------------------
  async function loadRuns() {
    let data;
    try {
      data = await api('GET', '/api/runs?limit=200');
    } catch (err) {
      status(err.message, 'error');
      return;
    }
    const table = $('runs');
    table.replaceChildren(
      el('thead', {}, el('tr', {}, ...['', 'Run', 'Status', 'Created (UTC)', 'Scenario', 'At', 'Models', 'Options', 'Seed', ''].map((h) => el('th', {}, h)))),
    );
    const body = el('tbody');
    for (const r of data.runs) {
      const comparable = r.status === 'done' && r.kind === 'run';
      body.append(
        el('tr', { 'data-run': r.id },
          el('td', {}, el('input', { type: 'checkbox', class: 'pick', value: r.id, disabled: !comparable, 'aria-label': `select run ${r.id}`, onchange: pickChanged })),
          el('td', { class: 'num' }, r.id),
          el('td', { class: 'status-' + r.status, title: r.error || '' }, r.kind === 'run' ? r.status : `${r.status} (${r.kind})`),
          el('td', {}, r.created_at),
          el('td', {}, r.scenario_id),
          el('td', {}, r.at),
          el('td', {}, (r.models || []).join(', ')),
          el('td', {}, r.options.join(' ')),
          el('td', { class: 'num' }, r.seed),
          el('td', {}, r.status === 'done' ? el('button', { type: 'button', class: 'open', onclick: () => openRun(r.id) }, 'Open') : r.error),
        ),
      );
    }
    table.append(body);
    if (data.runs.length === 0) body.append(el('tr', {}, el('td', { colspan: '10', class: 'meta' }, 'No runs stored yet.')));
    pickChanged();
  }

  function picked() {
    // Older run first: the difference reads as what changed since.
    return [...document.querySelectorAll('#runs input.pick:checked')].map((b) => Number(b.value)).sort((x, y) => x - y);
  }
  function pickChanged() {
    $('compare').disabled = picked().length !== 2;
  }

  async function openRun(id) {
    try {
      const r = await api('GET', `/api/runs/${id}`);
      const name = r.scenario_source.startsWith('<embedded:') ? 'korea-2003.yaml' : r.scenario_source;
      setScenario(r.scenario_text, name);
      $('at').value = r.at || '';
      $('seed').value = r.seed;
      showTab('scenario');
      const request = { text: r.scenario_text, name, models: r.models, seed: r.seed, at: r.at };
      if (r.options.length) request.options = r.options;
      $('options').value = r.options.join(' ');
      await showRun(r.id, r.forecasts, request, r.result.scenario.title || r.scenario_id);
      status(`opened run ${r.id}`, 'ok');
    } catch (err) {
      status(err.message, 'error');
    }
  }

  async function compare() {
    const [a, b] = picked();
    try {
      const c = await api('GET', `/api/compare?a=${a}&b=${b}`);
      $('comparison').hidden = false;
      const describe = (r) => `run ${r.id} (${r.scenario_id} at ${r.at}, seed ${r.seed}${r.options.length ? ', ' + r.options.join(' ') : ''})`;
      $('comparison-title').textContent = `${describe(c.a)} vs ${describe(c.b)}`;
      renderForecasts($('comparison-table'), c.rows, [`Run ${c.a.id}`, `Run ${c.b.id}`]);
      const changed = c.rows.filter((r) => r.diff !== null && Math.abs(r.diff) > 1e-9).length;
      status(`${changed} of ${c.rows.length} forecasts differ`, 'ok');
    } catch (err) {
      status(err.message, 'error');
    }
  }

  // --- tabs and start-up --------------------------------------------------------------------
  function showTab(name) {
    for (const b of document.querySelectorAll('button.tab')) {
      const on = b.dataset.tab === name;
      b.classList.toggle('active', on);
      b.setAttribute('aria-pressed', String(on));
    }
    $('view-scenario').hidden = name !== 'scenario';
    $('view-runs').hidden = name !== 'runs';
    if (name === 'runs') loadRuns();
    else editor.refresh();
  }

  async function loadBuiltin(id) {
    const s = await api('GET', `/api/scenarios/${encodeURIComponent(id)}`);
    setScenario(s.text, s.name);
  }

  async function start() {
    for (const b of document.querySelectorAll('button.tab')) b.addEventListener('click', () => showTab(b.dataset.tab));
    $('run-form').addEventListener('submit', run);
    $('whatif-input').addEventListener('change', pickInput);
    $('whatif-slider').addEventListener('input', moveSlider);
    $('whatif-reset').addEventListener('click', resetWhatif);
    $('refresh-runs').addEventListener('click', loadRuns);
    $('compare').addEventListener('click', compare);
    $('at').addEventListener('change', () => editor.performLint());
    $('builtin').addEventListener('change', () => loadBuiltin($('builtin').value).catch((e) => status(e.message, 'error')));
    $('upload').addEventListener('change', async () => {
      const f = $('upload').files[0];
      if (!f) return;
      setScenario(await f.text(), f.name);
      status(`opened ${f.name}`);
    });
    try {
      const [models, scenarios] = await Promise.all([api('GET', '/api/models'), api('GET', '/api/scenarios')]);
      state.models = models.models;
      for (const m of state.models) {
        $('models').append(
          el('label', { title: m.description }, el('input', { type: 'checkbox', value: m.name, checked: true }), ` ${m.name}`),
        );
      }
      for (const s of scenarios.scenarios) $('builtin').append(el('option', { value: s.id }, `${s.id}: ${s.title}`));
      if (scenarios.scenarios.length) await loadBuiltin(scenarios.scenarios[0].id);
      document.body.dataset.ready = 'true';
    } catch (err) {
      status(err.message, 'error');
    }
  }

  start();
})();
