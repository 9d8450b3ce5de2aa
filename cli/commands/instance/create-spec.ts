import { readFileSync } from 'fs';
import { parse } from 'yaml';
import { sandboxConfigSchema } from '../../../config/schema';
import { resolveTemplates } from '../../../config/templates';
import { suggest } from '../../../config/suggest';
import type { InstanceConfig, SandboxConfig } from '../../../config/types';
import { BUILTIN_CATALOG } from '../../../constructs/catalog/builtin';
import { mergeCatalog } from '../../../constructs/catalog/merge';
import { mergeValues } from '../../../constructs/instance/values';
import { CliError } from '../../io';
import type { InstanceEntry } from '../../lifecycle/spec-merge';

/** The fields of an `instances[]` entry, from the config schema itself. */
export const INSTANCE_FIELDS: readonly string[] = Object.keys(
  (sandboxConfigSchema.shape.instances.unwrap().element as unknown as { shape: Record<string, unknown> }).shape,
);

/** What the flags of `instance create` say; absent means "not named" (an update keeps the stored value). */
export interface CreateFlags {
  readonly name: string;
  readonly cluster?: string;
  readonly owner?: string;
  /** The instance's blocks; with `template`, they replace the template's. */
  readonly blocks?: readonly string[];
  readonly template?: string;
  readonly addBlocks?: readonly string[];
  readonly removeBlocks?: readonly string[];
  readonly mocks?: readonly string[];
  readonly uses?: readonly string[];
  /** `variant` for every block that offers it, or `block:variant`. */
  readonly datasets?: readonly string[];
  readonly ttlHours?: number;
  readonly size?: string;
  /** `block.path=value`, as `helm --set` takes them; `=null` removes a stored value. */
  readonly set?: readonly string[];
  /** YAML files that map block names to values. */
  readonly values?: readonly string[];
  /** Top-level fields to remove from the stored spec. */
  readonly unset?: readonly string[];
}

/** The config path of a field, as the flag that sets it: problems with the new spec are reported against flags. */
export const FLAG_OF: Readonly<Record<string, string>> = {
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
    // `null` stays null: merged into the stored values, it removes the key (as `helm --set key=null` does).
    if (parsed === null || ['string', 'number', 'boolean'].includes(typeof parsed)) value = parsed;
  } catch {
    // not YAML: kept as the string it is
  }
  return { path, value };
}

/** Per-block values from `--values` files, then `--set`, later ones winning; each block must be one of `blocks`. */
export function blockValues(
  flags: Pick<CreateFlags, 'set' | 'values'>,
  blocks: readonly string[],
): Map<string, Record<string, unknown>> {
  const values = new Map<string, Record<string, unknown>>();
  const add = (block: string, addition: Record<string, unknown>, flag: string) => {
    if (!blocks.includes(block)) {
      throw new CliError(
        `${flag}: "${block}" is not one of the instance's blocks (${blocks.join(', ')})${suggest(block, blocks)}`,
      );
    }
    values.set(block, mergeValues(values.get(block) ?? {}, addition) as Record<string, unknown>);
  };
  for (const file of flags.values ?? []) {
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
  for (const spec of flags.set ?? []) {
    const { path, value } = parseSet(spec);
    const nested = path.slice(1).reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<
      string,
      unknown
    >;
    add(path[0], nested, `--set ${spec}`);
  }
  return values;
}

const names = (blocks: readonly unknown[] | undefined) =>
  (blocks ?? []).map((b) => (typeof b === 'string' ? b : (b as { name: string }).name));

/** The block names the instance ends up with: `--blocks`, else the template's, else the stored ones; then added and removed. */
function finalBlocks(flags: CreateFlags, configText: string, stored: InstanceConfig | undefined): string[] {
  let base: string[];
  if (flags.blocks?.length) base = [...flags.blocks];
  else if (flags.template) {
    // The template's blocks with what it inherits through `extends`, as the config's loader applies them.
    const templates = (parse(configText) as { templates?: unknown } | null)?.templates;
    const probe = resolveTemplates({ templates, instances: [{ name: flags.name, template: flags.template }] });
    base = names((probe.data.instances as { blocks?: unknown[] }[] | undefined)?.[0]?.blocks);
  } else base = names(stored?.blocks);
  const removed = new Set(flags.removeBlocks ?? []);
  return [...base.filter((b) => !removed.has(b)), ...(flags.addBlocks ?? []).filter((b) => !base.includes(b))];
}

/**
 * The instance entry the flags of `instance create` name: only the fields a flag sets, so that an update merges
 * them into the stored spec and keeps the rest. Values for a block listed in `--blocks` ride on that entry; values
 * for any other block of the instance (the template's, a stored one, an added one) on an `addBlocks` entry, which
 * merges them into that block's values.
 */
export function entryFromFlags(
  flags: CreateFlags,
  config: SandboxConfig,
  configText: string,
  stored: InstanceConfig | undefined,
): InstanceEntry {
  for (const field of flags.unset ?? [])
    if (!INSTANCE_FIELDS.includes(field) || field === 'name' || field === 'cluster')
      throw new CliError(
        `--unset ${field}: expected a field of the instance spec other than name and cluster (${INSTANCE_FIELDS.filter((f) => f !== 'name' && f !== 'cluster').join(', ')})${suggest(field, INSTANCE_FIELDS)}`,
      );
  const blocks = finalBlocks(flags, configText, stored);
  const values = blockValues(flags, blocks);
  const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
  const datasets = (flags.datasets ?? []).flatMap((spec) => {
    if (spec.includes(':')) {
      const [block, variant] = spec.split(':', 2);
      return [{ block, variant }];
    }
    const offering = blocks.filter((b) => catalog.get(b)?.datasets?.[spec]);
    if (offering.length === 0)
      throw new CliError(`--dataset ${spec}: none of the blocks ${blocks.join(', ')} offers it`);
    return offering.map((block) => ({ block, variant: spec }));
  });
  const withValues = (b: string) => (values.has(b) ? { name: b, values: values.get(b)! } : b);
  const own = (flags.blocks ?? []).map(withValues);
  const added = [
    ...(flags.addBlocks ?? []),
    ...[...values.keys()].filter((b) => !(flags.blocks ?? []).includes(b) && !(flags.addBlocks ?? []).includes(b)),
  ].map(withValues);
  return {
    name: flags.name,
    ...Object.fromEntries((flags.unset ?? []).map((f) => [f, null])),
    ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
    ...(flags.owner !== undefined ? { owner: flags.owner } : {}),
    ...(flags.template !== undefined ? { template: flags.template } : {}),
    ...(flags.ttlHours !== undefined ? { ttlHours: flags.ttlHours } : {}),
    ...(own.length ? { blocks: own } : {}),
    ...(added.length ? { addBlocks: added } : {}),
    ...(flags.removeBlocks?.length ? { removeBlocks: [...flags.removeBlocks] } : {}),
    ...(flags.size !== undefined ? { size: flags.size } : {}),
    ...(flags.mocks?.length ? { mocks: [...flags.mocks] } : {}),
    ...(flags.uses?.length ? { uses: [...flags.uses] } : {}),
    ...(datasets.length ? { datasets } : {}),
  };
}
