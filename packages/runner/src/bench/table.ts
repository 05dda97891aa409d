/** Markdown rendering of a bench report (what `clbench bench` prints). */
import { checkpointGoalMet, overheadVerdict, RSS_GOALS_MB, rssGoalMet } from './goals.js';
import type { BenchReport, CheckpointsReport, IcarlBench, MemoryReport, MethodBench } from './types.js';

export function benchTable(r: BenchReport): string {
  const lines = [
    `backend ${r.backend}; network ${r.network}`, '',
    '| loop | samples/s | ratio |', '|---|---|---|',
    `| raw tfjs | ${r.harness.rawSamplesPerSecond.toFixed(0)} | 1.00 |`,
    `| harness (naive) | ${r.harness.harnessSamplesPerSecond.toFixed(0)} | ${r.harness.ratio.toFixed(3)} (goal ≥ 0.95) |`,
    ...(r.transposedMatMul ? [`| harness, wasm's own kernel for transposed products | ${r.transposedMatMul.ownKernelSamplesPerSecond.toFixed(0)} | clbench's kernel (wasm-matmul.ts) is ${r.transposedMatMul.speedup.toFixed(2)}× faster (goal ≥ 2) |`] : []), '',
    '| method | samples/s (task 2) | vs naive | overhead per step | rows per step | floor (naive on as many rows) | overhead at equal rows | goal | consolidation s per task | tensors left | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.methods.map(methodRow),
    '', 'vs naive: median over the repeats of the method\'s task-2 throughput over that of the naive run just before it; naive\'s own row compares two naive runs (the noise).',
    'Replay methods pass more rows per step than the batch: their goal applies at equal rows (a naive step on as many rows); the floor is that naive step over a plain one.',
    '', ...r.methods.flatMap((m) => (m.pruningSearchSeconds ? [`${m.method}: pruning search (activity + threshold search) per task: ${m.pruningSearchSeconds.map((s) => s.toFixed(2)).join(', ')} s; the rest of its consolidation time is fine-tuning`] : [])),
    ...r.methods.flatMap((m) => (m.retraining ? [retrainingLine(m.method, m.retraining)] : [])),
  ];
  if (r.icarl) lines.push('', ...icarlTable(r.icarl));
  if (r.pool) {
    lines.push('', `pool scaling (${r.pool.suite}):`, '', '| mode | workers | runs | wall s | samples/s |', '|---|---|---|---|---|',
      ...r.pool.results.map((t) => `| ${t.mode} | ${t.workers} | ${t.runs} | ${t.wallSeconds.toFixed(1)} | ${t.samplesPerSecond.toFixed(0)} |`),
      '', `pool / plain processes = ${r.pool.poolVsProcesses.toFixed(3)} (goal ≥ 0.9)`);
  }
  if (r.memory) lines.push('', ...memoryTable(r.memory));
  if (r.checkpoints) lines.push('', ...checkpointsTable(r.checkpoints));
  return lines.join('\n');
}

/** A method that trains only at evaluation points: its retraining per evaluation (the brief's "retraining time per evaluation"). */
export function retrainingLine(method: string, r: NonNullable<MethodBench['retraining']>): string {
  const each = r.seconds.map((s, t) => `after task ${t + 1}: ${r.steps[t]} steps in ${s.toFixed(2)} s`).join('; ');
  return `${method}: its tasks take no training step; it retrains a fresh network on its memory at each evaluation — ${each}; samples/s and overhead are per retraining step`;
}

function methodRow(m: MethodBench): string {
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(1)} %`);
  const v = overheadVerdict(m);
  const goal = v === undefined ? '—' : `≤ ${v.goalPct} %${v.atEqualRows ? ' at equal rows' : ''} ${v.met ? '(met)' : '(missed)'}`;
  return `| ${m.method} | ${m.samplesPerSecond.toFixed(0)} | ${m.relativeToNaive.toFixed(3)} | ${pct(m.overheadPct)} | ${m.samplesPerStep} | ${pct(m.floorPct)} | ${pct(m.equalSamplesOverheadPct)} | ${goal} | ${m.consolidationSeconds.map((s) => s.toFixed(2)).join(', ')} | ${m.tensorsLeaked} | ${m.peakRssMB.toFixed(0)} |`;
}

export function memoryTable(m: MemoryReport): string[] {
  const after = m.rows.filter((r) => r.code === 'after');
  const lines = [`memory (${m.suite}; fresh process each, peak RSS of the whole process):`, '',
    '| code | workers | peak RSS MB | goal | samples/s per run |', '|---|---|---|---|---|',
    ...m.rows.map((r) => `| ${r.code === 'before' ? `before (${m.before})` : 'this'} | ${r.workers} | ${r.peakRssMB.toFixed(0)} | ${r.code === 'after' ? `≤ ${RSS_GOALS_MB[r.workers]}${rssGoalMet(r) ? ' ✓' : ' ✗'}` : ''} | ${r.samplesPerSecond.toFixed(0)} |`)];
  if (m.before) {
    const ratios = after.map((a) => a.samplesPerSecond / m.rows.find((b) => b.code === 'before' && b.workers === a.workers)!.samplesPerSecond);
    lines.push('', `training samples/s, this / before (interleaved): ${ratios.map((r, k) => `${after[k].workers} worker(s) ${r.toFixed(3)}`).join(', ')} (goal 1 ± 0.05)`);
  }
  return lines;
}

const MiB = (bytes: number) => (bytes / 2 ** 20).toFixed(2);

export function checkpointsTable(c: CheckpointsReport): string[] {
  return [`checkpoints: write time and size per method (${c.suite}; one checkpoint after each task but the last, encodeState + writeCheckpoint as a run does):`, '',
    '| method | checkpoints | encode ms | write ms | total ms per checkpoint | MiB (first → last) | task training s | write / training | goal |',
    '|---|---|---|---|---|---|---|---|---|',
    ...c.methods.map((m) => {
      const first = m.bytes[0], last = m.bytes[m.bytes.length - 1];
      const size = first === last ? MiB(last) : `${MiB(first)} → ${MiB(last)}`;
      return `| ${m.method} | ${m.writes} | ${(1000 * m.encodeSeconds).toFixed(1)} | ${(1000 * m.writeSeconds).toFixed(1)} | ${(1000 * m.totalSeconds).toFixed(1)} | ${size} | ${m.taskTrainSeconds.toFixed(2)} | ${m.ratioPct.toFixed(2)} % | ≤ ${m.goalPct} % ${checkpointGoalMet(m) ? '(met)' : '(missed)'} |`;
    })];
}

export function icarlTable(b: IcarlBench): string[] {
  const s = (xs: number[]) => xs.map((v) => v.toFixed(2)).join(', ');
  return ['icarl (class-incremental split MNIST, 2 tasks, K = 500; the same rows per step as naive):', '',
    '| step overhead vs naive (task 2) | goal | herding s per task | class means s per task | NME evaluation s per evaluation (test samples) | tensors left |',
    '|---|---|---|---|---|---|',
    `| ${b.stepOverheadPct.toFixed(1)} % (${b.stepsTask2} steps) | ≤ ${b.goalPct} % ${b.stepOverheadPct <= b.goalPct ? '(met)' : '(missed)'} | ${s(b.herdingSeconds)} | ${s(b.meansSeconds)} | ${s(b.nmeSeconds)} (${b.testSamples.reduce((a, c) => a + c, 0)}) | ${b.tensorsLeaked} |`];
}
