/**
 * One shared copy of the chart libraries for many reports (`clbench report --vendor DIR`).
 *
 * By default index.html inlines vega, vega-lite and vega-embed (~830 KB), so a report is one
 * self-contained file. Published reports under reports/ would then hold one copy per report;
 * with a vendor directory the bundles are copied once into DIR, under names that carry their
 * versions (vega-6.4.0.min.js: a later version is a new file, so a report written against an
 * older one keeps loading its own), and index.html loads them by a relative path
 * (<script src="../vendor/vega-6.4.0.min.js">). Classic scripts load from file://, so the page
 * still opens offline from a clone, as long as DIR stays where it was relative to the report.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { installedPackage } from './packages.js';

/** The chart libraries index.html needs, in load order: package and its browser bundle. */
export const BUNDLES = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

export interface Bundle {
  pkg: string;
  version: string;
  /** absolute path of the bundle in node_modules */
  source: string;
  /** its file name in a vendor directory: PACKAGE-VERSION.min.js */
  vendorName: string;
}

/** The installed bundles; throws naming a package that is missing. */
export function bundles(): Bundle[] {
  return BUNDLES.map(([pkg, file]) => {
    const p = installedPackage(pkg);
    if (!p) throw new Error(`package ${pkg} is not installed (needed for ${file}); run npm ci`);
    return { pkg, version: p.version, source: join(p.dir, file), vendorName: `${pkg}-${p.version}.min.js` };
  });
}

/**
 * Copies the bundles into `vendorDir` (created if needed); a file already there with the same
 * bytes is left untouched, so regenerating reports changes nothing under it. Returns, per
 * bundle, the path index.html in `reportDir` uses for it: relative, with forward slashes.
 */
export function writeVendor(vendorDir: string, reportDir: string): { scripts: string[]; written: string[] } {
  mkdirSync(vendorDir, { recursive: true });
  const scripts: string[] = [];
  const written: string[] = [];
  for (const b of bundles()) {
    const target = join(vendorDir, b.vendorName);
    const bytes = readFileSync(b.source);
    if (!existsSync(target) || !readFileSync(target).equals(bytes)) { writeFileSync(target, bytes); written.push(target); }
    const rel = relative(resolve(reportDir), resolve(target));
    if (isAbsolute(rel)) throw new Error(`vendor directory ${vendorDir}: not reachable by a relative path from ${reportDir}`);
    scripts.push(rel.split(sep).join('/'));
  }
  return { scripts, written };
}
