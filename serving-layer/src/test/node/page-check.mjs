// Drives the serving layer's page in headless Chromium (Debian's, through playwright-core) the way
// a person uses it, and checks what the page shows against the API's own answer.
//
//   node page-check.mjs <base-url> <page-query> <api-path> <screenshot.png> [wait-for-change]
//
// With wait-for-change, after the first check it prints the line READY and waits for a line on
// stdin (the caller changes the data meanwhile), then waits, without reloading, for the page to
// read again on its own (its refresh setting) and checks it against the API's new answer.
// Prints a JSON report; exit 1 when the page disagrees with the API, 2 on bad usage.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const [base, pageQuery, apiPath, screenshot, mode] = process.argv.slice(2);
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
  const check = async (label) => {
    const found = [];
    const problems = { push: (p) => found.push(label + p) };
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
    return { bars, api, found };
  };
  const first = await check('');
  first.found.forEach((p) => problems.push(p));
  const { bars, api } = first;
  let latest = api;
  let change = null;
  if (mode === 'wait-for-change') {
    console.log('READY');
    const lines = createInterface({ input: process.stdin });
    await new Promise((resolve) => lines.once('line', resolve));
    lines.close();
    // a reload would drop this; a read of the page's own does not
    await page.evaluate(() => { window.pageCheckMarker = 'kept'; });
    const before = Number(await page.evaluate(() => document.body.dataset.updates));
    // the page's own reads, one after another, until its answer is the API's new one (the
    // service caches real-time values for up to platform.serving.speed-cache-ttl)
    let again = null;
    const deadline = Date.now() + 30000;
    for (let n = before + 1; Date.now() < deadline; n++) {
      await page.waitForFunction((k) => Number(document.body.dataset.updates) >= k, n,
        { timeout: 30000 });
      again = await check('after the change: ');
      if (again.found.length === 0 && again.api.total !== api.total) break;
    }
    again.found.forEach((p) => problems.push(p));
    change = { totalBefore: api.total, totalAfter: again.api.total,
      shownAfter: await page.textContent('#total'),
      updates: Number(await page.evaluate(() => document.body.dataset.updates)) - before,
      reloaded: await page.evaluate(() => window.pageCheckMarker !== 'kept') };
    if (change.totalAfter === change.totalBefore) {
      problems.push(`the API's total did not change (${change.totalAfter}): nothing to see`);
    }
    if (!change.shownAfter.startsWith(String(again.api.total))) {
      problems.push(`after the change the page shows '${change.shownAfter}', the API ${again.api.total}`);
    }
    if (change.reloaded) problems.push('the page was reloaded');
    latest = again.api;
  }
  const shown = {
    watermark: await page.textContent('#watermark'),
    total: await page.textContent('#total'),
    speedState: await page.textContent('#speed-state'),
    batchAge: await page.textContent('#batch-age'),
    failedCells: await page.$$eval('#runs td.failed', (cs) => cs.map((c) => c.dataset.day + ' ' + c.dataset.job)),
    runsSummary: await page.textContent('#runs-summary'),
  };
  if (shown.watermark !== (latest.batch_watermark ?? 'none (no day closed yet)')) {
    problems.push(`watermark shown '${shown.watermark}', API '${latest.batch_watermark}'`);
  }
  if (!shown.total.startsWith(String(latest.total))) {
    problems.push(`total shown '${shown.total}', API ${latest.total}`);
  }
  if (external.length) problems.push('requests left the service: ' + external.join(', '));
  if (consoleErrors.length) problems.push('console errors: ' + consoleErrors.join(' | '));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ bars: bars.length, shown, change, problems }, null, 1));
} finally {
  await browser.close();
}
process.exit(problems.length ? 1 : 0);
