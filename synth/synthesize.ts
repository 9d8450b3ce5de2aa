import { existsSync, mkdirSync, renameSync, rmSync } from 'fs';
import { availableParallelism } from 'os';
import { dirname, join, resolve } from 'path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'worker_threads';
import type { SandboxConfig } from '../config/types';
import { instanceStackName } from '../stacks/names';
import { buildSandbox, type SandboxStacks } from '../stacks/sandbox-app';
import { newApp, synthesizeSelection } from './app';
import { mergeShardOutputs, planShards, shardCount, type ShardTask, type StackSelection } from './shards';
import { formatWarning, synthWarnings, type SynthWarning } from './warnings';

export { newApp, synthesizeSelection } from './app';

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly string[];
  /** Every construct warning of every stack, as `manifest.json` records them. */
  readonly warnings: readonly SynthWarning[];
}

/** The compiled shard thread; run from TypeScript sources there is none, and synthesis stays in one thread. */
const WORKER = join(__dirname, 'worker.js');
/** A shard that has not signalled by then is taken as lost (a thread that could not even start). */
const SHARD_TIMEOUT_MS = 30 * 60 * 1000;

export interface SynthOptions {
  /**
   * Threads to synthesize in; instance stacks are independent, so they are split
   * between threads and the outputs merged.
   * @default one per core, at most one per 50 instances; `SANDBOXKIT_SYNTH_SHARDS` overrides
   */
  readonly shards?: number;
}

/**
 * Builds every stack of `config` and writes them to `outdir`. Output goes to a
 * sibling folder first and replaces `outdir` only when the whole synth worked,
 * so a failed run leaves the previous output untouched. The output is the same
 * bytes however many shards made it.
 */
export function synthesize(config: SandboxConfig, outdir: string, options: SynthOptions = {}): SynthResult {
  const target = resolve(outdir);
  const staging = `${target}.staging-${process.pid}`;
  const count = existsSync(WORKER)
    ? (options.shards ??
      shardCount(config.instances?.length ?? 0, availableParallelism(), process.env.SANDBOXKIT_SYNTH_SHARDS))
    : 1;
  const [own, ...others] = planShards(config, count);
  const shardDirs = others.map((_, i) => `${staging}.shard-${i + 1}`);
  for (const dir of [staging, ...shardDirs]) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  try {
    const threads = others.map((selection, i) => startShard(config, selection, shardDirs[i], i));
    let stacks: SandboxStacks | undefined;
    let failure: unknown;
    try {
      stacks = synthesizeSelection(config, staging, own);
    } catch (err) {
      failure = err;
    }
    const shardFailure = waitForShards(threads);
    if (failure !== undefined || !stacks) throw failure;
    if (shardFailure) throw new Error(shardFailure);
    mergeShardOutputs(staging, shardDirs);
    swapInto(staging, target);
    return {
      outdir: target,
      stacks: [
        ...stacks.states.keys(),
        ...stacks.clusters.keys(),
        ...stacks.platforms.keys(),
        ...instanceStackNames(config),
      ],
      warnings: synthWarnings(target),
    };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    for (const dir of shardDirs) rmSync(dir, { recursive: true, force: true });
  }
}

interface ShardThread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly done: Int32Array;
}

function startShard(config: SandboxConfig, selection: StackSelection, outdir: string, index: number): ShardThread {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const task: ShardTask = { config, instances: [...selection.instances], outdir, done, port: port2 };
  const worker = new Worker(WORKER, { workerData: task, transferList: [port2], name: `synth-shard-${index + 1}` });
  return { worker, port: port1, done };
}

/**
 * Blocks until every shard has signalled; returns the first shard's error message.
 * The synthesizing thread stays synchronous: shards signal through shared memory
 * and report through a port read without the event loop.
 */
function waitForShards(threads: readonly ShardThread[]): string | undefined {
  const errors: string[] = [];
  for (const { port, done, worker } of threads) {
    if (Atomics.wait(done, 0, 0, SHARD_TIMEOUT_MS) === 'timed-out')
      errors.push(`no answer from ${worker.threadId} in ${SHARD_TIMEOUT_MS / 60000} minutes`);
    const report = receiveMessageOnPort(port)?.message as { error?: string } | undefined;
    if (report?.error) errors.push(report.error);
    port.close();
    void worker.terminate();
  }
  return errors[0];
}

/**
 * Synthesizes only `stackName` and replaces just its folder under
 * `<outdir>/stacks/`, so commands working on different instances at the same
 * time never overwrite each other's output. Returns the stack's folder; each of
 * the stack's construct warnings goes to `warn`, as one line.
 */
export function synthesizeStack(
  config: SandboxConfig,
  outdir: string,
  stackName: string,
  warn: (line: string) => void = () => undefined,
): string {
  const target = resolve(outdir);
  const staging = `${target}.staging-${process.pid}-${stackName}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const app = newApp(staging);
    const stacks = buildSandbox(app, config);
    if (!stackNames(stacks).includes(stackName)) throw new Error(`no stack named "${stackName}" in the config`);
    app.synth();
    for (const w of synthWarnings(staging).filter((x) => x.stack === stackName)) warn(formatWarning(w));
    const dest = join(target, 'stacks', stackName);
    mkdirSync(dirname(dest), { recursive: true });
    swapInto(join(staging, 'stacks', stackName), dest);
    return dest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function swapInto(staging: string, target: string): void {
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(staging, target);
  rmSync(old, { recursive: true, force: true });
}

function stackNames(stacks: SandboxStacks): string[] {
  return [
    ...stacks.states.keys(),
    ...stacks.clusters.keys(),
    ...stacks.platforms.keys(),
    ...stacks.shared.keys(),
    ...stacks.instances.keys(),
  ];
}

function instanceStackNames(config: SandboxConfig): string[] {
  return (config.instances ?? []).map((i) => instanceStackName(i.name));
}
