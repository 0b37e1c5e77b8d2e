// Browser test of the web app: starts `entente serve --port 0` on a fresh store, drives the
// page in Debian's Chromium (headless, through playwright-core) and fails on any console
// error or warning, page error, failed request or request to a host other than the server.
//
// Steps: load the page with the built-in scenario; run it and wait for the forecasts and the
// map; run again with another option; move the what-if slider and wait for forecasts to
// change; compare the two stored runs; type an error into the editor and wait for the
// inline diagnostic. Screenshots of each step go to OUTDIR.
//
// Usage: node tests/app.test.mjs ENTENTE_BINARY OUTDIR [CHROMIUM]
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [binary, outdir, executable = '/usr/bin/chromium'] = process.argv.slice(2);
if (!binary || !outdir) {
  console.error('usage: node tests/app.test.mjs ENTENTE_BINARY OUTDIR [CHROMIUM]');
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });
const shot = (name) => join(resolve(outdir), `app-${name}.png`);

const problems = [];
const timings = {};
const dbDir = mkdtempSync(join(tmpdir(), 'entente-app-'));

// The server, on whatever port is free; its first line names the URL.
const server = spawn(binary, ['serve', '--port', '0', '--db', join(dbDir, 'app.db')], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverErr = '';
server.stderr.on('data', (d) => { serverErr += d; });
const base = await new Promise((resolveUrl, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`entente serve printed no URL in 30 s: ${out}${serverErr}`)), 30000);
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
    if (m) { clearTimeout(timer); resolveUrl(m[1]); }
  });
  server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`entente serve exited with ${code}: ${serverErr}`)); });
});
const origin = new URL(base).origin;

