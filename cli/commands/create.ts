import { readFileSync } from 'fs';
import { parse } from 'yaml';
import { ConfigError, type ConfigIssue } from '../../config/load';
import type { ClusterConfig, InstanceConfig, SandboxConfig } from '../../config/types';
import { positionOf } from '../config-position';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import { mergeValues } from '../../constructs/instance/values';
import { instanceIndex } from '../config-store';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { clusterOf, deployInstance, resolveInstance, withInstance, withInstanceLock, type InstanceRef } from '../instances';
import { recordStore, type InstanceRecord } from '../records';
import { suggest } from '../../config/suggest';
import { TerraformError } from '../terraform';
import { appendItem, replaceItem } from '../yaml-edit';

export interface CreateOptions {
  readonly name: string;
  readonly cluster: string;
  readonly owner: string;
  readonly blocks: readonly string[];
  readonly mocks: readonly string[];
  /** Shared blocks of the cluster the instance uses. @default [] */
  readonly uses?: readonly string[];
  /** `variant` for every block that offers it, or `block:variant`. */
  readonly datasets: readonly string[];
  readonly ttlHours: number;
  readonly size?: string;
  /** `block.path=value`, as `helm --set` takes them. */
  readonly set: readonly string[];
  /** YAML files that map block names to values. */
  readonly values: readonly string[];
  readonly dryRun: boolean;
  /** Leave the config file as it is; the record in the state backend is how later commands find the instance. */
  readonly keepConfig: boolean;
  /** Apply this definition to an instance that exists instead of refusing. */
  readonly update: boolean;
}

/** Splits `a.b\.c=v` into the path [a, b.c] and the value, read as a YAML scalar (so `true` and `3` keep their type). */
export function parseSet(spec: string): { path: string[]; value: unknown } {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new CliError(`--set ${spec}: expected block.path=value, e.g. payments.image.tag=pr-42`);
  const path = spec.slice(0, eq).split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
  if (path.length < 2 || path.some((p) => !p)) throw new CliError(`--set ${spec}: expected block.path=value, e.g. payments.image.tag=pr-42`);
  const raw = spec.slice(eq + 1);
  let value: unknown = raw;
  try {
    const parsed = parse(raw);
    if (parsed === null || ['string', 'number', 'boolean'].includes(typeof parsed)) value = parsed ?? raw;
  } catch {
    // not YAML: kept as the string it is
  }
  return { path, value };
}

