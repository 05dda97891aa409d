/**
 * Headless rendering: Vega View → SVG (vega's own SVG renderer), SVG → PNG with resvg.
 * resvg draws no text without a font, so a sans-serif font file is located first
 * (DejaVu, Liberation, FreeSans, …) and the generic `sans-serif` that vega writes is
 * mapped to it; vega's layout measures text with that font's advance widths.
 */
import { renderAsync, Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { existsSync } from 'node:fs';
import * as vega from 'vega';
import { parse, View, type Spec as VegaSpec } from 'vega';
import { capturingLogger } from './compile.js';
import { loadFontMetrics, type FontMetrics } from './font-metrics.js';

export async function renderSvg(vega: VegaSpec): Promise<{ svg: string; warnings: string[] }> {
  measureWithPngFont();
  const logger = capturingLogger();
  const view = new View(parse(vega), { renderer: 'none', logger: logger as never, logLevel: 2 });
  try {
    const svg = await view.toSVG();
    return { svg, warnings: [...logger.errors, ...logger.warnings] };
  } finally {
    view.finalize();
  }
}

const FONT_CANDIDATES: { family: string; regular: string[]; bold: string[] }[] = [
  { family: 'DejaVu Sans', regular: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'], bold: ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'] },
  { family: 'Liberation Sans', regular: ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf'], bold: ['/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'] },
  { family: 'FreeSans', regular: ['/usr/share/fonts/truetype/freefont/FreeSans.ttf'], bold: ['/usr/share/fonts/truetype/freefont/FreeSansBold.ttf'] },
  { family: 'Arial', regular: ['/System/Library/Fonts/Supplemental/Arial.ttf', 'C:\\Windows\\Fonts\\arial.ttf'], bold: ['/System/Library/Fonts/Supplemental/Arial Bold.ttf', 'C:\\Windows\\Fonts\\arialbd.ttf'] },
];

/** The sans-serif font PNGs are drawn with: regular (and bold) file, or undefined when none of the known files exists. */
export interface PngFont { family: string; regular: string; bold?: string }

let fontChoice: PngFont | null | undefined;
export function pngFont(): PngFont | undefined {
  if (fontChoice === undefined) {
    fontChoice = null;
    for (const c of FONT_CANDIDATES) {
      const regular = c.regular.find((f) => existsSync(f));
      if (regular) { fontChoice = { family: c.family, regular, bold: c.bold.find((f) => existsSync(f)) }; break; }
    }
  }
  return fontChoice ?? undefined;
}

let metrics: { regular: FontMetrics; bold: FontMetrics } | undefined;
/** Make vega's text layout use the PNG font's widths (vega's default estimate is 0.8 em per character). */
function measureWithPngFont(): void {
  const font = pngFont();
  if (!font || metrics) return;
  const regular = loadFontMetrics(font.regular);
  metrics = { regular, bold: font.bold ? loadFontMetrics(font.bold) : regular };
  const m = metrics;
  // vega-scenegraph's textMetrics (absent from vega's typings) is its documented hook for custom measurement
  const textMetrics = (vega as unknown as { textMetrics: { width: unknown } }).textMetrics;
  textMetrics.width = (item: { fontSize?: number; fontWeight?: string | number }, text?: string) => {
    const t = text == null ? '' : String(text).trim();
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    return (bold ? m.bold : m.regular).width(t, item.fontSize != null ? +item.fontSize || 0 : 11);
  };
}

/** resvg options: `zoom`× the SVG's pixel size (2 = sharp on high-density screens), white background, the PNG font. */
export function pngOptions(zoom = 2): ResvgRenderOptions {
  const font = pngFont();
  return {
    background: 'white',
    fitTo: { mode: 'zoom', value: zoom },
    font: font
      ? { loadSystemFonts: false, fontFiles: [font.regular, ...(font.bold ? [font.bold] : [])], defaultFontFamily: font.family, sansSerifFamily: font.family }
      : { loadSystemFonts: true },
    logLevel: 'off',
  };
}

export function renderPng(svg: string, zoom = 2): Buffer {
  return new Resvg(svg, pngOptions(zoom)).render().asPng();
}

/** renderPng on libuv's thread pool: several charts rasterise in parallel. */
export async function renderPngAsync(svg: string, zoom = 2): Promise<Buffer> {
  return (await renderAsync(svg, pngOptions(zoom))).asPng();
}
