import { existsSync, readFileSync, rmSync } from 'fs';
import { join, resolve } from 'path';
import type { ClusterConfig, InstanceConfig, SandboxConfig } from '../config/types';
import { BUILTIN_CATALOG } from '../constructs/catalog/builtin';
import { mergeCatalog } from '../constructs/catalog/merge';
import type { PodSecurityLevel } from '../constructs/catalog/types';
import { instanceStackName } from '../stacks/names';
import { synthesizeStack } from '../stacks/synthesize';
import type { CliContext } from './context';
import { markApplied } from './activity';
import { withFileSecrets } from './file-secrets';
import { CliError, EXIT } from './io';
import { withLock } from './lock';
import { LocalRecords, allRecordStores, recordStore, type InstanceRecord, type RecordStore } from './records';
import { terraformChange, terraformInit } from './terraform';

/** An instance the CLI can act on: from the config file, from its record in the state backend, or both. */
export interface InstanceRef {
  readonly name: string;
  readonly instance: InstanceConfig;
  readonly cluster: ClusterConfig;
  /** The file's clusters and catalog with this instance only: its stack is the same as in the whole config, and quicker to build. */
  readonly config: SandboxConfig;
  readonly inConfig: boolean;
  readonly record?: InstanceRecord;
  readonly store: RecordStore;
}

export function clusterOf(config: SandboxConfig, name: string, what: string): ClusterConfig {
  const cluster = config.clusters.find((c) => c.name === name);
  if (!cluster)
    throw new CliError(
      `${what} is on cluster "${name}", which the config does not declare (it has ${config.clusters.map((c) => c.name).join(', ')})`,
    );
  return cluster;
}

export function withInstance(config: SandboxConfig, instance: InstanceConfig): SandboxConfig {
  return { ...config, clusters: config.clusters.filter((c) => c.name === instance.cluster), instances: [instance] };
}

/**
 * Finds an instance by name: the config file first, then the instance
 * records in every cluster's state backend. The record, when there is one,
 * is what was deployed, so it is what the stack is rebuilt from.
 */
export async function resolveInstance(ctx: CliContext, config: SandboxConfig, name: string): Promise<InstanceRef> {
  const fromConfig = config.instances?.find((i) => i.name === name);
  if (fromConfig) {
    const cluster = clusterOf(config, fromConfig.cluster, `instance "${name}"`);
    const store = recordStore(ctx, config, cluster);
    const record = await store.get(name);
    const instance = record?.instance ?? fromConfig;
    return { name, instance, cluster, config: withInstance(config, instance), inConfig: true, record, store };
  }
  for (const { store } of allRecordStores(ctx, config)) {
    const record = await store.get(name);
    if (!record) continue;
    const cluster = clusterOf(config, record.instance.cluster, `instance "${name}" (recorded in ${store.where})`);
    return {
      name,
      instance: record.instance,
      cluster,
      config: withInstance(config, record.instance),
      inConfig: false,
      record,
      store: recordStore(ctx, config, cluster),
    };
  }
  const known = (config.instances ?? []).map((i) => i.name).join(', ') || 'none';
  throw new CliError(
    `unknown instance "${name}": the config has ${known}, and no state backend holds a record of it; \`sandboxkit instance list\` shows every instance`,
  );
}

export function stackDir(ctx: CliContext, name: string): string {
  return join(resolve(ctx.outdir), 'stacks', instanceStackName(name));
}

/** Holds the instance's lock while `work` runs, so that gc, extend and destroy of one instance never overlap on this machine. */
export function withInstanceLock<T>(ctx: CliContext, name: string, work: () => Promise<T>): Promise<T> {
  return withLock(
    join(resolve(ctx.outdir), '.locks', `${instanceStackName(name)}.lock`),
    `instance "${name}"`,
    work,
    10 * 60_000,
  );
}

/** Synthesizes the instance's stack and runs `terraform init` in it; returns its folder. */
export async function prepareStack(ctx: CliContext, ref: Pick<InstanceRef, 'config' | 'name'>): Promise<string> {
  const dir = synthesizeStack(ref.config, ctx.outdir, instanceStackName(ref.name), (line) => ctx.io.err(line));
  await terraformInit(ctx, dir);
  return dir;
}

