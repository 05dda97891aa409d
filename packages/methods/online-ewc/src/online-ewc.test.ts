import { fisherDiagonal, initBackend, Rng, tf, trainContinual, type MethodContext } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { onlineEwc, type OnlineEwc } from './online-ewc.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 1e-3, epochs: 1, batchSize: 32, validationFraction: 0.1, budget: 'consolidation-extra' as const };
const scenario = () => buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 40 });
const flat = (t: Record<string, tf.Tensor>, names: string[]) => names.flatMap((n) => Array.from(t[n].dataSync()));

describe('online EWC in a continual run', () => {
  it('keeps F_t = γ·F_{t−1} + F_new (so F_2 = γ²F⁽⁰⁾ + γF⁽¹⁾ + F⁽²⁾), one anchor at the latest θ, no tensor leak', async () => {
    const sc = scenario(), gamma = 0.5;
    const method = onlineEwc.create(onlineEwc.hyperparameters.parse({ gamma, lambda: 10 })) as OnlineEwc;
    const names = ['l0.W', 'l0.b'];
    const running: number[][] = [], fresh: number[][] = [], anchorIsTheta: boolean[] = [], counts: number[] = [];
    let penaltyChecked = false;
    const before = tf.memory().numTensors;
    await trainContinual({
      scenario: sc, network: { layers: [{ type: 'dense', units: 16 }] }, training, method, rng: new Rng(3),
      onTaskEnd: (t, net) => {
        counts.push(tf.memory().numTensors);
        running.push(flat(method.fisher!, names));
        // the Fisher of this task alone, computed independently at the same θ (exact, all samples: deterministic)
        const F = fisherDiagonal(net, sc.tasks[t].train, { head: t, params: net.sharedParams(), variant: 'exact' });
        fresh.push(flat(F.values, names));
        tf.dispose(Object.values(F.values));
        anchorIsTheta.push(net.sharedParams().every((p) => {
          const a = method.anchor![p.name].dataSync(), th = p.variable.dataSync();
          return a.every((v, i) => v === th[i]);
        }));
        if (t === 2) {
          // penalty = λ/2 · Σ F(θ − θ*)² with the stored F (no extra γ), at θ = θ* + 0.1
          const ctx = { net } as MethodContext;
          const theta = tf.tidy(() => net.sharedParams().map((p) => tf.keep(p.variable.clone())));
          tf.tidy(() => net.sharedParams().forEach((p) => p.variable.assign(p.variable.add(0.1))));
          const want = 5 * running[2].reduce((a, f) => a + f * 0.01, 0);
          expect(tf.tidy(() => method.penalty(ctx)!.dataSync()[0])).toBeCloseTo(want, 5);
          net.sharedParams().forEach((p, k) => p.variable.assign(theta[k]));
          tf.dispose(theta);
          penaltyChecked = true;
        }
      },
    });
    expect(penaltyChecked).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(anchorIsTheta).toEqual([true, true, true]);
    expect(counts[2]).toBe(counts[1]); // one F and one anchor, replaced, not appended
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(b[i])));
    close(running[0], fresh[0]);
    close(running[1], fresh[1].map((f, i) => gamma * running[0][i] + f));
    close(running[2], fresh[2].map((f, i) => gamma * gamma * fresh[0][i] + gamma * fresh[1][i] + f));
    expect(fresh[1].some((f) => f > 0)).toBe(true);
  });

  it('penalty is null before the first consolidation', () => {
    const method = onlineEwc.create(onlineEwc.hyperparameters.parse({})) as OnlineEwc;
    expect(method.penalty({} as MethodContext)).toBeNull();
  });

  it('defaults: λ = 800 (Hsu et al. 400 without ½), γ = 1, exact Fisher', () => {
    expect(onlineEwc.hyperparameters.parse({})).toEqual({ lambda: 800, gamma: 1, fisher: 'exact' });
  });
});
