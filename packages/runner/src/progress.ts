/**
 * Progress output. Not a TTY: one log line per finished run, and every `statusEverySeconds`
 * (default 300) while runs are in flight, the status block below as plain lines — a log of a
 * long run (permuted MNIST: tens of minutes per run) shows where each worker is. A TTY: the
 * same finished-run lines, plus a live block redrawn in place — runs done / total, failures,
 * ETA, and one row per busy worker with its current method, seed, ordering, task and epoch.
 */
import type { RunnerEvent, WorkerId, WorkerMessage } from './messages.js';
import { runFraction } from './messages.js';

type Start = Extract<WorkerMessage, { type: 'run-start' }>;
type Step = Extract<WorkerMessage, { type: 'progress' }>;

/** The running tally the display is drawn from. */
export class ProgressState {
  suite = '';
  total = 0;
  skipped = 0;
  todo = 0;
  done = 0;
  failed = 0;
  workers = 0;
  readonly inFlight = new Map<string, { start: Start; step?: Step }>();
  private readonly ended = new Set<string>();
  private t0 = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  update(e: RunnerEvent): void {
    switch (e.type) {
      case 'suite-start':
        this.suite = e.suite; this.total = e.total; this.skipped = e.finished; this.todo = e.todo; this.workers = e.workers; this.t0 = this.now();
        this.done = 0; this.failed = 0; // a suite with tuning starts twice (tuning stage, reporting stage)
        break;
      case 'run-start': this.ended.delete(e.runId); this.inFlight.set(e.runId, { start: e }); break;
      case 'progress': { const f = this.inFlight.get(e.runId); if (f && !this.ended.has(e.runId)) f.step = e; break; }
      case 'run-retry': this.inFlight.delete(e.runId); break;
      case 'run-end': this.inFlight.delete(e.result.runId); this.ended.add(e.result.runId); this.done++; if (e.result.status === 'failed') this.failed++; break;
      case 'run-stopped': this.inFlight.delete(e.runId); break;
      case 'suite-end': case 'stage-waiting': case 'no-candidate': case 'notice': break;
    }
  }

  /** Seconds left, from the work done so far (finished runs + fractions of runs in flight); undefined before any progress. */
  eta(): number | undefined {
    const elapsed = (this.now() - this.t0) / 1000;
    let work = this.done;
    for (const f of this.inFlight.values()) if (f.step) work += runFraction(f.step);
    if (work <= 0 || elapsed <= 0) return undefined;
    return Math.max(0, this.todo - work) * (elapsed / work);
  }

  lines(): string[] {
    const eta = this.eta();
    const head = `${this.suite}: ${this.skipped + this.done}/${this.total} runs done` +
      (this.skipped ? ` (${this.skipped} earlier)` : '') + `, ${this.failed} failed, ETA ${eta === undefined ? '?' : duration(eta)}, ${this.workers} workers`;
    const rows = [...this.inFlight.values()].map(({ start: s, step: p }) =>
      `  ${workerName(s.worker).padEnd(18)} ${s.label.padEnd(12)} seed ${String(s.seed).padEnd(3)} order ${s.ordering.join('').padEnd(6)}` +
      (p ? ` task ${p.task + 1}/${p.tasks} epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss.toFixed(3)}` : ' starting'));
    return [head, ...rows];
  }
}

export function workerName(w: WorkerId): string {
  return `${w.device !== undefined ? `gpu ${w.device} ` : ''}pid ${w.pid}/t${w.threadId}`;
}

export function duration(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One line per finished run (and per retry). */
export function finishedLine(e: RunnerEvent, state: ProgressState): string | undefined {
  if (e.type === 'run-retry') return `retry ${e.runId} after attempt ${e.attempt}: ${e.error}`;
  if (e.type === 'stage-waiting') {
    return `${e.label}: reporting runs wait for its tuning runs (${e.finished}/${e.total} finished; other shards?): run \`clbench run\` again once they are done`;
  }
  if (e.type === 'notice') return e.line;
  if (e.type === 'run-stopped') return `stopped ${e.runId} at a step boundary: it resumes from its last checkpoint on the next \`clbench run\``;
  if (e.type === 'no-candidate') return `${e.label}: every configuration has a failed tuning run, so none is chosen and nothing is reported (a rerun retries the failed runs)`;
  if (e.type !== 'run-end') return undefined;
  const r = e.result;
  const what = `[${state.skipped + state.done}/${state.total}] ${r.label} seed=${r.seed} order=${r.ordering.join('')}`;
  return r.status === 'ok'
    ? `${what} ${r.evaluatedOn === 'validation' ? 'validation ' : ''}ACC=${(100 * r.metrics.acc).toFixed(2)}% BWT=${(100 * r.metrics.bwt).toFixed(2)} (${r.timing.wallSeconds.toFixed(1)}s, ${r.backend}${r.attempts > 1 ? `, attempt ${r.attempts}` : ''})`
    : `${what} FAILED (${r.runId}): ${r.error}`;
}

export interface Reporter { onEvent: (e: RunnerEvent) => void; stop: () => void }

/** Seconds between status blocks in a log (not a TTY). */
export const STATUS_EVERY_SECONDS = 300;

/** Progress on `stream`: live block on a TTY, log lines (and a status block every
 *  `statusEverySeconds` while runs are in flight) otherwise, nothing when quiet. */
export function progressReporter(stream: NodeJS.WriteStream, opts: { quiet?: boolean; live?: boolean; statusEverySeconds?: number } = {}): Reporter {
  if (opts.quiet) return { onEvent: () => {}, stop: () => {} };
  const state = new ProgressState();
  const live = opts.live ?? stream.isTTY === true;
  const logStatus = () => {
    if (state.inFlight.size === 0) return;
    stream.write(`${new Date().toISOString().slice(0, 19)}Z ${state.lines().join('\n')}\n`);
  };
  const status = live ? undefined : setInterval(logStatus, 1000 * (opts.statusEverySeconds ?? STATUS_EVERY_SECONDS));
  status?.unref();
  let drawn = 0;
  const clear = () => { if (drawn) stream.write(`\x1b[${drawn}F\x1b[J`); drawn = 0; };
  const draw = () => {
    clear();
    const width = Math.max(20, (stream.columns || 120) - 1);
    const lines = state.lines().map((l) => l.slice(0, width));
    stream.write(lines.join('\n') + '\n');
    drawn = lines.length;
  };
  const timer = live ? setInterval(draw, 250) : undefined;
  timer?.unref();
  return {
    onEvent(e) {
      state.update(e);
      const line = e.type === 'suite-start'
        ? `suite ${e.suite}: ${e.total} runs${e.shard ? ` (shard ${e.shard.index}/${e.shard.count})` : ''}, ${e.finished} already finished, ${e.todo} to run on ${e.workers} workers`
        : finishedLine(e, state);
      if (line === undefined) return;
      if (live) { clear(); stream.write(line + '\n'); draw(); } else stream.write(line + '\n');
    },
    stop() {
      if (status) clearInterval(status);
      if (timer) { clearInterval(timer); clear(); }
    },
  };
}