/** Synthesizes, initializes and applies (or plans) the instance's stack. */
export async function deployInstance(
  ctx: CliContext,
  ref: Pick<InstanceRef, 'config' | 'name'>,
  options: { dryRun?: boolean; replace?: readonly string[] } = {},
): Promise<void> {
  const dir = await prepareStack(ctx, ref);
  const replace = (options.replace ?? []).map((a) => `-replace=${a}`);
  const verb = options.dryRun ? 'plan' : 'apply';
  await withFileSecrets(ctx, ref.config, ref.name, verb, (secrets) =>
    terraformChange(ctx, dir, verb, [...replace, ...secrets]),
  );
  const instance = ref.config.instances?.find((i) => i.name === ref.name);
  if (verb === 'apply' && instance)
    await markApplied(
      ctx,
      clusterOf(ref.config, instance.cluster, `instance "${ref.name}"`),
      instance.namespace ?? instance.name,
    );
}

/** Destroys the instance's resources, then forgets its record and state. */
export async function destroyInstance(ctx: CliContext, ref: InstanceRef): Promise<void> {
  const dir = await prepareStack(ctx, ref);
  await withFileSecrets(ctx, ref.config, ref.name, 'destroy', (secrets) =>
    terraformChange(ctx, dir, 'destroy', secrets),
  );
  await ref.store.forget(ref.name);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The Terraform address of the instance's expiry (the `time_offset` of its
 * namespace), read from the synthesized stack. `extend` replaces it so that
 * the expiry moves even when the TTL stays the same.
 */
export function expiryAddress(dir: string): string {
  const stack = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as {
    resource?: Record<string, Record<string, { '//'?: { metadata?: { path?: string } } }>>;
  };
  const offsets = Object.entries(stack.resource?.time_offset ?? {});
  const expiry =
    offsets.find(([, r]) => r['//']?.metadata?.path?.endsWith('/Namespace/Expiry')) ??
    (offsets.length === 1 ? offsets[0] : undefined);
  if (!expiry) throw new CliError(`the stack in ${dir} has no instance expiry (time_offset) to replace`, EXIT.failed);
  return `time_offset.${expiry[0]}`;
}

export interface InstanceOutputs {
  readonly namespace?: string;
  readonly createdAt?: string;
  readonly expiresAt?: string;
  /** The instance never expires. */
  readonly protected?: boolean;
  readonly hostnames: readonly string[];
}

function outputsFrom(raw: Record<string, { value: unknown }>): InstanceOutputs | undefined {
  if (Object.keys(raw).length === 0) return undefined;
  const str = (k: string) => (typeof raw[k]?.value === 'string' ? (raw[k].value as string) : undefined);
  return {
    namespace: str('namespace'),
    createdAt: str('created_at'),
    expiresAt: str('expires_at'),
    ...(raw.protected?.value === true ? { protected: true } : {}),
    hostnames: Array.isArray(raw.hostnames?.value) ? (raw.hostnames.value as string[]) : [],
  };
}

/**
 * The instance's Terraform outputs, or undefined when it has none (never
 * applied, or destroyed). Read from its stack folder when there is one here,
 * from the local state file, or, with `fetch`, by initializing its stack
 * against the remote state.
 */
export async function readOutputs(
  ctx: CliContext,
  ref: InstanceRef,
  fetch = false,
): Promise<InstanceOutputs | undefined> {
  let dir = stackDir(ctx, ref.name);
  if (!existsSync(dir)) {
    const local = ref.store instanceof LocalRecords ? ref.store.stateFile(ref.name) : undefined;
    if (local && existsSync(local)) {
      const state = JSON.parse(readFileSync(local, 'utf8')) as { outputs?: Record<string, { value: unknown }> };
      return outputsFrom(state.outputs ?? {});
    }
    if (!fetch) return undefined;
    dir = await prepareStack(ctx, ref);
  }
  const result = await ctx.tools.run('terraform', [`-chdir=${dir}`, 'output', '-json', '-no-color']);
  if (result.code !== 0) return undefined;
  try {
    return outputsFrom(JSON.parse(result.stdout || '{}'));
  } catch {
    return undefined;
  }
}

/** Whether outputs say the instance has expired at `now`. */
export function isExpired(outputs: InstanceOutputs | undefined, now: Date): boolean {
  return outputs?.expiresAt !== undefined && Date.parse(outputs.expiresAt) <= now.getTime();
}

const LEVELS: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/** The Pod Security level the instance's namespace enforces: restricted, unless a block's catalog entry lowers it. */
export function podSecurityOf(
  config: SandboxConfig,
  instance: InstanceConfig,
): { level: PodSecurityLevel; loweredBy: string[] } {
  const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
  let level: PodSecurityLevel = 'restricted';
  const loweredBy: string[] = [];
  for (const block of instance.blocks) {
    const name = typeof block === 'string' ? block : block.name;
    const wanted = catalog.get(name)?.podSecurity?.level;
    if (!wanted) continue;
    loweredBy.push(name);
    if (LEVELS.indexOf(wanted) > LEVELS.indexOf(level)) level = wanted;
  }
  return { level, loweredBy };
}
