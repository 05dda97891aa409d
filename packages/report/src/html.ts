/**
 * index.html: one page. By default vega, vega-lite and vega-embed are inlined from their built
 * bundles in node_modules, so the page is a single self-contained file; with `vendorScripts`
 * (clbench report --vendor DIR) it loads them by relative path from one shared copy instead
 * (published reports: one copy for all of them). Either way every spec carries its data and
 * the page opens from file:// with no network. Charts render as SVG in the page; when all are
 * drawn the page sets <body data-rendered="true"> (the browser test waits for it).
 */
import type { Published } from '@clbench/core';
import type { SuiteAggregate } from './aggregate.js';
import type { Chart } from './charts/common.js';
import { environmentLines } from './environment.js';
import { METRICS_NOTE, PAIRING_NOTE, rowNotes, type ReportContent } from './markdown.js';
import { packageFile } from './packages.js';
import { protocolLines } from './protocol.js';
import { citationLine, comparePublished, metricLine, publishedNotes, publishedTable, VERDICT_NOTE } from './published.js';
import { clnpSections } from './clnp-tables.js';
import { detailTable, escapeHtml, failedTable, htmlTable, methodTable, pairedTable, tuningTable } from './tables.js';
import { BUNDLES } from './vendor.js';

export { BUNDLES };

