import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { buildCharts } from './charts.js';
import { compileSpec } from './compile.js';
import { loadFontMetrics } from './font-metrics.js';
import { pngFont, pngOptions, renderPng, renderSvg } from './render.js';
import { runSet } from './runs.fixtures.js';

const font = pngFont();
const NO_FONT = 'no sans-serif font file found (DejaVu / Liberation / FreeSans): PNG charts would have no text. Install one, e.g. apt-get install -y fonts-dejavu-core';

/** columns and count of non-white pixels of an RGBA image */
function ink(img: { width: number; height: number; pixels: Buffer }) {
  const px = img.pixels; // a getter that copies: read once
  let count = 0, minX = Infinity, maxX = -1;
  for (let i = 0; i < img.width * img.height; i++) {
    if (px[4 * i] < 200 || px[4 * i + 1] < 200 || px[4 * i + 2] < 200) {
      count++; minX = Math.min(minX, i % img.width); maxX = Math.max(maxX, i % img.width);
    }
  }
  return { count, minX, maxX };
}

describe('PNG text', () => {
  it('a sans-serif font file is available to resvg', () => {
    expect(font, NO_FONT).toBeDefined();
  });

  it('font metrics give the width resvg draws (within 2 px over 60 characters)', () => {
    if (!font) throw new Error(NO_FONT);
    const text = 'dots: runs (seeds × orderings); tick: mean; bar: 95% CI';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="40"><text x="0" y="25" font-family="sans-serif" font-size="13px">${text}</text></svg>`;
    const drawn = ink(new Resvg(svg, pngOptions(1)).render());
    expect(Math.abs(drawn.maxX - drawn.minX + 1 - loadFontMetrics(font.regular).width(text, 13))).toBeLessThan(2);
  });

  it('chart SVGs carry their axis titles and labels, and the PNG draws them', async () => {
    const acc = buildCharts(aggregate(runSet({ methods: ['naive', 'joint'], seeds: 2, T: 3 }))).find((c) => c.name === 'toy-acc')!;
    const { svg, warnings } = await renderSvg(compileSpec(acc.spec).vega);
    expect(warnings).toEqual([]);
    for (const t of ['ACC (%)', 'method', '>joint<', '>naive<', 'toy: final average accuracy (ACC)']) expect(svg).toContain(t);
    const png = renderPng(svg);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // the same chart without its <text> elements: the difference is the text, which must be drawn
    const withText = ink(new Resvg(svg, pngOptions(1)).render()).count;
    const without = ink(new Resvg(svg.replace(/<text[^>]*>[^<]*<\/text>/g, ''), pngOptions(1)).render()).count;
    expect(withText - without).toBeGreaterThan(2000);
  });
});
