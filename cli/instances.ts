import { createHash } from 'crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import type { ClusterConfig, InstanceConfig, SandboxConfig } from '../config/types';
import { BUILTIN_CATALOG } from '../constructs/catalog/builtin';
import { mergeCatalog } from '../constructs/catalog/merge';
import type { PodSecurityLevel } from '../constructs/catalog/types';
import { instancePodSecurity } from '../constructs/instance/pod-security';
import { memberInstance } from '../config/instance-groups';
import { suggest } from '../config/suggest';
import { instanceStackName } from '../stacks/names';
import { synthesizeStack } from '../synth/synthesize';
import type { CliContext } from './context';
import { CliError, EXIT } from './io';
import { withLock } from './lock';
import { allRecordStores, recordStore, type InstanceRecord, type RecordStore } from './records';
import { terraformInit } from './terraform';

/** An instance the CLI can act on: from the config file, from its record in the state backend, or both. */
export interface InstanceRef {
  readonly name: string;
  /** Its spec: the record's when there is one (what was last applied), else the config file's entry. */
  readonly instance: InstanceConfig;
  readonly cluster: ClusterConfig;
  /** The file's clusters and catalog with this instance (and its group) only: its stack, quicker to build. */
  readonly config: SandboxConfig;
  readonly inConfig: boolean;
  readonly record?: InstanceRecord;
  readonly store: RecordStore;
}

/** The cluster of that name, or an error that lists the config's clusters and suggests the nearest. */
export function clusterOf(config: SandboxConfig, name: string, what: string): ClusterConfig {
  const cluster = config.clusters.find((c) => c.name === name);
  if (!cluster) {
    const names = config.clusters.map((c) => c.name);
    throw new CliError(
      `${what} is on cluster "${name}", which the config does not declare (it has ${names.join(', ')})${suggest(name, names)}`,
    );
  }
  return cluster;
}

/**
 * The config reduced to one instance: its cluster, the catalog, and, when the instance is a member of an instance
 * group, the group and its other members (each member's stack knows every member's name), so that its stack is the
 * same as in the whole config.
 */
export function withInstance(config: SandboxConfig, instance: InstanceConfig): SandboxConfig {
  const groups = config.instanceGroups ?? [];
  const inGroup = (g: (typeof groups)[number], name: string) => g.members.some((m) => memberInstance(m) === name);
  const group = groups.find((g) => inGroup(g, instance.name));
  const others = group
    ? (config.instances ?? []).filter((i) => i.name !== instance.name && inGroup(group, i.name))
    : [];
  const clusters = new Set([instance.cluster, ...others.map((i) => i.cluster)]);
  return {
    ...config,
    clusters: config.clusters.filter((c) => clusters.has(c.name)),
    instances: [instance, ...others],
    instanceGroups: group ? [group] : [],
  };
}

/** Every instance name the config and the readable record stores know, for suggestions. */
async function knownNames(ctx: CliContext, config: SandboxConfig): Promise<string[]> {
  const names = new Set((config.instances ?? []).map((i) => i.name));
  for (const { store } of allRecordStores(ctx, config)) {
    try {
      for (const r of (await store.list()).records) if (r.status.phase !== 'gone') names.add(r.spec.name);
    } catch {
      // an unreadable store only costs a suggestion here
    }
  }
  return [...names].sort();
}

/** "unknown instance" with the names the CLI knows and the nearest one; exit 1, as kubectl and gh do. */
export async function notFound(ctx: CliContext, config: SandboxConfig, name: string): Promise<CliError> {
  const names = await knownNames(ctx, config);
  return new CliError(
    `unknown instance "${name}"${suggest(name, names)}: neither the config nor a state backend has it; \`sandboxkit instance list\` shows every instance`,
    EXIT.failed,
  );
}

/**
 * Finds an instance by name: the config file first, then the instance records in every cluster's state backend.
 * The record, when there is one, is what was last applied, so its spec is what the stack is rebuilt from. A
 * destroyed instance (its record `gone`) is not found unless `gone` is asked for.
 */