// A script's text may not contain "</script"; JSON additionally gets every "<" escaped.
const inlineScript = (js: string) => `<script>${js.replace(/<\/script/gi, '<\\/script')}</script>`;
const inlineJson = (id: string, v: unknown) => `<script type="application/json" id="${id}">${JSON.stringify(v).replace(/</g, '\\u003c')}</script>`;

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1rem 0 2rem;display:table}figcaption{display:table-caption;caption-side:bottom;color:#555;font-size:.9rem}
.charts{display:flex;flex-wrap:wrap;gap:0 2.5rem;align-items:flex-start}.files a{margin-right:.75rem}.note{color:#444;font-size:.9rem}.rows-note{border-left:4px solid #e0a000;background:#fff8e6;padding:.3rem .6rem}dl.env{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;font-size:.85rem}dl.env dt{font-weight:600}dl.env dd{margin:0}`;

const EMBED = `(async () => {
  if (typeof vegaEmbed !== 'function') {
    // the shared chart libraries (clbench report --vendor) were not found next to the report
    const p = document.createElement('p');
    p.className = 'rows-note';
    p.id = 'clbench-no-charts';
    p.textContent = 'Charts cannot be drawn: the chart libraries this page loads (' + [...document.querySelectorAll('script[src]')].map((s) => s.getAttribute('src')).join(', ') + ') were not found. Open the report inside the folder it was published in, or use the SVG files.';
    document.body.prepend(p);
    document.body.dataset.rendered = 'false';
    return;
  }
  const specs = JSON.parse(document.getElementById('clbench-specs').textContent);
  const views = {};
  const results = await Promise.allSettled(Object.entries(specs).map(async ([name, spec]) => {
    const el = document.getElementById('chart-' + name);
    const res = await vegaEmbed(el, spec, { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } });
    views[name] = res.view;
  }));
  for (const r of results) if (r.status === 'rejected') console.error('clbench: a chart failed to render:', r.reason);
  window.clbenchViews = views;
  document.body.dataset.charts = String(Object.keys(views).length);
  document.body.dataset.rendered = 'true';
})();`;

/** `text` in backticks (Markdown code) as <code>. */
const withCode = (html: string) => html.replace(/`([^`]+)`/g, '<code>$1</code>');

function figure(c: Chart, png: boolean): string {
  return `<figure id="figure-${escapeHtml(c.name)}"><div class="chart" id="chart-${escapeHtml(c.name)}"></div>
<figcaption><b>${escapeHtml(c.title)}</b>: ${escapeHtml(c.description)}. <span class="files">Files: <a href="${c.name}.svg">SVG</a>${png ? `<a href="${c.name}.png">PNG</a>` : ''}<a href="${c.name}.vl.json">Vega-Lite</a></span></figcaption></figure>`;
}

/** The chart libraries: inlined, or <script src> of the shared copies (paths relative to the page). */
function libraryScripts(vendorScripts: string[] | undefined): string {
  if (vendorScripts) return vendorScripts.map((src) => `<script src="${escapeHtml(src)}"></script>`).join('\n');
  return BUNDLES.map(([pkg, file]) => inlineScript(packageFile(pkg, file))).join('\n');
}

function publishedSection(s: SuiteAggregate, p: Published): string {
  const notes = publishedNotes(p);
  return `<h3>Published vs measured</h3><p>Source: ${escapeHtml(citationLine(p))}. ${escapeHtml(metricLine(p))}${p.conversions ? ` Protocol: ${escapeHtml(p.conversions)}` : ''}</p>
<p class="note">${escapeHtml(VERDICT_NOTE)}</p>${htmlTable(publishedTable(comparePublished(s, p)))}${notes.length ? `<ul class="note">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}`;
}

export function reportHtml({ agg, charts, env, duplicates, protocols, published = {}, png = true, vendorScripts }: ReportContent): string {
  const ok = agg.runs - agg.failed.length;
  const title = `clbench report: ${agg.suites.map((s) => s.suite).join(', ')}`;
  const body: string[] = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${agg.runs} runs (${ok} ok, ${agg.failed.length} failed)${duplicates ? `; ${duplicates} duplicate run files merged` : ''}. Tables and charts: <a href="summary.md">summary.md</a>.</p>`,
    ...rowNotes(agg).map((n) => `<p class="rows-note">${withCode(escapeHtml(n))}</p>`),
    `<p class="note">${escapeHtml(METRICS_NOTE)}</p>`,
    `<details><summary>Environment</summary><dl class="env">${environmentLines(env).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl></details>`,
  ];
  for (const s of agg.suites) {
    const protocol = protocols.get(s.suite)!;
    body.push(`<section><h2>${escapeHtml(s.suite)} (${s.tasks} tasks)</h2>`, ...protocolLines(protocol).map((l) => `<p class="protocol">${escapeHtml(l)}</p>`),
      htmlTable(methodTable(s)), published[s.suite] ? publishedSection(s, published[s.suite]) : '', '<h3>Paired differences CLNP − baseline</h3>',
      s.paired.length
        ? `<p class="note">${escapeHtml(PAIRING_NOTE)}</p>${htmlTable(pairedTable(s))}`
        : '<p class="note">No CLNP runs (method "clnp") in this suite, so no paired differences.</p>',
      `<div class="charts">${charts.filter((c) => c.suite === s.suite).map((c) => figure(c, png)).join('\n')}</div>`,
      clnpSections(s).map((c) => `<h3>CLNP: ${escapeHtml(c.title.toLowerCase())}</h3><p class="note">${escapeHtml(c.note)}</p>${htmlTable(c.table)}`).join(''),
      protocol.entries.length
        ? `<h3>Hyper-parameter selection (validation data of the tuning seeds)</h3>${protocol.entries.map((e) => `<h4>${escapeHtml(e.entry)}</h4>${htmlTable(tuningTable(e))}`).join('')}`
        : '',
      `<details><summary>Details: n, mean, std, 95% CI</summary>${htmlTable(detailTable(s))}</details></section>`);
  }
  body.push(`<h2>Failed runs (${agg.failed.length})</h2>`, agg.failed.length ? htmlTable(failedTable(agg)) : '<p>None.</p>');
  const specs = Object.fromEntries(charts.map((c) => [c.name, c.spec]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style>
${libraryScripts(vendorScripts)}
</head><body>
${body.join('\n')}
${inlineJson('clbench-specs', specs)}
${inlineScript(EMBED)}
</body></html>
`;
}
