/**
 * index.html in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * The page must load from file:// with no network request and no console error, and
 * every chart must draw marks. A screenshot is kept for people to look at.
 * Without Chromium the test fails in CI (CI=true) and is skipped elsewhere, saying why.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { PublishedSchema } from '@clbench/core';
import { afterAll, describe, expect, it } from 'vitest';
import { failedRun, okRun, runSet } from './runs.fixtures.js';
import { writeReport } from './write-report.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = !!process.env.CI && process.env.CI !== 'false';
const MISSING = `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`;
/** the report and its screenshot are kept here after the test, for people to look at */
const KEEP_DIR = join(tmpdir(), 'clbench-report-browser');

if (!HAVE_CHROMIUM && !IN_CI) console.warn(`browser test skipped: ${MISSING} (outside CI only; in CI it fails)`);

describe('index.html in headless Chromium', () => {
  const dir = join(KEEP_DIR, 'report');
  let browser: Browser | undefined;
  afterAll(async () => { await browser?.close(); });

  it.skipIf(!HAVE_CHROMIUM && !IN_CI)('loads offline with no console error and every chart draws its marks', async () => {
    if (!HAVE_CHROMIUM) throw new Error(MISSING);
    rmSync(dir, { recursive: true, force: true });
    const results = [
      ...runSet({ methods: ['clnp', 'naive', 'joint'], seeds: 2, T: 4 }),
      okRun({ method: 'ewc', R: [[0.9, 0.5, 0.5, 0.5], [0.8, 0.9, 0.5, 0.5], [0.7, 0.8, 0.9, 0.5], [0.6, 0.7, 0.8, 0.9]] }),
      failedRun({ method: 'naive', seed: 9, tasks: 4 }),
    ];
    // published numbers for the suite: the published-vs-measured chart is drawn too (joint has none: "ours only")
    const published = PublishedSchema.parse({
      citation: { authors: 'A. Author', year: 2020, title: 'A paper', table: 'Table 1', id: 'arXiv:0000.00000' },
      methods: { naive: { mean: 80, std: 2, runs: 10 }, clnp: { mean: 95, std: 0.5, runs: 5 }, ewc: { mean: 85 } },
    });
    const report = await writeReport(results, dir, { resultsDirs: ['constructed'], published: { toy: published } });
    expect(report.warnings).toEqual([]);
    expect(report.charts).toHaveLength(9);
    expect(report.charts.map((c) => c.name)).toContain('toy-published');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    const network: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      network.push(url);
      return route.abort();
    });

    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 60_000 });

    const charts = await page.evaluate(() => [...document.querySelectorAll('div.chart')].map((el) => ({
      id: el.id,
      svg: el.querySelectorAll('svg.marks').length, // vega's drawing (vega-embed adds an svg icon for its menu)
      // items of the chart's own marks (vega gives them the role-mark class; axes and legends have other roles)
      marks: el.querySelectorAll('svg.marks g.role-mark > path, svg.marks g.role-mark > text, svg.marks g.role-mark > line, svg.marks g.role-mark > rect, svg.marks g.role-mark > g').length,
    })));
    const viewed = await page.evaluate(() => Object.keys((window as unknown as { clbenchViews: Record<string, unknown> }).clbenchViews).sort());

    // the published-vs-measured table as the browser lays it out: published order, then ours only
    const publishedRows = await page.evaluate(() => {
      const h = [...document.querySelectorAll('h3')].find((e) => e.textContent === 'Published vs measured');
      let t = h?.nextElementSibling;
      while (t && t.tagName !== 'TABLE') t = t.nextElementSibling;
      return t ? [...t.querySelectorAll('tbody tr')].map((r) => [r.children[0].textContent, r.children[5].textContent]) : [];
    });
    expect(publishedRows.map(([label]) => label)).toEqual(['naive', 'clnp', 'ewc', 'joint']);
    expect(publishedRows[3][1]).toBe('ours only');

    const shot = join(KEEP_DIR, 'screenshot.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`browser test: report ${dir}, screenshot ${shot}`);

    expect(problems).toEqual([]);
    expect(network).toEqual([]);
    expect(viewed).toEqual(report.charts.map((c) => c.name).sort());
    expect(charts.map((c) => c.id)).toEqual(report.charts.map((c) => `chart-${c.name}`));
    for (const c of charts) {
      expect(c.svg, c.id).toBe(1);
      expect(c.marks, `${c.id} has no mark items`).toBeGreaterThan(0);
    }
    // every live view that colours by method gives each method the same colour (labels sorted: clnp, ewc, joint, naive)
    const colours = await page.evaluate(() => Object.entries((window as unknown as { clbenchViews: Record<string, { scale(n: string): ((v: string) => string) & { domain(): unknown[] } }> }).clbenchViews)
      .flatMap(([name, view]) => {
        const s = view.scale('color');
        return s && s.domain().includes('joint') ? [[name, ['clnp', 'ewc', 'joint', 'naive'].map((m) => s(m))] as const] : [];
      }));
    expect(colours.length).toBe(7); // acc, published vs measured, learning curve, bwt/forgetting, pruning loss, wall time, samples/s
    for (const [, c] of colours) expect(c).toEqual(['#4e79a7', '#f28e2b', '#e15759', '#76b7b2']);
    expect(statSync(shot).size).toBeGreaterThan(50_000);
  });
});
