/**
 * SGD and Adam (Kingma & Ba 2015, Alg. 1) written out so that every update can be
 * multiplied by the parameter's trainable mask: a frozen weight receives an update of
 * exactly 0, so θ − 0 = θ bit for bit, whatever Adam's moments hold. The trainer makes a fresh
 * optimiser (zero moments) for every task, or one for the whole run (`training.optimizerState`).
 */
import { tf } from './backend.js';
import type { Param } from './network.js';
import type { TrainingConfig } from './schemas/suite.js';
import { stateReader as read, type StateValue } from './state.js';
import { fusedAdam, hasFusedAdam } from './webgpu-adam.js';

export interface Optimizer {
  /** Apply grads (by variable name) to params; `masks` multiply the updates. */
  step(params: Param[], grads: Record<string, tf.Tensor>, masks: Map<string, tf.Tensor>): void;
  /** Everything a later step depends on (Adam: step counts and moments), for a checkpoint. */
  save(): StateValue;
  /** Continue from `save()`'s state (takes ownership of its tensors). */
  load(state: StateValue): void;
  dispose(): void;
}

export function makeOptimizer(cfg: Pick<TrainingConfig, 'optimizer' | 'lr' | 'adamEpsilon' | 'optimizerState'>): Optimizer {
  return cfg.optimizer === 'sgd' ? new Sgd(cfg.lr) : new Adam(cfg.lr, cfg.adamEpsilon ?? 1e-7, cfg.optimizerState === 'carried');
}

class Sgd implements Optimizer {
  constructor(private readonly lr: number) {}
  step(params: Param[], grads: Record<string, tf.Tensor>, masks: Map<string, tf.Tensor>): void {
    tf.tidy(() => {
      for (const { name, variable } of params) {
        const g = grads[name];
        if (!g) continue;
        const m = masks.get(name);
        const upd = g.mul(this.lr);
        variable.assign(variable.sub(m ? upd.mul(m) : upd));
      }
    });
  }
  save(): StateValue { return {}; }
  load(): void {}
  dispose(): void {}
}

class Adam implements Optimizer {
  /** Steps taken by the optimiser: the bias-correction count unless `perParameter`. It is what
   *  clbench-0.4.0 and later results use (joint's task-IL heads, stepped in turns, are corrected by it). */
  private steps = 0;
  /** Steps taken per parameter, used when `perParameter` (PyTorch's state['step']: a new task's
   *  head under a carried optimiser gets its own bias correction). */
  private readonly paramSteps = new Map<string, number>();
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private readonly beta1 = 0.9;
  private readonly beta2 = 0.999;
  constructor(private readonly lr: number, private readonly eps: number, private readonly perParameter: boolean) {}

  step(params: Param[], grads: Record<string, tf.Tensor>, masks: Map<string, tf.Tensor>): void {
    const fused = hasFusedAdam();
    this.steps++;
    tf.tidy(() => {
      for (const { name, variable } of params) {
        const g = grads[name];
        if (!g) continue;
        this.paramSteps.set(name, (this.paramSteps.get(name) ?? 0) + 1);
        const t = this.perParameter ? this.paramSteps.get(name)! : this.steps;
        const lrT = (this.lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);   // Alg. 1's bias corrections, in the step size
        let m = this.m.get(name), v = this.v.get(name);
        if (!m || !v) {
          m = tf.variable(tf.zerosLike(variable), false); v = tf.variable(tf.zerosLike(variable), false);
          this.m.set(name, m); this.v.set(name, v);
        }
        const mask = masks.get(name);
        if (fused && (!mask || tf.util.arraysEqual(mask.shape, variable.shape))) {   // webgpu: the same update in 3 kernels (webgpu-adam.ts)
          const [w2, m2, v2] = fusedAdam(variable, g, m, v, mask, { beta1: this.beta1, beta2: this.beta2, lrT, eps: this.eps });
          m.assign(m2); v.assign(v2); variable.assign(w2);
          continue;
        }
        m.assign(m.mul(this.beta1).add(g.mul(1 - this.beta1)));          // Alg. 1, line 7
        v.assign(v.mul(this.beta2).add(g.square().mul(1 - this.beta2))); // line 8
        const upd = m.div(v.sqrt().add(this.eps)).mul(lrT);              // line 12, bias corrections in lrT
        variable.assign(variable.sub(mask ? upd.mul(mask) : upd));
      }
    });
  }

  save(): StateValue {
    const moments: Record<string, StateValue> = {};
    for (const [name, m] of this.m) moments[name] = { m, v: this.v.get(name)!, steps: this.paramSteps.get(name) ?? 0 };
    return { steps: this.steps, moments };
  }

  load(state: StateValue): void {
    this.dispose();
    const s = read.object(state, 'optimizer');
    this.steps = read.number(s.steps, 'optimizer.steps');
    for (const [name, entry] of Object.entries(read.object(s.moments, 'optimizer.moments'))) {
      const e = read.object(entry, `optimizer.moments.${name}`);
      const m = read.tensor(e.m, `optimizer.moments.${name}.m`), v = read.tensor(e.v, `optimizer.moments.${name}.v`);
      this.m.set(name, tf.variable(m, false)); this.v.set(name, tf.variable(v, false));
      m.dispose(); v.dispose();
      this.paramSteps.set(name, read.number(e.steps, `optimizer.moments.${name}.steps`));
    }
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear(); this.v.clear(); this.paramSteps.clear();
  }
}
