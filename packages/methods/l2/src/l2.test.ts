import { buildNetwork, initBackend, Rng, tf, trainContinual, type MethodContext, type Network, type Scenario, type TaskData } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { l2, type L2 } from './l2.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 1e-3, epochs: 1, batchSize: 32, validationFraction: 0.1, budget: 'consolidation-extra' as const };
function ctxOf(net: Network, incremental: 'task' | 'domain'): MethodContext {
  const scenario: Scenario = { name: 'synthetic', incremental, inputShape: [4], headOutputs: net.heads.map(() => 2), tasks: [] };
  return { net, scenario, training, rng: new Rng(1), taskId: 0, head: 0, finished: [], warn: () => {} };
}

describe('L2 penalty', () => {
  for (const heads of [2, 1]) {
    it(`${heads === 2 ? 'multi-head: hidden layers only' : 'single head: the shared head too'}; null before the first task, then λ/2·Σ(θ − θ*)² with gradient λ(θ − θ*)`, () => {
      const net = buildNetwork({ layers: [{ type: 'dense', units: 3 }] }, [4], Array(heads).fill(2), new Rng(2));
      const ctx = ctxOf(net, heads === 2 ? 'task' : 'domain');
      const method = l2.create(l2.hyperparameters.parse({ lambda: 0.5 })) as L2;
      expect(method.penalty(ctx)).toBeNull();
      method.afterTask({} as TaskData, ctx);
      const all = net.taskParams(0);
      const delta = tf.tidy(() => all.map((p, k) => tf.keep(tf.randomNormal(p.variable.shape, 0, 0.3, 'float32', k))));
      tf.tidy(() => all.forEach((p, k) => p.variable.assign(p.variable.add(delta[k]))));
      const { value, grads } = tf.variableGrads(() => method.penalty(ctx)!, all.map((p) => p.variable));
      const shared = net.sharedParams().map((p) => p.name);
      expect(shared.includes('head0.W')).toBe(heads === 1);
      let want = 0;
      all.forEach((p, k) => {
        const d = delta[k].dataSync(), g = grads[p.variable.name];
        if (!shared.includes(p.name)) { expect(g).toBeUndefined(); return; }
        g.dataSync().forEach((v, i) => { expect(v).toBeCloseTo(0.5 * d[i], 5); want += 0.25 * d[i] * d[i]; });
      });
      expect(value.dataSync()[0]).toBeGreaterThan(0);
      expect(value.dataSync()[0]).toBeCloseTo(want, 5);
      tf.dispose([value, ...Object.values(grads), ...delta]); method.dispose(); net.dispose();
    });
  }

  it('default λ = 0.02 (Hsu et al. 2018 reg_coef 0.01 without ½)', () => expect(l2.hyperparameters.parse({}).lambda).toBe(0.02));
});

describe('L2 in a continual run', () => {
  it('anchors at the end of each task and leaks no tensor', async () => {
    const sc = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 40 });
    const method = l2.create(l2.hyperparameters.parse({})) as L2;
    const counts: number[] = [], anchored: boolean[] = [];
    const before = tf.memory().numTensors;
    await trainContinual({
      scenario: sc, network: { layers: [{ type: 'dense', units: 16 }] }, training, method, rng: new Rng(3),
      onTaskEnd: (_t, net) => {
        counts.push(tf.memory().numTensors);
        anchored.push(net.sharedParams().every((p) => method.anchor![p.name].dataSync().every((v, i) => v === p.variable.dataSync()[i])));
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(anchored).toEqual([true, true, true]);
    expect([counts[1] - counts[0], counts[2] - counts[1]]).toEqual([0, 0]);
  });
});
