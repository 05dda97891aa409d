import { describe, expect, it, vi } from 'vitest';
import { failedRun } from './execute.js';
import { expandMatrix } from './matrix.js';
import type { RunnerEvent, WorkerId } from './messages.js';
import { duration, progressReporter, ProgressState } from './progress.js';
import { tinySuite } from './test-util.js';

const [a, b] = expandMatrix(tinySuite());
const worker: WorkerId = { pid: 10, threadId: 2, device: '1' };
const start = (runId: string): RunnerEvent => ({ type: 'run-start', runId, label: 'naive', seed: 0, ordering: [1, 0], attempt: 1, worker, backend: 'wasm' });
const step = (runId: string, task: number, epoch: number, s: number): RunnerEvent =>
  ({ type: 'progress', runId, worker, task, tasks: 2, epoch, epochs: 2, step: s, steps: 4, loss: 0.5 });
const failed = (runId: string) => ({ type: 'run-end', result: failedRun(runId === a.runId ? a : b, 'loss is NaN', { backend: 'wasm', startedAt: 'x', attempts: 1 }) }) as RunnerEvent;

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 200, write: (s: string) => { out.push(s); return true; } } as unknown as NodeJS.WriteStream };
}

describe('progress display', () => {
  it('counts runs and failures, estimates ETA from finished runs plus fractions in flight, shows each busy worker', () => {
    let now = 0;
    const p = new ProgressState(() => now);
    p.update({ type: 'suite-start', suite: 'tiny', total: 10, finished: 2, todo: 8, workers: 2 });
    expect(p.eta()).toBeUndefined();
    p.update(start(a.runId));
    // Task 1 of 2, epoch 0 of 2, step 1 of 4 done → (1 + (0 + 2/4)/2)/2 = 0.625 of a run.
    p.update(step(a.runId, 1, 0, 1));
    p.update(failed(b.runId));
    now = 16_250; // 1.625 runs of work in 16.25 s → 10 s per run; 8 − 1.625 runs left → 63.75 s
    expect(p.eta()).toBeCloseTo(63.75, 10);
    const [head, row] = p.lines();
    expect(head).toBe('tiny: 3/10 runs done (2 earlier), 1 failed, ETA 1m04s, 2 workers');
    expect(row).toMatch(/gpu 1 pid 10\/t2 +naive +seed 0 +order 10 +task 2\/2 epoch 1\/2 loss 0\.500/);
    p.update(failed(a.runId));
    expect(p.lines()).toHaveLength(1);
    // A progress message arriving after its run ended does not bring the row back.
    p.update(step(a.runId, 1, 1, 3));
    expect(p.lines()).toHaveLength(1);
    expect([duration(5), duration(125), duration(7380)]).toEqual(['5s', '2m05s', '2h03m']);
  });

  it('writes one line per finished run when not a TTY, redraws in place on a TTY, nothing when quiet', () => {
    const plain = fakeStream(false);
    const r = progressReporter(plain.stream);
    r.onEvent({ type: 'suite-start', suite: 'tiny', total: 2, finished: 0, todo: 2, workers: 1 });
    r.onEvent(start(a.runId)); r.onEvent(step(a.runId, 0, 0, 0)); r.onEvent(failed(a.runId));
    r.stop();
    expect(plain.out.join('')).toBe(`suite tiny: 2 runs, 0 already finished, 2 to run on 1 workers\n[1/2] naive seed=${a.config.seed} order=${a.config.ordering.join('')} FAILED (${a.runId}): loss is NaN\n`);

    const tty = fakeStream(true);
    const live = progressReporter(tty.stream);
    live.onEvent({ type: 'suite-start', suite: 'tiny', total: 2, finished: 0, todo: 2, workers: 1 });
    live.onEvent(start(a.runId)); live.onEvent(failed(a.runId));
    live.stop();
    const text = tty.out.join('');
    expect(text).toContain('\x1b[1F\x1b[J'); // the one-line block was erased before the finished-run line
    expect(text).toContain('FAILED');
    expect(text).toContain('tiny: 1/2 runs done, 1 failed');

    const quiet = fakeStream(true);
    const q = progressReporter(quiet.stream, { quiet: true });
    q.onEvent(failed(a.runId)); q.stop();
    expect(quiet.out).toEqual([]);
  });

  it('not a TTY: prints the status block every statusEverySeconds while runs are in flight, and none when idle', () => {
    vi.useFakeTimers();
    try {
      const plain = fakeStream(false);
      const r = progressReporter(plain.stream, { statusEverySeconds: 60 });
      r.onEvent({ type: 'suite-start', suite: 'tiny', total: 2, finished: 0, todo: 2, workers: 1 });
      vi.advanceTimersByTime(60_000);
      expect(plain.out).toHaveLength(1); // nothing in flight: no status
      r.onEvent(start(a.runId)); r.onEvent(step(a.runId, 1, 0, 1));
      vi.advanceTimersByTime(59_999);
      expect(plain.out).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(plain.out).toHaveLength(2);
      expect(plain.out[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ tiny: 0\/2 runs done, 0 failed, ETA .*\n +gpu 1 pid 10\/t2 +naive .*task 2\/2 epoch 1\/2 loss 0\.500\n$/);
      r.onEvent(failed(a.runId));
      r.stop();
      vi.advanceTimersByTime(120_000);
      expect(plain.out).toHaveLength(3); // the finished-run line; stopped: no more status
    } finally {
      vi.useRealTimers();
    }
  });
});
