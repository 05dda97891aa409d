/**
 * Entry point of a device process (see devices.ts): hosts a ThreadPool with the options
 * given as argv[2] (JSON) and serves run requests over IPC. CUDA_VISIBLE_DEVICES was set by
 * the coordinator when it forked this process.
 */
import type { HostReply, HostRequest } from './devices.js';
import { requestStop, ThreadPool, type PoolOptions } from './pool.js';

const pool = new ThreadPool(JSON.parse(process.argv[2]) as PoolOptions);
const reply = (m: HostReply) => { if (process.connected) process.send!(m); };

process.on('message', (m: HostRequest) => {
  void pool.run(m.spec, m.attempt, (message) => reply({ type: 'message', id: m.id, message }))
    .then((result) => reply({ type: 'result', id: m.id, result }));
});
// Preemption reaches every process of the job: stop this process's runs at the next step boundary.
process.on('SIGTERM', requestStop);
// The coordinator closed the channel (done, or killed): stop at once.
process.on('disconnect', () => { void pool.close().finally(() => process.exit(0)); });
