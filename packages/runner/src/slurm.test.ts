import { describe, expect, it } from 'vitest';
import { sbatchScript } from './slurm.js';

describe('sbatch job-array script', () => {
  it('holds the array, partition and GPU directives and runs one pool process per GPU', () => {
    const s = sbatchScript({ suite: '/s/suite.json', out: '/r/out', array: 4, clbench: 'node /x/main.js', jobName: 'clbench-x', partition: 'gpu', gpusPerTask: 2, time: '01:00:00', runArgs: ['--retries', '1'] });
    expect(s.split('\n').filter((l) => l.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=clbench-x', '#SBATCH --array=0-3', '#SBATCH --output=/r/out/slurm/%A_%a.log', '#SBATCH --ntasks=1',
      '#SBATCH --partition=gpu', '#SBATCH --gpus-per-task=2', '#SBATCH --time=01:00:00',
    ]);
    expect(s).toContain('exec node /x/main.js run /s/suite.json --out /r/out --retries 1 --workers 1 ${CUDA_VISIBLE_DEVICES:+--devices "$CUDA_VISIBLE_DEVICES"}');
    expect(() => sbatchScript({ suite: 'a', out: 'b', array: 0, clbench: 'c', jobName: 'd' })).toThrow('--array');
  });
});
