/**
 * A network's state for a per-task checkpoint: every parameter, the update masks (`trainable`),
 * the per-head weight masks and unit gates, and the dropout stream. The architecture is not saved:
 * a checkpoint is loaded into a network built from the same config (the runner checks the config).
 */
import { tf } from './backend.js';
import type { Network } from './network.js';
import { stateReader as read, type StateValue } from './state.js';

export function saveNetwork(net: Network): StateValue {
  const layers = net.layers.map((l) => {
    if (l.unitMask) throw new Error(`network ${l.name}: a trial unit mask is set; checkpoints are taken between tasks, where none is`);
    return { headWeightMasks: byHead(l.headWeightMasks), headUnitMasks: byHead(l.headUnitMasks) };
  });
  const params: Record<string, StateValue> = {};
  for (const p of net.params()) params[p.name] = p.variable;
  return { params, trainable: Object.fromEntries(net.trainable), layers, dropout: net.dropoutRng.state() };
}

/** Load `saveNetwork`'s state into a network of the same architecture (takes ownership of its tensors). */
export function loadNetwork(net: Network, state: StateValue): void {
  const s = read.object(state, 'network');
  const params = read.object(s.params, 'network.params');
  for (const p of net.params()) {
    const t = read.tensor(params[p.name], `network.params.${p.name}`);
    if (!tf.util.arraysEqual(t.shape, p.variable.shape)) throw new Error(`state network.params.${p.name}: shape [${t.shape}], the network's is [${p.variable.shape}]`);
    p.variable.assign(t);
    t.dispose();
  }
  for (const m of net.trainable.values()) m.dispose();
  net.trainable.clear();
  for (const [name, mask] of Object.entries(read.object(s.trainable, 'network.trainable'))) net.trainable.set(name, read.tensor(mask, `network.trainable.${name}`));
  for (const l of net.layers) {
    for (const m of [...l.headWeightMasks.values(), ...l.headUnitMasks.values()]) m.dispose();
    l.headWeightMasks.clear(); l.headUnitMasks.clear();
  }
  read.array(s.layers, 'network.layers').forEach((entry, i) => {
    const e = read.object(entry, `network.layers[${i}]`);
    for (const [h, m] of Object.entries(read.object(e.headWeightMasks, `network.layers[${i}].headWeightMasks`))) net.setHeadWeightMask(i, Number(h), read.tensor(m, `network.layers[${i}].headWeightMasks.${h}`));
    for (const [h, g] of Object.entries(read.object(e.headUnitMasks, `network.layers[${i}].headUnitMasks`))) net.setHeadUnitMask(i, Number(h), read.tensor(g, `network.layers[${i}].headUnitMasks.${h}`) as tf.Tensor1D);
  });
  net.dropoutRng.setState(read.numbers(s.dropout, 'network.dropout'));
}

function byHead(masks: Map<number, tf.Tensor>): Record<string, StateValue> {
  const out: Record<string, StateValue> = {};
  for (const [h, m] of masks) out[String(h)] = m;
  return out;
}
