import { describe, expect, it } from 'vitest';
import { adapterName } from './webgpu.js';

describe('CLBENCH_GPU → the name Dawn selects an adapter by', () => {
  const two = ['NVIDIA H100 80GB HBM3', 'NVIDIA A100-SXM4-40GB'];
  it('an index picks that adapter of the list; a name part is passed through', () => {
    expect(adapterName('1', two)).toBe('NVIDIA A100-SXM4-40GB');
    expect(adapterName('0', two)).toBe('NVIDIA H100 80GB HBM3');
    expect(adapterName('A100', two)).toBe('A100');
  });
  it('refuses an index past the list, and a GPU Dawn cannot tell from an earlier one', () => {
    expect(() => adapterName('2', two)).toThrow(/lists 2 adapter\(s\)/);
    const same = ['NVIDIA H100 80GB HBM3', 'NVIDIA H100 80GB HBM3'];
    expect(adapterName('0', same)).toBe('NVIDIA H100 80GB HBM3');
    expect(() => adapterName('1', same)).toThrow(/same name as an earlier one/);
  });
});
