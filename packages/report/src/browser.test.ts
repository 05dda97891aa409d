/**
 * index.html in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * The page must load from file:// with no network request and no console error, and
 * every chart must draw marks: the self-contained page (libraries inlined), and a published
 * layout (reports/SUITE/index.html loading one shared copy from reports/vendor/, no PNGs).
 * A screenshot is kept for people to look at.
 * Without Chromium the test fails in CI (CI=true) and is skipped elsewhere, saying why.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PublishedSchema } from '@clbench/core';
import { afterAll, describe, expect, it } from 'vitest';
import { oldRun, runA, runB, sweepRun } from './clnp.fixtures.js';
import { failedRun, okRun, runSet } from './runs.fixtures.js';
import { writeReport } from './write-report.js';
import { bundles } from './vendor.js';

// The page.evaluate callbacks below run in Chromium. Tests are type-checked with Node's lib, not the
// DOM's (which would declare `document` and `window` in every test file): the DOM they touch is typed here.
interface DomElement {
  id: string;
  tagName: string;
  textContent: string | null;
  nextElementSibling: DomElement | null;
  children: ArrayLike<DomElement>;
  querySelectorAll(selectors: string): ArrayLike<DomElement> & Iterable<DomElement>;
}
declare const document: Pick<DomElement, 'querySelectorAll'>;
declare const window: unknown;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = !!process.env.CI && process.env.CI !== 'false';
const MISSING = `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`;
/** the report and its screenshot are kept here after the test, for people to look at */
const KEEP_DIR = join(tmpdir(), 'clbench-report-browser');

if (!HAVE_CHROMIUM && !IN_CI) console.warn(`browser test skipped: ${MISSING} (outside CI only; in CI it fails)`);

/** A page of `browser` that records console errors/warnings, page errors and every non-file request (aborted). */
async function watchedPage(browser: Browser) {
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
  return { page, problems, network };
}

/** Per chart div: its id, vega's svg drawings and the items of its own marks. */
async function drawnCharts(page: Page) {
  return page.evaluate(() => [...document.querySelectorAll('div.chart')].map((el) => ({
    id: el.id,
    svg: el.querySelectorAll('svg.marks').length, // vega's drawing (vega-embed adds an svg icon for its menu)
    // items of the chart's own marks (vega gives them the role-mark class; axes and legends have other roles)
    marks: el.querySelectorAll('svg.marks g.role-mark > path, svg.marks g.role-mark > text, svg.marks g.role-mark > line, svg.marks g.role-mark > rect, svg.marks g.role-mark > g').length,
  })));
}

const launch = () => chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

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

    browser ??= await launch();
    const { page, problems, network } = await watchedPage(browser);

    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 60_000 });

    const charts = await drawnCharts(page);
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

  it.skipIf(!HAVE_CHROMIUM && !IN_CI)('CLNP\'s capacity, reuse and sparsity-sweep charts (vconcat / hconcat of facets) draw with no console error', async () => {
    if (!HAVE_CHROMIUM) throw new Error(MISSING);
    const clnpDir = join(KEEP_DIR, 'report-clnp');
    rmSync(clnpDir, { recursive: true, force: true });
    const sweep = [1e-4, 1e-3, 1e-2].map((alpha, i) => sweepRun({ label: 'clnp act', sparsity: 'activations', epochs: 2, alpha, kept: [8 - 3 * i, 7 - 3 * i], unpruned: 0.9, final: 0.89, test: 0.88 }));
    const report = await writeReport([runA(), runB(), oldRun(), ...sweep], clnpDir, { resultsDirs: ['constructed'], png: false });
    expect(report.warnings).toEqual([]);
    expect(report.charts.map((c) => c.name).filter((n) => /clnp-(capacity|reuse|sparsity-sweep)$/.test(n))).toEqual(['cap-clnp-capacity', 'cap-clnp-reuse', 'sweep-clnp-sparsity-sweep']);
    browser ??= await launch();
    const { page, problems, network } = await watchedPage(browser);
    await page.goto(pathToFileURL(join(clnpDir, 'index.html')).href);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 60_000 });
    const charts = await drawnCharts(page);
    await page.screenshot({ path: join(KEEP_DIR, 'screenshot-clnp.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(network).toEqual([]);
    expect(charts.map((c) => c.id)).toEqual(report.charts.map((c) => `chart-${c.name}`));
    for (const c of charts) {
      expect(c.svg, c.id).toBe(1);
      expect(c.marks, `${c.id} has no mark items`).toBeGreaterThan(0);
    }
    await page.close();
  });

  it.skipIf(!HAVE_CHROMIUM && !IN_CI)('a published layout: two reports share one vendor copy by relative path, load offline, draw every chart', async () => {
    if (!HAVE_CHROMIUM) throw new Error(MISSING);
    // the layout of the repository: reports/vendor/ beside reports/a/ and reports/b/
    const tree = join(KEEP_DIR, 'published');
    rmSync(tree, { recursive: true, force: true });
    const vendor = join(tree, 'reports', 'vendor');
    const reports = [];
    for (const [name, methods] of [['a', ['clnp', 'naive', 'joint']], ['b', ['naive', 'ewc']]] as const) {
      const r = await writeReport(runSet({ methods: [...methods], seeds: 2, T: 4 }), join(tree, 'reports', name), { resultsDirs: [`results/${name}`], vendor, png: false });
      expect(r.warnings).toEqual([]);
      reports.push(r);
    }
    const names = bundles().map((b) => b.vendorName);
    expect(names.map((n) => n.replace(/\d+\.\d+\.\d+/, 'V'))).toEqual(['vega-V.min.js', 'vega-lite-V.min.js', 'vega-embed-V.min.js']);
    expect(readdirSync(vendor).sort()).toEqual([...names].sort()); // one copy for both reports
    for (const name of ['a', 'b']) {
      const dir = join(tree, 'reports', name);
      const html = readFileSync(join(dir, 'index.html'), 'utf8');
      expect([...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1])).toEqual(names.map((n) => `../vendor/${n}`));
      expect(html.length).toBeLessThan(200_000); // no library inlined
      expect(readdirSync(dir).filter((f) => f.endsWith('.png'))).toEqual([]);
      expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('](toy-acc.svg)');
    }

    browser ??= await launch();
    for (const [i, name] of ['a', 'b'].entries()) {
      const { page, problems, network } = await watchedPage(browser);
      await page.goto(pathToFileURL(join(tree, 'reports', name, 'index.html')).href);
      await page.waitForSelector('body[data-rendered="true"]', { timeout: 60_000 });
      const charts = await drawnCharts(page);
      if (name === 'a') await page.screenshot({ path: join(KEEP_DIR, 'screenshot-vendor.png'), fullPage: true });
      expect(problems).toEqual([]);
      expect(network).toEqual([]);
      expect(charts.map((c) => c.id)).toEqual(reports[i].charts.map((c) => `chart-${c.name}`));
      for (const c of charts) {
        expect(c.svg, c.id).toBe(1);
        expect(c.marks, `${c.id} has no mark items`).toBeGreaterThan(0);
      }
      await page.close();
    }

    // moved away from its vendor folder, the page says so instead of failing silently
    renameSync(vendor, join(tree, 'vendor-moved'));
    const { page } = await watchedPage(browser);
    await page.goto(pathToFileURL(join(tree, 'reports', 'a', 'index.html')).href);
    await page.waitForSelector('body[data-rendered="false"]', { timeout: 60_000 });
    expect(await page.textContent('#clbench-no-charts')).toContain('../vendor/vega-');
    await page.close();
  });
});
