import type { PathIssue } from './path-issue';
import { suggest } from './suggest';

type Raw = Record<string, unknown>;
type Path = readonly (string | number)[];

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const blockName = (b: unknown): string | undefined =>
  typeof b === 'string' ? b : isObject(b) && typeof b.name === 'string' ? b.name : undefined;

/** Fields an instance takes from its template unless it sets them itself (`null` unsets an inherited one). */
export const TEMPLATE_FIELDS = [
  'blocks',
  'mocks',
  'datasets',
  'size',
  'ttlHours',
  'workingHours',
  'allowInternetEgress',
  'quota',
  'uses',
  'secrets',
  'cloudResources',
  'database',
  'idleHours',
  'backup',
] as const;
/** Keys that build on a parent (a template's `extends`, an instance's `template`) by blocks. */
const LAYER_KEYS = ['addBlocks', 'removeBlocks'] as const;
/**
 * Keys a template may have: the inherited fields, its name, a description, the template it extends, chart values per
 * block, and blocks added to or removed from its parent's.
 */
const TEMPLATE_KEYS: readonly string[] = [
  'name',
  'description',
  'extends',
  'values',
  ...LAYER_KEYS,
  ...TEMPLATE_FIELDS,
];
/** Keys an instance uses to build on a template; gone once templates are resolved. */
const INSTANCE_KEYS = ['template', ...LAYER_KEYS] as const;

/** Where a resolved field came from: the path that holds it in the file, and the instance field that brought it in. */
export interface FieldOrigin {
  readonly at: Path;
  readonly via?: Path;
}

export interface TemplateResolution {
  /** The config with every instance's template applied, and no `templates` key left. */
  readonly data: Raw;
  readonly issues: PathIssue[];
  /** Where the field at `path` of the resolved config is written in the file, when that is not `path` itself. */
  originOf(path: Path): FieldOrigin | undefined;
}

const startsWith = (path: Path, prefix: Path) => prefix.length <= path.length && prefix.every((p, i) => path[i] === p);

/** Deep merge of chart values: mappings merge key by key, anything else from `over` replaces. */
function mergeValues(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeValues(base[k], v);
  return out;
}

/** A value and the path of the file that holds it. */
interface Located {
  readonly value: unknown;
  readonly at: Path;
}

/** A template with everything it inherits: each field where the file writes it, its blocks one by one, its values. */
interface Flat {
  readonly fields: ReadonlyMap<string, Located>;
  /** The blocks, each where the file writes it; undefined when no template of the chain has blocks. */
  readonly blocks?: readonly Located[];
  readonly values: Raw;
}

const EMPTY: Flat = { fields: new Map(), values: {} };

/**
 * Lays `layer` (a template, or an instance that names one) over `base`: each field it sets replaces the inherited one
 * (`null` removes it), its `blocks` replace the inherited blocks, then `removeBlocks` drops blocks by name and
 * `addBlocks` appends (or replaces one of the same name, so that it can carry other values).
 */
function layerOver(base: Flat, layer: Raw, at: Path, issues: PathIssue[], inherited: string): Flat {
  const fields = new Map(base.fields);
  for (const field of TEMPLATE_FIELDS) {
    if (field === 'blocks' || !(field in layer)) continue;
    if (layer[field] === null) fields.delete(field);
    else fields.set(field, { value: layer[field], at: [...at, field] });
  }
  let blocks: Located[] | undefined = base.blocks && [...base.blocks];
  if ('blocks' in layer)
    blocks = Array.isArray(layer.blocks)
      ? layer.blocks.map((value, j) => ({ value, at: [...at, 'blocks', j] }))
      : layer.blocks === null
        ? undefined
        : [{ value: layer.blocks, at: [...at, 'blocks'] }];
  const { removeBlocks, addBlocks } = layer;
  if (removeBlocks !== undefined) {
    if (!Array.isArray(removeBlocks))
      issues.push({ path: [...at, 'removeBlocks'], message: 'expected a list of block names' });
    (Array.isArray(removeBlocks) ? removeBlocks : []).forEach((name, k) => {
      const index = (blocks ?? []).findIndex((b) => blockName(b.value) === name);
      if (index < 0) {
        const names = (blocks ?? []).map((b) => blockName(b.value)).filter((n): n is string => Boolean(n));
        issues.push({
          path: [...at, 'removeBlocks', k],
          message: `block "${String(name)}" is not among ${inherited} (${names.join(', ') || 'none'})${typeof name === 'string' ? suggest(name, names) : ''}`,
        });
        return;
      }
      blocks!.splice(index, 1);
    });
  }
  if (addBlocks !== undefined) {
    if (!Array.isArray(addBlocks)) issues.push({ path: [...at, 'addBlocks'], message: 'expected a list of blocks' });
    (Array.isArray(addBlocks) ? addBlocks : []).forEach((value, k) => {
      blocks ??= [];
      const added = { value, at: [...at, 'addBlocks', k] };
      const index = blocks.findIndex(
        (b) => blockName(b.value) !== undefined && blockName(b.value) === blockName(value),
      );
      if (index >= 0) blocks[index] = added;
      else blocks.push(added);
    });
  }
  return {
    fields,
    blocks,
    values: isObject(layer.values) ? (mergeValues(base.values, layer.values) as Raw) : base.values,
  };
}

