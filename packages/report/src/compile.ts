/**
 * Vega-Lite → Vega with every compiler message captured: a report's specs must compile with
 * no warning (a warning means a dropped encoding, a conflicting scale, …, i.e. a wrong chart).
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Spec as VegaSpec } from 'vega';

/**
 * A vega-util style logger that records messages instead of printing them. Its methods
 * are closures: vega calls them detached from the object.
 */
export interface CapturingLogger {
  warnings: string[];
  errors: string[];
  level(l?: number): number | CapturingLogger;
  warn(...args: unknown[]): CapturingLogger;
  error(...args: unknown[]): CapturingLogger;
  info(...args: unknown[]): CapturingLogger;
  debug(...args: unknown[]): CapturingLogger;
}

export function capturingLogger(): CapturingLogger {
  let level = 2; // vega-util Warn
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger: CapturingLogger = {
    warnings: [],
    errors: [],
    level: (l?: number) => (l === undefined ? level : ((level = l), logger)),
    warn: (...args) => (logger.warnings.push(text(args)), logger),
    error: (...args) => (logger.errors.push(text(args)), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

export interface Compiled { vega: VegaSpec; warnings: string[] }

export function compileSpec(spec: TopLevelSpec): Compiled {
  const logger = capturingLogger();
  const { spec: vega } = compile(spec, { logger });
  return { vega, warnings: [...logger.errors, ...logger.warnings] };
}
