import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { environment, environmentLines } from './environment.js';
import { runSet } from './runs.fixtures.js';

const h100 = { vendor: 'nvidia', architecture: '', device: 'nvidia-h100-80gb-hbm3', description: 'NVIDIA: 580.159.04', dawnBackend: 'vulkan', selector: '0' };

describe('environment block: GPUs', () => {
  it('counts webgpu runs per adapter, and has no GPUs line without them', () => {
    const runs = runSet({ methods: ['naive', 'clnp'], seeds: 3, T: 2 });
    const onGpu = runs.map((r, i) => (i < 4 ? { ...r, backend: 'webgpu', gpu: h100 } : r));
    const lines = Object.fromEntries(environmentLines(environment(aggregate(onGpu).suites[0].methods, { resultsDirs: ['x'] })));
    expect(lines.GPUs).toBe('nvidia-h100-80gb-hbm3 (NVIDIA: 580.159.04) (4 runs)');
    expect(lines.backends).toContain('webgpu (4 runs)');
    expect(Object.fromEntries(environmentLines(environment(aggregate(runs).suites[0].methods, { resultsDirs: ['x'] }))).GPUs).toBeUndefined();
  });
});