const browser = await chromium.launch({
  executablePath: executable,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin + '/') && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.push(`request to another host: ${url}`);
    }
  });
  const step = async (name, fn) => {
    const t0 = Date.now();
    try {
      await fn();
    } catch (err) {
      problems.push(`${name}: ${err.message.split('\n')[0]}`);
      await page.screenshot({ path: shot(`failed-${name}`), fullPage: true }).catch(() => {});
      throw err;
    } finally {
      timings[name] = Date.now() - t0;
    }
  };
  const forecastCells = () => page.$$eval('#forecasts tbody tr:not(.group)', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));

  await step('load', async () => {
    await page.goto(base, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30000 });
    await page.waitForSelector('body[data-valid="true"]', { state: 'attached', timeout: 30000 });
    const lines = await page.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.lineCount());
    if (lines < 100) throw new Error(`the editor holds ${lines} lines; expected the built-in scenario`);
  });

  await step('run', async () => {
    await page.click('#run');
    await page.waitForSelector('body[data-run-id="1"][data-rendered="true"]', { state: 'attached', timeout: 120000 });
    const rows = await forecastCells();
    if (rows.length === 0) throw new Error('no forecasts after the run');
    const numbers = rows.filter((r) => /^-?\d/.test(r[1])).length;
    if (numbers < rows.length / 2) throw new Error(`only ${numbers} of ${rows.length} forecasts are numbers`);
    const map = await page.$('#chart-map[data-rendered="true"] svg.marks');
    if (!map) throw new Error('the map did not render');
    const charts = await page.$$eval('#charts div.chart', (els) => els.map((e) => [e.id, e.dataset.rendered]));
    for (const [id, st] of charts) if (st !== 'true') throw new Error(`chart ${id} did not render (${st})`);
    await page.screenshot({ path: shot('run'), fullPage: true });
  });

  await step('second-run', async () => {
    await page.fill('#options', 'bdm.q=0.5');
    await page.click('#run');
    await page.waitForSelector('body[data-run-id="2"][data-rendered="true"]', { state: 'attached', timeout: 120000 });
    await page.fill('#options', '');
  });

  await step('whatif', async () => {
    await page.waitForSelector('#whatif:not([hidden]) #whatif-input option', { state: 'attached', timeout: 30000 });
    // A position far across its scale: the bargaining models must move.
    const path = await page.$eval('#whatif-input', (s) => [...s.options].map((o) => o.value).find((v) => /\.positions\.USA\.position$/.test(v)));
    if (!path) throw new Error('no USA position among the what-if inputs');
    await page.selectOption('#whatif-input', path);
    const before = await forecastCells();
    await page.$eval('#whatif-slider', (s) => {
      s.value = s.value > (Number(s.min) + Number(s.max)) / 2 ? s.min : s.max;
      s.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForSelector('body[data-whatif="done"]', { state: 'attached', timeout: 120000 });
    await page.waitForSelector('#forecasts tr.changed', { timeout: 30000 });
    const after = await forecastCells();
    const moved = after.filter((r) => r.length === 4 && r[3] !== '0' && r[3] !== '').length;
    if (moved === 0) throw new Error('no forecast moved with the slider');
    if (before[0].length !== 2 || after[0].length !== 4) throw new Error('the table did not gain the what-if columns');
    await page.waitForSelector('body[data-rendered="true"]', { state: 'attached', timeout: 60000 });
    await page.screenshot({ path: shot('whatif'), fullPage: true });
    // The first screen of the what-if, scrolled to the results: docs/app.png.
    await page.$eval('#results', (e) => e.scrollIntoView());
    await page.screenshot({ path: shot('whatif-screen') });
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  await step('latitude', async () => {
    const path = await page.$eval('#whatif-input', (s) => [...s.options].map((o) => o.value).find((v) => /^forces\..*\.lat$/.test(v)));
    if (!path) throw new Error('no force latitude among the what-if inputs');
    await page.selectOption('#whatif-input', path);
    await page.$eval('#whatif-slider', (s) => {
      s.value = s.min;
      s.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForSelector('body[data-whatif="done"]', { state: 'attached', timeout: 120000 });
    await page.waitForSelector('#chart-map[data-rendered="true"] svg.marks', { timeout: 60000 });
    await page.click('#whatif-reset');
  });

  await step('compare', async () => {
    await page.click('button.tab[data-tab="runs"]');
    await page.waitForSelector('#runs tr[data-run="2"]', { timeout: 30000 });
    await page.check('#runs tr[data-run="1"] input.pick');
    await page.check('#runs tr[data-run="2"] input.pick');
    await page.click('#compare');
    await page.waitForSelector('#comparison:not([hidden]) #comparison-table tbody tr', { timeout: 30000 });
    const differing = await page.$$eval('#comparison-table tr.changed', (trs) => trs.length);
    if (differing === 0) throw new Error('bdm.q=0.5 against the default changed no forecast');
    await page.screenshot({ path: shot('compare'), fullPage: true });
  });

  await step('open', async () => {
    await page.click('#runs tr[data-run="1"] button.open');
    await page.waitForSelector('#view-scenario:not([hidden])');
    await page.waitForSelector('body[data-shown="1"] #chart-map[data-rendered="true"] svg.marks', { state: 'attached', timeout: 60000 });
    const meta = await page.textContent('#results-meta');
    if (!meta.startsWith('Run 1,')) throw new Error(`the opened run shows "${meta}"`);
  });

  await step('diagnostic', async () => {
    // Type an unknown top-level field on the first line, as a user would.
    await page.click('.CodeMirror-code');
    await page.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.setCursor({ line: 0, ch: 0 }));
    await page.keyboard.type('titel: typo\n');
    await page.waitForSelector('.CodeMirror-lint-mark-error', { timeout: 30000 });
    await page.waitForSelector('.CodeMirror-lint-marker-error', { timeout: 30000 });
    const listed = await page.$$eval('#diagnostics li', (lis) => lis.map((li) => li.textContent));
    if (!listed.some((t) => /^korea-2003\.yaml:1:1: error: .*titel/.test(t))) {
      throw new Error(`the diagnostic list is ${JSON.stringify(listed)}`);
    }
    await page.screenshot({ path: shot('diagnostic') });
  });
} catch (err) {
  failed = true;
} finally {
  await browser.close();
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dbDir, { recursive: true, force: true });
}

console.log(`steps (ms): ${JSON.stringify(timings)}; server ${base}; screenshots in ${resolve(outdir)}`);
if (problems.length > 0 || failed) {
  for (const p of problems) console.error(p);
  if (serverErr) console.error(`server stderr:\n${serverErr}`);
  process.exit(1);
}
