import { initBackend } from '@clbench/core';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointPath, openCheckpoint } from '../checkpoint-file.js';
import { benchCheckpoints, DEFAULT_CHECKPOINT_SUITE } from './checkpoints.js';
import { CHECKPOINT_WRITE_GOAL_PCT, checkpointGoalMet } from './goals.js';
import { benchTable, checkpointsTable } from './table.js';
import type { BenchReport, CheckpointBench } from './types.js';

/** A method's checkpoint result with a given write/train ratio. */
function result(method: CheckpointBench['method'], over: Partial<CheckpointBench>): CheckpointBench {
  return {
    method, runId: '0123456789abcdef', writes: 4, encodeSeconds: 0.002, writeSeconds: 0.003, totalSeconds: 0.005, bytes: [2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20],
    taskTrainSeconds: 1, ratioPct: 0.5, goalPct: CHECKPOINT_WRITE_GOAL_PCT, ...over,
  };
}

const BASE: BenchReport = {
  backend: 'wasm', network: '784-8-8, batch 128, Adam', harness: { rawSamplesPerSecond: 100, harnessSamplesPerSecond: 99, ratio: 0.99 }, methods: [],
};

describe('bench: checkpoint write time and size', () => {
  it('the goal is 5 % of a task\'s training time: at the goal is met, above it missed', () => {
    expect(CHECKPOINT_WRITE_GOAL_PCT).toBe(5);
    expect(checkpointGoalMet(result('naive', { ratioPct: 4.99 }))).toBe(true);
    expect(checkpointGoalMet(result('naive', { ratioPct: 5 }))).toBe(true);
    expect(checkpointGoalMet(result('naive', { ratioPct: 5.01 }))).toBe(false);
  });

  it('the table shows per method the times, the size (first → last when it grows), the ratio and the verdict', () => {
    const report: BenchReport = {
      ...BASE, checkpoints: {
        suite: 'split-mnist (5 tasks)',
        methods: [
          result('naive', {}),
          result('er', { encodeSeconds: 0.01, writeSeconds: 0.05, totalSeconds: 0.06, bytes: [2 ** 20, 1.5 * 2 ** 20, 2 * 2 ** 20, 2.5 * 2 ** 20], taskTrainSeconds: 0.5, ratioPct: 12 }),
        ],
      },
    };
    const lines = benchTable(report).split('\n');
    expect(lines).toContain('checkpoints: write time and size per method (split-mnist (5 tasks); one checkpoint after each task but the last, encodeState + writeCheckpoint as a run does):');
    expect(lines).toContain('| method | checkpoints | encode ms | write ms | total ms per checkpoint | MiB (first → last) | task training s | write / training | goal |');
    expect(lines).toContain('| naive | 4 | 2.0 | 3.0 | 5.0 | 1.00 | 1.00 | 0.50 % | ≤ 5 % (met) |');
    expect(lines).toContain('| er | 4 | 10.0 | 50.0 | 60.0 | 1.00 → 2.50 | 0.50 | 12.00 % | ≤ 5 % (missed) |');
    expect(checkpointsTable(report.checkpoints!)).toEqual(lines.slice(lines.indexOf(lines.find((l) => l.startsWith('checkpoints:'))!)));
  });

  it('a report without the checkpoint benchmark (--no-checkpoints) prints no checkpoint table', () => {
    expect(benchTable(BASE)).not.toContain('checkpoints:');
    expect(benchTable(BASE)).not.toContain('write / training');
  });

  it('the default suite is benchmarks/split-mnist.json', () => {
    expect(DEFAULT_CHECKPOINT_SUITE.endsWith(join('benchmarks', 'split-mnist.json'))).toBe(true);
    expect(existsSync(DEFAULT_CHECKPOINT_SUITE)).toBe(true);
  });

  it('a short real measurement (split-mnist setting, 2×8 units, 80 digits per class, naive + er): bytes > 0 and equal to the files written', async () => {
    const backend = await initBackend('wasm');
    const dir = mkdtempSync(join(tmpdir(), 'clbench-ckpt-bench-test-'));
    try {
      const lines: string[] = [];
      const r = await benchCheckpoints({
        backend, methods: ['naive', 'er'], network: { layers: [{ type: 'dense', units: 8 }, { type: 'dense', units: 8 }] }, limit: 80, dir, log: (l) => lines.push(l),
      });
      expect(r.suite).toContain('split-mnist (5 tasks, network 8-8');
      expect(r.methods.map((m) => m.method)).toEqual(['naive', 'er']);
      expect(lines).toHaveLength(2);
      for (const m of r.methods) {
        expect(m.writes).toBe(4);                                          // after each of 5 tasks but the last
        expect(m.bytes).toHaveLength(4);
        for (const b of m.bytes) expect(b).toBeGreaterThan(0);
        // The last checkpoint is the run's file, the one before it its .prev: their sizes are what was measured.
        const path = checkpointPath(dir, m.runId);
        expect(statSync(path).size).toBe(m.bytes[3]);
        expect(statSync(path.replace(/\.ckpt$/, '.prev.ckpt')).size).toBe(m.bytes[2]);
        const opened = openCheckpoint(path);
        expect(opened.ok && opened.header).toMatchObject({ format: 1, backend, runId: m.runId, tasksDone: 4, resumes: [] });
        expect(m.totalSeconds).toBeCloseTo(m.encodeSeconds + m.writeSeconds, 12);
        expect(m.encodeSeconds).toBeGreaterThan(0);
        expect(m.writeSeconds).toBeGreaterThan(0);
        expect(m.taskTrainSeconds).toBeGreaterThan(0);
        expect(m.ratioPct).toBeCloseTo((100 * m.totalSeconds) / m.taskTrainSeconds, 9);
        expect(m.goalPct).toBe(5);
      }
      // ER keeps its replay memory in its state: bigger than naive's, and growing while the memory (500) is not full (144 samples a task here).
      const [naive, er] = r.methods;
      expect(er.bytes[3]).toBeGreaterThan(er.bytes[0]);
      expect(er.bytes[0]).toBeGreaterThan(naive.bytes[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
