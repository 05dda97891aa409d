/**
 * Single-task reference — a fresh network for every task, trained on that task alone, and each
 * task evaluated with its own network: no transfer and no forgetting by construction. The row
 * CLNP's permuted-MNIST table compares with (Golkar, Kagan & Cho 2019, arXiv 1903.04476,
 * permuted-MNIST table, "single-task" 98.48 ± 0.05, as quoted in EideticNet, arXiv 2502.09500,
 * Table 3), i.e. what the network's capacity gives one task.
 *
 * Before task t > 0 every weight is drawn again (Glorot uniform, as the network was built) and
 * every bias set to 0, heads included; after task t a frozen copy of the network is kept, and
 * task t is evaluated with that copy from then on. Tasks not trained yet are evaluated with the
 * network as it stands, like every other method's (forward transfer reads them).
 * The optimiser starts afresh at every task under the default `optimizerState: per-task`; with
 * `carried`, Adam's moments would cross from one network to the next, so it is warned about.
 * Memory: one copy of the network per task.
 */
import { defineMethod, loadNetwork, saveNetwork, stateReader, type ContinualMethod, type MethodContext, type Network, type StateValue, type TaskData } from '@clbench/core';
import { z } from 'zod';

export const singleTask = defineMethod({
  name: 'single-task',
  paper: 'A fresh network trained on each task alone (the single-task reference row of the permuted-MNIST table of Golkar et al. 2019, arXiv 1903.04476)',
  summary: 'a fresh network per task, each task evaluated with its own (reference: no transfer, no forgetting)',
  supports: ['task', 'domain', 'class'],
  hyperparameters: z.strictObject({}),
  create: () => new SingleTask(),
});

export class SingleTask implements ContinualMethod {
  /** The network trained on each finished task, by task id. */
  readonly copies = new Map<number, Network>();

  setup(ctx: MethodContext): void {
    if (ctx.training.optimizerState === 'carried') {
      ctx.warn("single-task: optimizerState 'carried' carries Adam's moments from one task's network into the next one's: the networks are not independent");
    }
  }

  beforeTask(_task: TaskData, ctx: MethodContext): void {
    if (ctx.finished.length > 0) ctx.net.reinitialise(ctx.rng);        // a fresh network for this task
  }

  afterTask(task: TaskData, ctx: MethodContext): void {
    this.copies.get(task.id)?.dispose();
    this.copies.set(task.id, ctx.net.frozenCopy());                    // task t's own network, kept for its evaluation
  }

  evaluationNetwork(task: TaskData): Network | null {
    return this.copies.get(task.id) ?? null;
  }

  diagnostics() { return { networksKept: this.copies.size }; }

  /** Each finished task's own network, by task id. */
  saveState(): StateValue {
    const copies: Record<string, StateValue> = {};
    for (const [id, net] of this.copies) copies[String(id)] = saveNetwork(net);
    return { copies };
  }

  loadState(state: StateValue, ctx: MethodContext): void {
    this.dispose();
    for (const [id, saved] of Object.entries(stateReader.object(stateReader.object(state, 'single-task').copies, 'single-task.copies'))) {
      const copy = ctx.net.frozenCopy();                                   // the architecture; the values come from the state
      loadNetwork(copy, saved);
      this.copies.set(Number(id), copy);
    }
  }

  dispose(): void {
    for (const copy of this.copies.values()) copy.dispose();
    this.copies.clear();
  }
}
