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
import {
  clusterOf,
  deployInstance,
  resolveInstance,
  withInstance,
  withInstanceLock,
  type InstanceRef,
} from '../instances';
import { recordStore, type InstanceRecord } from '../records';
import { suggest } from '../../config/suggest';
import { TerraformError } from '../terraform';
import { appendItem, replaceItem } from '../yaml-edit';
import { parseRestoreFrom, restoreFromSpec } from './backup';

export interface CreateOptions {
  readonly name: string;
  readonly cluster: string;
  readonly owner: string;
  /** The instance's blocks; with `template`, they replace the template's. */
  readonly blocks: readonly string[];
  /** An environment template of the config (`templates`), resolved by the config loader like any instance's. */
  readonly template?: string;
  /** With `template`: blocks added to, or left out of, the template's. */
  readonly addBlocks: readonly string[];
  readonly removeBlocks: readonly string[];
  readonly mocks: readonly string[];
  /** Shared blocks of the cluster the instance uses. @default [] */
  readonly uses?: readonly string[];
  /** `variant` for every block that offers it, or `block:variant`. */
  readonly datasets: readonly string[];
  /** @default - the template's, else 48 */
  readonly ttlHours?: number;
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
  /** `<instance>` or `<instance>/<backup>`: the databases start from that instance's backups. @default - empty databases */
  readonly restoreFrom?: string;
}