/**
 * Applies `templates` to the instances that name one, on the parsed but not yet validated data, so that the schema
 * and the semantic checks see plain instances and every problem is still reported at a line of the file: a field an
 * instance inherits is located at the line of the template that writes it, naming the instance field that brought it
 * in.
 *
 * A template may `extends` another; it takes every field of its parent unless it sets the field itself, and may add
 * and remove blocks of its parent's with `addBlocks` and `removeBlocks`, as an instance does of its template's. An
 * instance takes each of {@link TEMPLATE_FIELDS} from its template unless it sets the field itself (`null` unsets an
 * inherited field, e.g. `ttlHours` of a protected instance). The templates' `values` (chart values by block name) are
 * merged, the nearest template's over its ancestors', under the values the block has.
 */
export function resolveTemplates(data: Raw): TemplateResolution {
  const issues: PathIssue[] = [];
  const origins: { from: Path; to: FieldOrigin }[] = [];
  const usesTemplates =
    data.templates !== undefined ||
    (Array.isArray(data.instances) && data.instances.some((i) => isObject(i) && INSTANCE_KEYS.some((k) => k in i)));
  const originOf = (path: Path) =>
    origins.filter((o) => startsWith(path, o.from)).sort((a, b) => b.from.length - a.from.length)[0];
  const located = (path: Path): FieldOrigin | undefined => {
    const o = originOf(path);
    return o ? { at: [...o.to.at, ...path.slice(o.from.length)], via: o.to.via } : undefined;
  };
  if (!usesTemplates) return { data, issues, originOf: located };

  const templates = readTemplates(data.templates, issues);
  const flat = flattenTemplates(templates, issues);
  const instances = Array.isArray(data.instances)
    ? data.instances.map((inst, i) =>
        isObject(inst) ? resolveInstance(inst, i, templates, flat, issues, origins) : inst,
      )
    : data.instances;
  const { templates: _templates, ...rest } = data;
  return { data: { ...rest, ...(instances !== undefined ? { instances } : {}) }, issues, originOf: located };
}

/** The templates by name, each with its index; problems of their form are reported. */
function readTemplates(raw: unknown, issues: PathIssue[]): Map<string, { index: number; template: Raw }> {
  const templates = new Map<string, { index: number; template: Raw }>();
  if (raw !== undefined && !Array.isArray(raw))
    issues.push({ path: ['templates'], message: 'expected a list of templates' });
  (Array.isArray(raw) ? raw : []).forEach((t, index) => {
    if (!isObject(t) || typeof t.name !== 'string' || !t.name) {
      issues.push({
        path: ['templates', index, ...(isObject(t) ? ['name'] : [])],
        message: isObject(t) ? 'is required (expected a template name)' : 'expected a mapping with a name',
      });
      return;
    }
    if (templates.has(t.name))
      issues.push({
        path: ['templates', index, 'name'],
        message: `duplicate template "${t.name}" (also templates[${templates.get(t.name)!.index}])`,
      });
    else templates.set(t.name, { index, template: t });
    for (const key of Object.keys(t)) {
      if (!TEMPLATE_KEYS.includes(key))
        issues.push({
          path: ['templates', index, key],
          message: `unknown key "${key}"${suggest(key, TEMPLATE_KEYS)}; a template has ${TEMPLATE_KEYS.join(', ')}`,
        });
    }
    if (t.values !== undefined && (!isObject(t.values) || !Object.values(t.values).every(isObject))) {
      issues.push({
        path: ['templates', index, 'values'],
        message: 'expected a mapping of block names to chart values',
      });
    }
  });
  return templates;
}

