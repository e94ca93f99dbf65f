// Drives the serving layer's page in headless Chromium (Debian's, through playwright-core) the way
// a person uses it, and checks what the page shows against the API's own answer.
//
//   node page-check.mjs <base-url> <page-query> <api-path> <screenshot.png>
//
// Prints a JSON report; exit 1 when the page disagrees with the API, 2 on bad usage.
import { chromium } from 'playwright-core';

const [base, pageQuery, apiPath, screenshot] = process.argv.slice(2);
if (!base || !pageQuery || !apiPath || !screenshot) {
  console.error('usage: node page-check.mjs <base-url> <page-query> <api-path> <screenshot.png>');
  process.exit(2);
}
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(base + '/' + pageQuery);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  if (await page.evaluate(() => document.body.dataset.ready) !== 'true') {
    problems.push('the page reports an error: ' + await page.textContent('#error'));
  }
  const bars = await page.$$eval('rect.bar', (rs) => rs.map((r) => ({
    start: r.dataset.start, count: r.dataset.count === '' ? null : Number(r.dataset.count),
    source: r.dataset.source, cls: r.getAttribute('class'), x: Number(r.getAttribute('x')),
    height: Number(r.getAttribute('height')) })));
  const api = await (await fetch(base + apiPath)).json();
  if (bars.length !== api.buckets.length) {
    problems.push(`the chart has ${bars.length} bars, the API ${api.buckets.length} buckets`);
  }
  api.buckets.forEach((b, i) => {
    const bar = bars[i];
    if (!bar) return;
    if (bar.start !== b.start || bar.count !== b.count || bar.source !== b.source) {
      problems.push(`bar ${i}: page ${JSON.stringify(bar)} vs API ${JSON.stringify(b)}`);
    }
    if (b.count != null && !bar.cls.includes(b.source)) {
      problems.push(`bar ${i} (${b.source}) is drawn as '${bar.cls}'`);
    }
  });
  // bar heights follow the counts: a larger count is never a lower bar
  for (let i = 0; i < bars.length; i++) {
    for (let j = 0; j < bars.length; j++) {
      if (bars[i].count != null && bars[j].count != null && bars[i].count > bars[j].count
          && bars[i].height < bars[j].height) {
        problems.push(`bar ${i} (${bars[i].count}) is lower than bar ${j} (${bars[j].count})`);
      }
    }
  }
  const firstSpeed = api.buckets.findIndex((b) => b.source === 'speed');
  const cut = await page.$('#cut');
  if (firstSpeed > 0) {
    if (!cut) problems.push('no cut is marked, though batch buckets are followed by speed buckets');
    else {
      const x = Number(await cut.getAttribute('x1'));
      const barX = bars[firstSpeed].x;
      if (!(x <= barX && barX - x < 20)) problems.push(`the cut is at x=${x}, the first speed bar at x=${barX}`);
    }
  }
  const shown = {
    watermark: await page.textContent('#watermark'),
    total: await page.textContent('#total'),
    speedState: await page.textContent('#speed-state'),
    batchAge: await page.textContent('#batch-age'),
    failedCells: await page.$$eval('#runs td.failed', (cs) => cs.map((c) => c.dataset.day + ' ' + c.dataset.job)),
    runsSummary: await page.textContent('#runs-summary'),
  };
  if (shown.watermark !== (api.batch_watermark ?? 'none (no day closed yet)')) {
    problems.push(`watermark shown '${shown.watermark}', API '${api.batch_watermark}'`);
  }
  if (!shown.total.startsWith(String(api.total))) problems.push(`total shown '${shown.total}', API ${api.total}`);
  if (external.length) problems.push('requests left the service: ' + external.join(', '));
  if (consoleErrors.length) problems.push('console errors: ' + consoleErrors.join(' | '));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ bars: bars.length, shown, problems }, null, 1));
} finally {
  await browser.close();
}
process.exit(problems.length ? 1 : 0);