/** Splits `a.b\.c=v` into the path [a, b.c] and the value, read as a YAML scalar (so `true` and `3` keep their type). */
export function parseSet(spec: string): { path: string[]; value: unknown } {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new CliError(`--set ${spec}: expected block.path=value, e.g. payments.image.tag=pr-42`);
  const path = spec
    .slice(0, eq)
    .split(/(?<!\\)\./)
    .map((p) => p.replace(/\\\./g, '.'));
  if (path.length < 2 || path.some((p) => !p))
    throw new CliError(`--set ${spec}: expected block.path=value, e.g. payments.image.tag=pr-42`);
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
export function blockValues(
  opts: Pick<CreateOptions, 'blocks' | 'set' | 'values'>,
): Map<string, Record<string, unknown>> {
  const values = new Map<string, Record<string, unknown>>();
  const add = (block: string, addition: Record<string, unknown>, flag: string) => {
    if (!opts.blocks.includes(block)) {
      throw new CliError(
        `${flag}: "${block}" is not one of the instance's blocks (${opts.blocks.join(', ')})${suggest(block, opts.blocks)}`,
      );
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
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new CliError(`--values ${file}: expected a mapping of block names to values`);
    for (const [block, v] of Object.entries(data)) {
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw new CliError(`--values ${file}: ${block}: expected a mapping of values`);
      add(block, v as Record<string, unknown>, `--values ${file}`);
    }
  }
  for (const spec of opts.set) {
    const { path, value } = parseSet(spec);
    const nested = path.slice(1).reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<
      string,
      unknown
    >;
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
  restoreFrom: '--restore-from',
  template: '--template',
  addBlocks: '--add-block',
  removeBlocks: '--remove-block',
};

/**
 * Maps a line of the previewed config text back to the file on disk, which differs only by the new instance's
 * lines; undefined for a line of the new instance itself.
 */
function fileLine(line: number, file: string, preview: string): number | undefined {
  const a = file.split('\n');
  const b = preview.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  if (line <= head) return line;
  if (line > b.length - tail) return line - (b.length - a.length);
  return undefined;
}

/**
 * Issues about the new instance are reported against the flags that set it; issues elsewhere keep their file and
 * line (of the file on disk, not of the previewed text), including those in what a template brings in.
 */
function asFlagErrors(err: ConfigError, index: number, file: string, preview: string): CliError | ConfigError {
  const prefix = `instances[${index}]`;
  const fromTemplate = (i: ConfigIssue) => /\(from templates\[/.test(i.message);
  const own = err.issues.filter((i) => (i.path === prefix || i.path.startsWith(`${prefix}.`)) && !fromTemplate(i));
  const others: ConfigIssue[] = err.issues
    .filter((i) => !own.includes(i))
    .map((i) => ({
      ...i,
      line: i.line === undefined ? undefined : fileLine(i.line, file, preview),
      message: i.message.replace(
        new RegExp(`which ${prefix.replace(/[[\]]/g, '\\$&')}\\.template \\(line \\d+\\) brings in`),
        'which --template brings in',
      ),
    }));
  if (own.length === 0) return new ConfigError(err.file, others);
  if (others.length) return new ConfigError(err.file, others);
  const lines = own.map((i) => {
    // An issue located at a block that --add-block or --remove-block brought in names that flag.
    const origin = new RegExp(`\\(from ${prefix.replace(/[[\]]/g, '\\$&')}\\.(\\w+)[^()]*\\)$`).exec(i.message);
    const field = origin ? origin[1] : i.path.slice(prefix.length + 1).split(/[.[]/)[0];
    const flag = /\.values(\.|$)/.test(i.path) ? '--set/--values' : (FLAG_OF[field] ?? i.path);
    return `${flag}: ${origin ? i.message.slice(0, origin.index).trimEnd() : i.message}`;
  });
  return new CliError(
    lines.length === 1 ? lines[0] : `the new instance has ${lines.length} problems:\n  ${lines.join('\n  ')}`,
  );
}

/** An instance as the config file holds it before its template is applied. */
interface TemplatedInstance extends Omit<InstanceConfig, 'blocks'> {
  readonly template: string;
  readonly blocks?: InstanceConfig['blocks'];
  readonly addBlocks?: InstanceConfig['blocks'];
  readonly removeBlocks?: readonly string[];
}

/** The instance as the config file will hold it; `blocks` are the block names it ends up with (after its template). */
function instanceFrom(
  opts: CreateOptions,
  config: SandboxConfig,
  blocks: readonly string[] = opts.blocks,
): InstanceConfig | TemplatedInstance {
  if (opts.template !== undefined) return templateInstanceFrom({ ...opts, template: opts.template }, config, blocks);
  const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
  const datasets = opts.datasets.flatMap((spec) => {
    if (spec.includes(':')) {
      const [block, variant] = spec.split(':', 2);
      return [{ block, variant }];
    }
    const offering = opts.blocks.filter((b) => catalog.get(b)?.datasets?.[spec]);
    if (offering.length === 0)
      throw new CliError(`--dataset ${spec}: none of the blocks ${opts.blocks.join(', ')} offers it`);
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

/** `block:variant` and `variant` specs of --dataset, for the instance's final blocks. */
function datasetsFrom(
  opts: CreateOptions,
  config: SandboxConfig,
  blocks: readonly string[],
): { block: string; variant: string }[] {
  const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
  return opts.datasets.flatMap((spec) => {
    if (spec.includes(':')) {
      const [block, variant] = spec.split(':', 2);
      return [{ block, variant }];
    }
    const offering = blocks.filter((b) => catalog.get(b)?.datasets?.[spec]);
    if (offering.length === 0)
      throw new CliError(`--dataset ${spec}: none of the blocks ${blocks.join(', ')} offers it`);
    return offering.map((block) => ({ block, variant: spec }));
  });
}

/**
 * An instance that extends a template, written as a config author would: `template`, `addBlocks`, `removeBlocks` and
 * only the fields a flag sets. Values for a block the template brings in ride on an `addBlocks` entry of the same
 * name, which takes the block's place and merges the template's values under its own.
 */
function templateInstanceFrom(
  opts: CreateOptions & { template: string },
  config: SandboxConfig,
  blocks: readonly string[],
): TemplatedInstance {
  const values = blockValues({ ...opts, blocks });
  const withValues = (b: string) => (values.has(b) ? { name: b, values: values.get(b)! } : b);
  const own = opts.blocks.map(withValues);
  const added = [
    ...opts.addBlocks,
    ...blocks.filter((b) => values.has(b) && !opts.blocks.includes(b) && !opts.addBlocks.includes(b)),
  ].map(withValues);
  const datasets = datasetsFrom(opts, config, blocks);
  return {
    name: opts.name,
    cluster: opts.cluster,
    owner: opts.owner,
    template: opts.template,
    ...(opts.ttlHours !== undefined ? { ttlHours: opts.ttlHours } : {}),
    ...(own.length ? { blocks: own } : {}),
    ...(added.length ? { addBlocks: added } : {}),
    ...(opts.removeBlocks.length ? { removeBlocks: [...opts.removeBlocks] } : {}),
    ...(opts.size ? { size: opts.size as InstanceConfig['size'] } : {}),
    ...(opts.mocks.length ? { mocks: [...opts.mocks] as InstanceConfig['mocks'] } : {}),
    ...(datasets.length ? { datasets } : {}),
  };
}

const blockNames = (instance: InstanceConfig | undefined) =>
  (instance?.blocks ?? []).map((b) => (typeof b === 'string' ? b : b.name));

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
  const restoreSpec = opts.restoreFrom ? parseRestoreFrom(opts.restoreFrom) : undefined;
  const text = ctx.store.text();
  const existingIndex = instanceIndex(text, opts.name);
  const index = existingIndex >= 0 ? existingIndex : (current.instances ?? []).length;
  const editFor = (candidate: InstanceConfig | TemplatedInstance) =>
    existingIndex >= 0 ? replaceItem('instances', existingIndex, candidate) : appendItem('instances', candidate);
  const previewWith = (candidate: InstanceConfig | TemplatedInstance): SandboxConfig => {
    try {
      return ctx.store.preview(editFor(candidate));
    } catch (err) {
      throw err instanceof ConfigError ? asFlagErrors(err, index, text, editFor(candidate)(text)) : err;
    }
  };
  // With a template, the blocks the instance ends up with are known once the config loader has resolved it.
  const resolvedBlocks = opts.template
    ? blockNames(
        previewWith(instanceFrom({ ...opts, set: [], values: [], datasets: [] }, current, [])).instances?.find(
          (i) => i.name === opts.name,
        ),
      )
    : opts.blocks;
  let instance = instanceFrom(opts, current, resolvedBlocks);
  if (existingIndex >= 0 && current.instances?.find((i) => i.name === opts.name)?.protected) {
    // A protected environment is defined in the config file alone; a preview create would give it an expiry.
    throw new CliError(
      `instance "${opts.name}" is protected; change it in the config file and deploy it, not with instance create`,
      EXIT.usage,
    );
  }
  const cluster = current.clusters.find((c) => c.name === opts.cluster);
  if (cluster) refuseUnsharedUses(ctx, cluster, current.clusters.indexOf(cluster), opts.uses ?? []);
  let existing: InstanceRef | undefined;
  const recorded = cluster ? await recordStore(ctx, current, cluster).get(opts.name) : undefined;
  // A create that failed may be run again as it was: that is the retry its message suggests.
  const retry = existingIndex < 0 && recorded?.status === 'failed';
  if (existingIndex >= 0 || (recorded && !retry)) {
    existing = await resolveInstance(ctx, current, opts.name);
    if (!opts.update)
      throw new CliError(
        `instance "${opts.name}" already exists; pass --update to apply this definition to it, or use instance extend or instance destroy`,
      );
    if (existing.instance.cluster !== opts.cluster)
      throw new CliError(
        `--cluster: instance "${opts.name}" is on cluster "${existing.instance.cluster}"; an instance cannot move`,
      );
    // A database bootstraps once: restoring into one that exists would need it destroyed first.
    if (restoreSpec)
      throw new CliError(
        `--restore-from: instance "${opts.name}" exists; a restore creates a new instance (destroy this one first, or choose another name)`,
        EXIT.usage,
      );
  }
  if (restoreSpec && cluster)
    instance = { ...instance, restoreFrom: await restoreFromSpec(ctx, current, cluster, restoreSpec) };
  const next = previewWith(instance);
  const target = clusterOf(next, opts.cluster, `instance "${opts.name}"`);
  // What the stack and the record are made of: the instance with its template applied.
  const resolved = 'template' in instance ? next.instances!.find((i) => i.name === opts.name)! : instance;
  const ttlHours = resolved.ttlHours ?? 48;
  const ref = { name: opts.name, config: withInstance(next, resolved) };
  if (opts.dryRun) {
    await deployInstance(ctx, ref, { dryRun: true });
    ctx.io.out(
      ctx.json
        ? JSON.stringify({
            instance: opts.name,
            cluster: opts.cluster,
            stack: `instance-${opts.name}`,
            action: 'planned',
          })
        : `planned (nothing changed) instance ${opts.name} on ${opts.cluster}`,
    );
    return EXIT.ok;
  }
  const store = recordStore(ctx, next, target);
  await withInstanceLock(ctx, opts.name, async () => {
    const now = ctx.io.now();
    const record: InstanceRecord = {
      kind: 'sandboxkit-instance',
      instance: resolved,
      status: 'deploying',
      createdAt: existing?.record?.createdAt ?? now.toISOString(),
      expiresAt: existing?.record?.expiresAt ?? new Date(now.getTime() + ttlHours * 3_600_000).toISOString(),
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
        throw new CliError(
          `${err.message}\n\nThe config was not changed. Run the same command again to retry${cleanup}.`,
          EXIT.failed,
        );
      }
      throw err;
    }
    await store.put({ ...record, status: 'deployed', updatedAt: ctx.io.now().toISOString() });
  });
  if (!opts.keepConfig) {
    await ctx.store.update((latest) => {
      const i = instanceIndex(latest, opts.name);
      if (i >= 0 && existingIndex < 0)
        throw new CliError(`instance "${opts.name}" was added to the config by another command meanwhile`, EXIT.failed);
      return i >= 0 ? replaceItem('instances', i, instance) : appendItem('instances', instance);
    });
  }
  const action = existing ? 'updated' : 'created';
  const result = {
    instance: opts.name,
    cluster: opts.cluster,
    stack: `instance-${opts.name}`,
    action,
    ttlHours,
    recordedIn: store.where,
    config: opts.keepConfig ? 'unchanged' : 'written',
  };
  ctx.io.out(
    ctx.json
      ? JSON.stringify(result)
      : `${action} instance ${opts.name} on ${opts.cluster}${existing ? '' : `, expires in ${ttlHours}h`}${opts.keepConfig ? ` (recorded in ${store.where}; the config was not changed)` : ''}`,
  );
  return EXIT.ok;
}