/** Every template with what it inherits through `extends`; a cycle or an unknown parent is reported at `extends`. */
function flattenTemplates(
  templates: ReadonlyMap<string, { index: number; template: Raw }>,
  issues: PathIssue[],
): Map<string, Flat> {
  const flat = new Map<string, Flat>();
  const flatten = (name: string, chain: string[]): Flat => {
    const known = flat.get(name);
    if (known) return known;
    const { index, template } = templates.get(name)!;
    let base = EMPTY;
    const parent = template.extends;
    if (parent !== undefined) {
      const at = ['templates', index, 'extends'];
      if (typeof parent !== 'string' || !templates.has(parent)) {
        const names = [...templates.keys()].filter((n) => n !== name);
        issues.push({
          path: at,
          message:
            typeof parent === 'string'
              ? `unknown template "${parent}"${suggest(parent, names)}; the config has ${names.join(', ') || 'no other templates'}`
              : 'expected the name of another template',
        });
      } else if (chain.includes(parent)) {
        issues.push({ path: at, message: `templates extend each other: ${[...chain, name, parent].join(' -> ')}` });
      } else {
        base = flatten(parent, [...chain, name]);
      }
    }
    const result = layerOver(base, template, ['templates', index], issues, "its parent's blocks");
    flat.set(name, result);
    return result;
  };
  for (const name of templates.keys()) flatten(name, []);
  return flat;
}

function resolveInstance(
  inst: Raw,
  i: number,
  templates: ReadonlyMap<string, { index: number; template: Raw }>,
  flat: ReadonlyMap<string, Flat>,
  issues: PathIssue[],
  origins: { from: Path; to: FieldOrigin }[],
): Raw {
  const { template: templateName, addBlocks, removeBlocks, ...own } = inst;
  let base = EMPTY;
  if (templateName !== undefined) {
    const found = typeof templateName === 'string' ? flat.get(templateName) : undefined;
    if (found) base = found;
    else {
      const names = [...templates.keys()];
      issues.push({
        path: ['instances', i, 'template'],
        message:
          typeof templateName === 'string'
            ? `unknown template "${templateName}"${suggest(templateName, names)}; the config has ${names.join(', ') || 'no templates'}`
            : 'expected a template name',
      });
    }
  }
  const at: Path = ['instances', i];
  const via: Path = ['instances', i, 'template'];
  // An instance without a template keeps `null` for the schema to refuse; with one, `null` unsets.
  const layer = templateName === undefined ? { ...own, addBlocks, removeBlocks } : { ...inst };
  const resolved = layerOver(base, layer, at, issues, "the instance's blocks");
  const out: Raw = { ...own };
  for (const field of TEMPLATE_FIELDS) {
    if (field === 'blocks') continue;
    const value = resolved.fields.get(field);
    if (templateName !== undefined && own[field] === null) delete out[field];
    if (!value || startsWith(value.at, at)) continue;
    out[field] = value.value;
    origins.push({ from: [...at, field], to: { at: value.at, via } });
  }
  const builds = templateName !== undefined || addBlocks !== undefined || removeBlocks !== undefined;
  if (builds) {
    const blocks = resolved.blocks ?? [];
    out.blocks = blocks.map((b, j) => {
      const here = [...at, 'blocks', j];
      if (b.at.length !== here.length || !startsWith(b.at, here))
        origins.push({ from: here, to: { at: b.at, via: startsWith(b.at, at) ? undefined : via } });
      const name = blockName(b.value);
      const inherited = name !== undefined ? resolved.values[name] : undefined;
      if (!isObject(inherited)) return b.value;
      return { name, values: mergeValues(inherited, isObject(b.value) ? b.value.values : undefined) };
    });
    if (resolved.blocks === undefined && !('blocks' in own)) delete out.blocks;
  }
  return out;
}
