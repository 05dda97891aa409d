/**
 * What every chart shares: the Chart record, the fixed method colour scale (domain = every
 * method label of the report, sorted, so a method has the same colour in every chart, SVG,
 * PNG and the HTML page) and the base spec (schema, size, fonts).
 */
import type { TopLevelSpec } from 'vega-lite';

export interface Chart {
  /** file stem: NAME.vl.json, NAME.svg, NAME.png */
  name: string;
  suite: string;
  title: string;
  /** one sentence under the chart: what is plotted, over what, and the error bars' meaning */
  description: string;
  spec: TopLevelSpec;
}

// Tableau 10, then the lighter Tableau 20 tones for reports with more than 10 methods
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#a0cbe8', '#ffbe7d', '#ff9d9a', '#86bcb6', '#8cd17d', '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6', '#79706e'];

export function methodColor(labels: string[]) {
  return {
    field: 'method', type: 'nominal' as const, title: 'method',
    scale: { domain: labels, range: labels.map((_, i) => PALETTE[i % PALETTE.length]) },
  };
}

/** Hidden layers (CLNP charts): ColorBrewer Paired's dark tones, apart from the method palette. */
export const LAYER_COLORS = ['#1f78b4', '#33a02c', '#e31a1c', '#ff7f00', '#6a3d9a', '#b15928'];

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export const CONFIG = {
  background: 'white',
  padding: 10,
  font: 'sans-serif',
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start' as const },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, symbolOpacity: 1 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#ccc' },
};

/** Percent with NaN → null (vega-lite treats null as missing; NaN does not survive JSON). */
export const pct = (x: number) => (Number.isFinite(x) ? 100 * x : null);
export const num = (x: number) => (Number.isFinite(x) ? x : null);

/** File-name-safe suite slug. */
export const slug = (s: string) => s.replace(/[^a-zA-Z0-9._-]+/g, '-');
