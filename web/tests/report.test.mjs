// Browser test of the HTML report: opens it in Debian's Chromium (headless, through
// playwright-core), waits until every chart has rendered to SVG, and fails on any console
// error, page error or failed request (the file must need no network).
//
// Usage: node tests/report.test.mjs REPORT.html SCREENSHOT.png [CHROMIUM]
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [report, screenshot, executable = '/usr/bin/chromium'] = process.argv.slice(2);
if (!report || !screenshot) {
  console.error('usage: node tests/report.test.mjs REPORT.html SCREENSHOT.png [CHROMIUM]');
  process.exit(2);
}

const problems = [];
const browser = await chromium.launch({
  executablePath: executable,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('request', (req) => {
    if (!req.url().startsWith('file:') && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) {
      problems.push(`network request: ${req.url()}`);
    }
  });

  await page.goto(pathToFileURL(resolve(report)).href, { waitUntil: 'load' });
  try {
    await page.waitForSelector('body[data-rendered="true"]', { state: 'attached', timeout: 60000 });
  } catch (err) {
    problems.push(`the charts did not finish rendering: ${err.message.split('\n')[0]}`);
  }

  const charts = await page.$$eval('div.chart', (els) =>
    els.map((el) => ({ id: el.id, state: el.getAttribute('data-rendered'), svg: !!el.querySelector('svg.marks') })));
  if (charts.length === 0) problems.push('no charts in the report');
  for (const c of charts) {
    if (c.state !== 'true' || !c.svg) problems.push(`chart ${c.id} did not render (${c.state})`);
  }
  // Every figure has a caption and every chart a title drawn in its SVG.
  const uncaptioned = await page.$$eval('figure', (fs) => fs.filter((f) => !f.querySelector('figcaption')?.textContent.trim()).length);
  if (uncaptioned > 0) problems.push(`${uncaptioned} figure(s) without a caption`);
  const untitled = await page.$$eval('div.chart svg.marks', (svgs) => svgs.filter((s) => !s.querySelector('.role-title')).length);
  if (untitled > 0) problems.push(`${untitled} chart(s) without a title`);

  // The crisis trees as drawn (issue 17): no two text marks overlap and none leaves the SVG.
  const treeProblems = await page.$$eval('div.chart[id^="chart-crisis-tree-"]', (els) => {
    const out = [];
    for (const el of els) {
      const svg = el.querySelector('svg.marks');
      if (!svg) continue;
      const frame = svg.getBoundingClientRect();
      const texts = [...svg.querySelectorAll('g.mark-text text')]
        .filter((t) => t.textContent.trim() !== '')
        .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
      for (const t of texts) {
        if (t.r.left < frame.left - 0.5 || t.r.right > frame.right + 0.5 || t.r.top < frame.top - 0.5 || t.r.bottom > frame.bottom + 0.5) {
          out.push(`${el.id}: label "${t.text}" outside the chart`);
        }
      }
      for (let i = 0; i < texts.length; i++) {
        for (let k = i + 1; k < texts.length; k++) {
          const a = texts[i].r, b = texts[k].r;
          if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
            out.push(`${el.id}: labels "${texts[i].text}" and "${texts[k].text}" overlap`);
          }
        }
      }
      if (texts.length === 0) out.push(`${el.id}: no labels`);
    }
    return out;
  });
  problems.push(...treeProblems);

  mkdirSync(dirname(resolve(screenshot)), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`${charts.length} charts rendered; screenshot ${screenshot}`);
} finally {
  await browser.close();
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
