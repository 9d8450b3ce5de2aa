import type { PathIssue } from './path-issue';
import { suggest } from './suggest';

type Raw = Record<string, unknown>;
type Path = readonly (string | number)[];

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const blockName = (b: unknown): string | undefined =>
  typeof b === 'string' ? b : isObject(b) && typeof b.name === 'string' ? b.name : undefined;

/** Fields an instance takes from its template unless it sets them itself. */
export const TEMPLATE_FIELDS = [
  'blocks',
  'mocks',
  'datasets',
  'size',
  'ttlHours',
  'workingHours',
  'allowInternetEgress',
  'quota',
] as const;
/** Keys a template may have: the inherited fields, its name, a description, and chart values per block. */
const TEMPLATE_KEYS: readonly string[] = ['name', 'description', 'values', ...TEMPLATE_FIELDS];
/** Keys an instance uses to build on a template; gone once templates are resolved. */
const INSTANCE_KEYS = ['template', 'addBlocks', 'removeBlocks'] as const;

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

/**
 * Applies `templates` to the instances that name one, on the parsed but not yet validated data, so that the schema
 * and the semantic checks see plain instances and every problem is still reported at a line of the file: a field an
 * instance inherits is located at the template's line, naming the instance field that brought it in.
 *
 * An instance takes each of {@link TEMPLATE_FIELDS} from its template unless it sets the field itself; `addBlocks`
 * appends blocks (replacing one of the same name, so that it can carry other values) and `removeBlocks` drops blocks
 * by name. The template's `values` (chart values by block name) are merged under the values the block has.
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

  const templates = new Map<string, { index: number; template: Raw }>();
  if (data.templates !== undefined && !Array.isArray(data.templates))
    issues.push({ path: ['templates'], message: 'expected a list of templates' });
  (Array.isArray(data.templates) ? data.templates : []).forEach((t, index) => {
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

  const instances = Array.isArray(data.instances)
    ? data.instances.map((inst, i) => (isObject(inst) ? resolveInstance(inst, i, templates, issues, origins) : inst))
    : data.instances;
  const { templates: _templates, ...rest } = data;
  return { data: { ...rest, ...(instances !== undefined ? { instances } : {}) }, issues, originOf: located };
}

function resolveInstance(
  inst: Raw,
  i: number,
  templates: Map<string, { index: number; template: Raw }>,
  issues: PathIssue[],
  origins: { from: Path; to: FieldOrigin }[],
): Raw {
  const { template: templateName, addBlocks, removeBlocks, ...own } = inst;
  const out: Raw = { ...own };
  let found: { index: number; template: Raw } | undefined;
  if (templateName !== undefined) {
    found = typeof templateName === 'string' ? templates.get(templateName) : undefined;
    if (!found) {
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
  if (found) {
    const via: Path = ['instances', i, 'template'];
    for (const field of TEMPLATE_FIELDS) {
      if (field in own || !(field in found.template)) continue;
      out[field] = found.template[field];
      origins.push({ from: ['instances', i, field], to: { at: ['templates', found.index, field], via } });
    }
  }
  const blocks: unknown[] = Array.isArray(out.blocks) ? [...out.blocks] : [];
  // Positions in `blocks` whose origin changes as blocks are added and removed: track each entry's source path.
  const sources: (Path | undefined)[] = blocks.map((_, j) =>
    found && !('blocks' in own) ? ['templates', found.index, 'blocks', j] : undefined,
  );
  if (removeBlocks !== undefined) {
    if (!Array.isArray(removeBlocks))
      issues.push({ path: ['instances', i, 'removeBlocks'], message: 'expected a list of block names' });
    (Array.isArray(removeBlocks) ? removeBlocks : []).forEach((name, k) => {
      const at = blocks.findIndex((b) => blockName(b) === name);
      if (at < 0) {
        const names = blocks.map(blockName).filter((n): n is string => Boolean(n));
        issues.push({
          path: ['instances', i, 'removeBlocks', k],
          message: `block "${String(name)}" is not among the instance's blocks (${names.join(', ') || 'none'})${typeof name === 'string' ? suggest(name, names) : ''}`,
        });
        return;
      }
      blocks.splice(at, 1);
      sources.splice(at, 1);
    });
  }
  if (addBlocks !== undefined) {
    if (!Array.isArray(addBlocks))
      issues.push({ path: ['instances', i, 'addBlocks'], message: 'expected a list of blocks' });
    (Array.isArray(addBlocks) ? addBlocks : []).forEach((b, k) => {
      const at = blocks.findIndex((x) => blockName(x) !== undefined && blockName(x) === blockName(b));
      const source: Path = ['instances', i, 'addBlocks', k];
      if (at >= 0) {
        blocks[at] = b;
        sources[at] = source;
      } else {
        blocks.push(b);
        sources.push(source);
      }
    });
  }
  const values = found && isObject(found.template.values) ? found.template.values : {};
  const resolvedBlocks = blocks.map((b) => {
    const name = blockName(b);
    const base = name !== undefined ? values[name] : undefined;
    if (!isObject(base)) return b;
    const ownValues = isObject(b) ? b.values : undefined;
    return { name, values: mergeValues(base, ownValues) };
  });
  if (templateName !== undefined || addBlocks !== undefined || removeBlocks !== undefined) {
    sources.forEach((s, j) => {
      if (s)
        origins.push({
          from: ['instances', i, 'blocks', j],
          to: { at: s, via: s[0] === 'templates' ? ['instances', i, 'template'] : undefined },
        });
    });
    if (Array.isArray(out.blocks) || blocks.length) out.blocks = resolvedBlocks;
    if (blocks.length === 0 && (addBlocks !== undefined || removeBlocks !== undefined)) out.blocks = [];
  }
  return out;
}
