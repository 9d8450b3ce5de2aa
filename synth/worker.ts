// First: compiled code kept between runs, cdktf's zip library loaded only if used.
import './process-start';
import { flushCompileCache } from './compile-cache';
import { workerData } from 'worker_threads';
import type { ShardTask } from './shards';

/*
 * A shard thread: builds and synthesizes the instance stacks it is given into its own
 * folder. It always reports and signals, so the synthesizing thread, which waits
 * without an event loop, never waits for a shard that died.
 */
const task = workerData as ShardTask;
let error: string | undefined;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded inside the try, so a loading failure is reported too
  const { synthesizeSelection } = require('./app') as typeof import('./app');
  synthesizeSelection(task.config, task.outdir, { base: false, instances: new Set(task.instances) });
} catch (err) {
  error = err instanceof Error ? err.message : String(err);
} finally {
  // The thread is terminated once it signals, so it writes its compiled code first.
  flushCompileCache();
  task.port.postMessage({ error });
  Atomics.store(task.done, 0, 1);
  Atomics.notify(task.done, 0);
}