/** Per-block values from `--values` files, then `--set`, later ones winning. */
export function blockValues(opts: Pick<CreateOptions, 'blocks' | 'set' | 'values'>): Map<string, Record<string, unknown>> {
  const values = new Map<string, Record<string, unknown>>();
  const add = (block: string, addition: Record<string, unknown>, flag: string) => {
    if (!opts.blocks.includes(block)) {
      throw new CliError(`${flag}: "${block}" is not one of the instance's blocks (${opts.blocks.join(', ')})${suggest(block, opts.blocks)}`);
    }
    values.set(block, mergeValues(values.get(block) ?? {}, addition) as Record<string, unknown>);
  };
  for (const file of opts.values) {
    let data: unknown;
    try {
      data = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new CliError(`--values ${file}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new CliError(`--values ${file}: expected a mapping of block names to values`);
    for (const [block, v] of Object.entries(data)) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CliError(`--values ${file}: ${block}: expected a mapping of values`);
      add(block, v as Record<string, unknown>, `--values ${file}`);
    }
  }
  for (const spec of opts.set) {
    const { path, value } = parseSet(spec);
    const nested = path.slice(1).reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
    add(path[0], nested, `--set ${spec}`);
  }
  return values;
}

/** The config path of a field of the new instance, as the flag that set it. */
const FLAG_OF: Record<string, string> = {
  name: '<name>',
  cluster: '--cluster',
  owner: '--owner',
  ttlHours: '--ttl',
  size: '--size',
  blocks: '--blocks',
  mocks: '--mocks',
  uses: '--uses',
  datasets: '--dataset',
};

/** Issues about the new instance are reported against the flags that set it; issues elsewhere keep their file and line. */
function asFlagErrors(err: ConfigError, index: number): CliError | ConfigError {
  const prefix = `instances[${index}]`;
  const own = err.issues.filter((i) => i.path === prefix || i.path.startsWith(`${prefix}.`));
  if (own.length === 0) return err;
  const others: ConfigIssue[] = err.issues.filter((i) => !own.includes(i));
  if (others.length) return new ConfigError(err.file, others);
  const lines = own.map((i) => {
    const field = i.path.slice(prefix.length + 1).split(/[.[]/)[0];
    const flag = /\.values(\.|$)/.test(i.path) ? '--set/--values' : (FLAG_OF[field] ?? i.path);
    return `${flag}: ${i.message}`;
  });
  return new CliError(lines.length === 1 ? lines[0] : `the new instance has ${lines.length} problems:\n  ${lines.join('\n  ')}`);
}

function instanceFrom(opts: CreateOptions, config: SandboxConfig): InstanceConfig {
  const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
  const datasets = opts.datasets.flatMap((spec) => {
    if (spec.includes(':')) {
      const [block, variant] = spec.split(':', 2);
      return [{ block, variant }];
    }
    const offering = opts.blocks.filter((b) => catalog.get(b)?.datasets?.[spec]);
    if (offering.length === 0) throw new CliError(`--dataset ${spec}: none of the blocks ${opts.blocks.join(', ')} offers it`);
    return offering.map((block) => ({ block, variant: spec }));
  });
  const values = blockValues(opts);
  return {
    name: opts.name,
    cluster: opts.cluster,
    owner: opts.owner,
    ttlHours: opts.ttlHours,
    blocks: opts.blocks.map((b) => (values.has(b) ? { name: b, values: values.get(b)! } : b)),
    ...(opts.size ? { size: opts.size as InstanceConfig['size'] } : {}),
    ...(opts.mocks.length ? { mocks: [...opts.mocks] as InstanceConfig['mocks'] } : {}),
    ...(opts.uses?.length ? { uses: [...opts.uses] } : {}),
    ...(datasets.length ? { datasets } : {}),
  };
}

/** Refuses `--uses` of a block the cluster's config does not share, naming where the cluster is declared. */
function refuseUnsharedUses(ctx: CliContext, cluster: ClusterConfig, index: number, uses: readonly string[]): void {
  const shared = (cluster.sharedBlocks ?? []).map((b) => (typeof b === 'string' ? b : b.name));
  const unknown = uses.filter((b) => !shared.includes(b));
  if (unknown.length === 0) return;
  const where = positionOf(ctx.store.file, ctx.store.text(), ['clusters', index]);
  throw new CliError(
    `--uses: cluster "${cluster.name}" (${where}) does not share ${unknown.map((b) => `"${b}"`).join(', ')}; its sharedBlocks are ${shared.join(', ') || 'none'}${suggest(unknown[0], shared)}`,
    EXIT.usage,
  );
}

/**
 * Records the instance in its cluster's state backend, deploys only its
 * stack, then writes it into the config. A failed deploy leaves the config as
 * it was and the record marked failed, so `destroy` and `gc` can clean up.
 */
export async function createInstance(ctx: CliContext, opts: CreateOptions): Promise<number> {
  const current = ctx.store.read();
  const instance = instanceFrom(opts, current);
  const text = ctx.store.text();
  const existingIndex = instanceIndex(text, opts.name);
  if (existingIndex >= 0 && current.instances?.find((i) => i.name === opts.name)?.protected) {
    // A protected environment is defined in the config file alone; a preview create would give it an expiry.
    throw new CliError(`instance "${opts.name}" is protected; change it in the config file and deploy it, not with instance create`, EXIT.usage);
  }
  const cluster = current.clusters.find((c) => c.name === opts.cluster);
  if (cluster) refuseUnsharedUses(ctx, cluster, current.clusters.indexOf(cluster), opts.uses ?? []);
  let existing: InstanceRef | undefined;
  const recorded = cluster ? await recordStore(ctx, current, cluster).get(opts.name) : undefined;
  // A create that failed may be run again as it was: that is the retry its message suggests.
  const retry = existingIndex < 0 && recorded?.status === 'failed';
  if (existingIndex >= 0 || (recorded && !retry)) {
    existing = await resolveInstance(ctx, current, opts.name);
    if (!opts.update) throw new CliError(`instance "${opts.name}" already exists; pass --update to apply this definition to it, or use instance extend or instance destroy`);
    if (existing.instance.cluster !== opts.cluster) throw new CliError(`--cluster: instance "${opts.name}" is on cluster "${existing.instance.cluster}"; an instance cannot move`);
  }
  const edit = existingIndex >= 0 ? replaceItem('instances', existingIndex, instance) : appendItem('instances', instance);
  const index = existingIndex >= 0 ? existingIndex : (current.instances ?? []).length;
  let next: SandboxConfig;
  try {
    next = ctx.store.preview(edit);
  } catch (err) {
    throw err instanceof ConfigError ? asFlagErrors(err, index) : err;
  }
  const target = clusterOf(next, opts.cluster, `instance "${opts.name}"`);
  const ref = { name: opts.name, config: withInstance(next, instance) };
  if (opts.dryRun) {
    await deployInstance(ctx, ref, { dryRun: true });
    ctx.io.out(ctx.json ? JSON.stringify({ instance: opts.name, cluster: opts.cluster, stack: `instance-${opts.name}`, action: 'planned' }) : `planned (nothing changed) instance ${opts.name} on ${opts.cluster}`);
    return EXIT.ok;
  }
  const store = recordStore(ctx, next, target);
  await withInstanceLock(ctx, opts.name, async () => {
    const now = ctx.io.now();
    const record: InstanceRecord = {
      kind: 'sandboxkit-instance',
      instance,
      status: 'deploying',
      createdAt: existing?.record?.createdAt ?? now.toISOString(),
      expiresAt: existing?.record?.expiresAt ?? new Date(now.getTime() + opts.ttlHours * 3_600_000).toISOString(),
      updatedAt: now.toISOString(),
    };
    await store.put(record);
    try {
      await deployInstance(ctx, ref);
    } catch (err) {
      await store.put({ ...record, status: 'failed', updatedAt: ctx.io.now().toISOString() });
      if (err instanceof TerraformError) {
        const cleanup = err.changedSomething
          ? `; to remove what the failed apply created, run: sandboxkit instance destroy ${opts.name} (\`sandboxkit gc\` removes failed creates too)`
          : '; nothing was created';
        throw new CliError(`${err.message}\n\nThe config was not changed. Run the same command again to retry${cleanup}.`, EXIT.failed);
      }
      throw err;
    }
    await store.put({ ...record, status: 'deployed', updatedAt: ctx.io.now().toISOString() });
  });
  if (!opts.keepConfig) {
    await ctx.store.update((latest) => {
      const i = instanceIndex(latest, opts.name);
      if (i >= 0 && existingIndex < 0) throw new CliError(`instance "${opts.name}" was added to the config by another command meanwhile`, EXIT.failed);
      return i >= 0 ? replaceItem('instances', i, instance) : appendItem('instances', instance);
    });
  }
  const action = existing ? 'updated' : 'created';
  const result = { instance: opts.name, cluster: opts.cluster, stack: `instance-${opts.name}`, action, ttlHours: opts.ttlHours, recordedIn: store.where, config: opts.keepConfig ? 'unchanged' : 'written' };
  ctx.io.out(
    ctx.json
      ? JSON.stringify(result)
      : `${action} instance ${opts.name} on ${opts.cluster}${existing ? '' : `, expires in ${opts.ttlHours}h`}${opts.keepConfig ? ` (recorded in ${store.where}; the config was not changed)` : ''}`,
  );
  return EXIT.ok;
}