export async function resolveInstance(
  ctx: CliContext,
  config: SandboxConfig,
  name: string,
  options: { gone?: boolean } = {},
): Promise<InstanceRef> {
  const fromConfig = config.instances?.find((i) => i.name === name);
  if (fromConfig) {
    const cluster = clusterOf(config, fromConfig.cluster, `instance "${name}"`);
    const store = recordStore(ctx, config, cluster);
    const found = await store.get(name);
    const record = found && (found.status.phase !== 'gone' || options.gone) ? found : undefined;
    const instance = record && record.status.phase !== 'gone' ? record.spec : fromConfig;
    return { name, instance, cluster, config: withInstance(config, instance), inConfig: true, record, store };
  }
  for (const { store } of allRecordStores(ctx, config)) {
    const record = await store.get(name);
    if (!record || (record.status.phase === 'gone' && !options.gone)) continue;
    const cluster = clusterOf(config, record.spec.cluster, `instance "${name}" (recorded in ${store.where})`);
    return {
      name,
      instance: record.spec,
      cluster,
      config: withInstance(config, record.spec),
      inConfig: false,
      record,
      store: recordStore(ctx, config, cluster),
    };
  }
  throw await notFound(ctx, config, name);
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

/** Where a stack's initialization is described: what `terraform init` depends on. */
const INIT_STAMP = join('.terraform', 'sandboxkit-init.sha256');

/** What `terraform init` of a stack depends on: its providers and backend, and where providers come from. */
function initFingerprint(ctx: CliContext, dir: string): string {
  const stack = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as { terraform?: unknown };
  const env = ['TF_CLI_CONFIG_FILE', 'TF_PLUGIN_CACHE_DIR'].map((k) => ctx.io.env[k] ?? '');
  return createHash('sha256')
    .update(JSON.stringify([stack.terraform, env]))
    .digest('hex');
}

/**
 * Synthesizes one stack of `config` and initializes it; returns its folder. The folder's `.terraform` (providers,
 * backend) and lock file are kept across synths, and `terraform init` runs only when the stack's providers or
 * backend changed since the last one: most commands on a stack skip it.
 */
export async function prepareNamedStack(
  ctx: CliContext,
  config: SandboxConfig,
  stack: string,
  /** Runs after synthesis, before `terraform init`: the check that the cluster answers. */
  beforeInit?: () => Promise<void>,
): Promise<string> {
  const dir = join(resolve(ctx.outdir), 'stacks', stack);
  const kept = [
    { path: join(dir, '.terraform'), aside: `${dir}.terraform-${process.pid}` },
    { path: join(dir, '.terraform.lock.hcl'), aside: `${dir}.lock-${process.pid}` },
  ].filter((k) => existsSync(k.path));
  for (const k of kept) renameSync(k.path, k.aside);
  try {
    synthesizeStack(config, ctx.outdir, stack, (line) => ctx.io.err(line));
  } finally {
    for (const k of kept) {
      if (existsSync(dir)) renameSync(k.aside, k.path);
      else rmSync(k.aside, { recursive: true, force: true });
    }
  }
  await beforeInit?.();
  const fingerprint = initFingerprint(ctx, dir);
  const stamp = join(dir, INIT_STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) return dir;
  await terraformInit(ctx, dir);
  writeFileSync(stamp, fingerprint);
  return dir;
}

/** {@link prepareNamedStack} of an instance's stack, from its scoped config. */
export function prepareStack(
  ctx: CliContext,
  ref: Pick<InstanceRef, 'config' | 'name'>,
  beforeInit?: () => Promise<void>,
): Promise<string> {
  return prepareNamedStack(ctx, ref.config, instanceStackName(ref.name), beforeInit);
}

export interface InstanceOutputs {
  readonly namespace?: string;
  readonly createdAt?: string;
  readonly expiresAt?: string;
  /** The instance never expires. */
  readonly protected?: boolean;
  readonly hostnames: readonly string[];
}

export function outputsFrom(raw: Record<string, { value: unknown }>): InstanceOutputs | undefined {
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
 * The outputs of an applied stack: those the apply reported at its end, else `terraform output` of its folder;
 * undefined when it has none.
 */
export async function stackOutputs(
  ctx: CliContext,
  dir: string,
  reported?: Readonly<Record<string, { readonly value: unknown }>>,
): Promise<InstanceOutputs | undefined> {
  if (reported) return outputsFrom(reported as Record<string, { value: unknown }>);
  const result = await ctx.tools.run('terraform', [`-chdir=${dir}`, 'output', '-json', '-no-color']);
  if (result.code !== 0) return undefined;
  try {
    return outputsFrom(JSON.parse(result.stdout || '{}'));
  } catch {
    return undefined;
  }
}

/** The resource addresses in the stack's state (`terraform state list`); empty when it has none. */
export async function stateAddresses(ctx: CliContext, dir: string): Promise<string[]> {
  const r = await ctx.tools.run('terraform', [`-chdir=${dir}`, 'state', 'list', '-no-color']);
  return r.code === 0
    ? r.stdout
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
    : [];
}

/**
 * The Terraform address of the instance's expiry (the `time_offset` of its namespace), read from the synthesized
 * stack. `extend` replaces it so that the expiry moves even when the TTL stays the same.
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

/**
 * The Pod Security level the instance's namespace enforces, by the rule its SandboxInstance applies: restricted,
 * unless a block's catalog entry lowers it. Blocks the catalog does not hold are left out.
 */
export function podSecurityOf(
  config: SandboxConfig,
  instance: InstanceConfig,
): { level: PodSecurityLevel; loweredBy: string[] } {
  const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
  const blocks = instance.blocks.flatMap((block) => {
    const name = typeof block === 'string' ? block : block.name;
    const entry = catalog.get(name);
    return entry ? [{ name, entry }] : [];
  });
  const pss = instancePodSecurity(blocks);
  return { level: pss.level, loweredBy: pss.loweredBy.map((b) => b.block) };
}

export const namespaceOf = (instance: InstanceConfig): string => instance.namespace ?? instance.name;
