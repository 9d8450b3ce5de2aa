import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { MessagePort } from 'worker_threads';
import type { SandboxConfig } from '../config/types';

/** Which stacks of a config one App builds. */
export interface StackSelection {
  /** The state, cluster, platform and shared stacks. */
  readonly base: boolean;
  /** Instances whose stacks to build, by name. */
  readonly instances: ReadonlySet<string>;
}

/** Below this many instances a shard costs more to start (module loading) than it saves. */
export const INSTANCES_PER_SHARD = 50;
/** Rough cost of one cluster's base stacks (cluster, platform, shared) in instance stacks. */
const BASE_COST_PER_CLUSTER = 6;

/**
 * How many shards to synthesize a config in: one per core the machine offers, but no
 * more than one per {@link INSTANCES_PER_SHARD} instances. `requested` (from
 * `SANDBOXKIT_SYNTH_SHARDS`) overrides the choice; 1 synthesizes in one thread.
 */
export function shardCount(instances: number, cores: number, requested?: string): number {
  if (requested !== undefined && requested !== '') {
    const n = Number(requested);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`SANDBOXKIT_SYNTH_SHARDS: expected a whole number of at least 1, got "${requested}"`);
    return Math.min(n, Math.max(1, instances));
  }
  return Math.max(1, Math.min(cores, Math.floor(instances / INSTANCES_PER_SHARD)));
}

/**
 * Splits a config's stacks into `count` selections of about equal cost. The first
 * holds the base stacks and fewer instances; instances go round the others in
 * config order, so each shard's share is spread over the clusters like the whole.
 */
export function planShards(config: SandboxConfig, count: number): StackSelection[] {
  const names = (config.instances ?? []).map((i) => i.name);
  if (count <= 1) return [{ base: true, instances: new Set(names) }];
  const total = names.length + BASE_COST_PER_CLUSTER * config.clusters.length;
  const first = Math.max(
    0,
    Math.min(names.length, Math.round(total / count) - BASE_COST_PER_CLUSTER * config.clusters.length),
  );
  const shards: string[][] = [names.slice(0, first), ...Array.from({ length: count - 1 }, () => [])];
  names.slice(first).forEach((name, i) => shards[1 + (i % (count - 1))].push(name));
  return shards.map((instances, i) => ({ base: i === 0, instances: new Set(instances) }));
}

interface Manifest {
  readonly version: string;
  readonly stacks: Record<string, unknown>;
}

/** The serializer cdktf writes its manifest with (a dependency cdktf bundles), so a merged manifest has the same bytes. */
function cdktfStringify(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved inside cdktf's own dependencies
  const stringify = require(require.resolve('json-stable-stringify', { paths: [require.resolve('cdktf')] })) as (
    v: unknown,
    o: { space: number },
  ) => string;
  return stringify(value, { space: 2 });
}

/**
 * Moves the stacks and chart archives of shard outputs into `target` (the first
 * shard's output) and writes one manifest listing every stack.
 */
export function mergeShardOutputs(target: string, others: readonly string[]): void {
  const manifestPath = join(target, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const stacks = { ...manifest.stacks };
  for (const dir of others) {
    const part = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (part.version !== manifest.version)
      throw new Error(`shard output ${dir} was written by cdktf ${part.version}, not ${manifest.version}`);
    mkdirSync(join(target, 'stacks'), { recursive: true });
    for (const name of Object.keys(part.stacks)) {
      if (name in stacks) throw new Error(`stack "${name}" was synthesized by two shards`);
      stacks[name] = part.stacks[name];
      renameSync(join(dir, 'stacks', name), join(target, 'stacks', name));
    }
    const charts = join(dir, 'chart-packages');
    if (!existsSync(charts)) continue;
    mkdirSync(join(target, 'chart-packages'), { recursive: true });
    for (const file of readdirSync(charts)) {
      // Archive names carry their content hash: the same name is the same bytes.
      if (!existsSync(join(target, 'chart-packages', file)))
        cpSync(join(charts, file), join(target, 'chart-packages', file));
    }
  }
  writeFileSync(manifestPath, cdktfStringify({ ...manifest, stacks }));
}

/** What the synthesizing thread hands a shard thread. */
export interface ShardTask {
  readonly config: SandboxConfig;
  readonly instances: readonly string[];
  readonly outdir: string;
  /** Set to 1 when the shard is done, whatever the outcome. */
  readonly done: Int32Array;
  /** Receives `{ error?: string }` (the message of what the shard threw) before `done` is set. */
  readonly port: MessagePort;
}
