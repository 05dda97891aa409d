import { buildNetwork, computeMetrics, initBackend, Rng, tf, trainContinual, type MethodContext, type Network, type Scenario, type TaskData } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { naive } from '@clbench/method-naive';
import { beforeAll, describe, expect, it } from 'vitest';
import { singleTask, type SingleTask } from './single-task.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 1e-3, epochs: 1, batchSize: 32, validationFraction: 0.1, budget: 'consolidation-extra' as const };
const network = { layers: [{ type: 'dense' as const, units: 32 }] };
const values = (net: Network) => net.params().map((p) => Array.from(p.variable.dataSync()));

describe('single-task: a fresh network per task', () => {
  it('redraws every weight (heads included) from its own stream and zeroes every bias before each task after the first', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 3 }] }, [4], [2, 2], new Rng(1));
    for (const p of net.params()) p.variable.assign(tf.onesLike(p.variable)); // as if trained
    const scenario: Scenario = { name: 'hand-made', incremental: 'task', inputShape: [4], headOutputs: [2, 2], tasks: [] };
    const ctx: MethodContext = { net, scenario, training, rng: new Rng(5), taskId: 1, head: 1, finished: [{ id: 0 } as TaskData], warn: () => {} };
    const method = singleTask.create({}) as SingleTask;
    method.beforeTask({ id: 1 } as TaskData, ctx);
    // the reference: a network reinitialised from the same stream (reinitialise ≡ buildNetwork: core/network.test.ts)
    const ref = buildNetwork({ layers: [{ type: 'dense', units: 3 }] }, [4], [2, 2], new Rng(9));
    ref.reinitialise(new Rng(5));
    expect(values(net)).toEqual(values(ref));
    for (const p of net.params()) if (p.name.endsWith('.b')) expect(Array.from(p.variable.dataSync()).every((v) => v === 0)).toBe(true);
    method.dispose(); net.dispose(); ref.dispose();
  });

  it('class-incrementally, where naive forgets, every task keeps its own accuracy: the last row of R is its diagonal, bit for bit', async () => {
    const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'class', tasks: 3, classesPerTask: 2 },
      { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 150 });
    const run = (m: typeof naive | typeof singleTask) => trainContinual({ scenario, network, training: { ...training, epochs: 2 }, method: m.create({}), rng: new Rng(3) });
    const st = (await run(singleTask)).accuracyMatrix, nv = (await run(naive)).accuracyMatrix;
    const last = st[st.length - 1];
    last.forEach((a, t) => expect(a).toBe(st[t][t]));
    for (let i = 0; i < st.length; i++) for (let t = 0; t <= i; t++) expect(st[i][t]).toBe(st[t][t]);
    // a 6-way head trained on one task's two digits: those digits are told apart
    for (let t = 0; t < 3; t++) expect(st[t][t]).toBeGreaterThan(0.9);
    // the first task is the same run as naive's (same network, same stream): identical R[0][0]
    expect(st[0][0]).toBe(nv[0][0]);
    // and naive, on one shared network, has forgotten much of task 0 by the end
    expect(nv[2][0]).toBeLessThan(st[2][0] - 0.3);
    expect(computeMetrics(st, [0, 0, 0], { sharedHead: true }).forgetting).toBe(0);
  });

  it('keeps one network copy per finished task and frees them all at the end', async () => {
    const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 2 },
      { seed: 1, ordering: [], validationFraction: 0.1, image: false, limit: 60 });
    const before = tf.memory().numTensors, counts: number[] = [];
    let perCopy = 0;
    const res = await trainContinual({
      scenario, network, training, method: singleTask.create({}), rng: new Rng(4),
      onTaskEnd: (_t, net) => { perCopy = net.params().length; counts.push(tf.memory().numTensors); },
    });
    expect(res.diagnostics).toEqual({ networksKept: 3 });
    expect(counts[1] - counts[0]).toBe(perCopy);
    expect(counts[2] - counts[1]).toBe(perCopy);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("warns that a carried optimiser state couples the networks", async () => {
    const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 },
      { seed: 1, ordering: [], validationFraction: 0.1, image: false, limit: 20 });
    const res = await trainContinual({ scenario, network, training: { ...training, optimizerState: 'carried' }, method: singleTask.create({}), rng: new Rng(4) });
    expect(res.warnings.join('\n')).toMatch(/carried/);
  });
});
