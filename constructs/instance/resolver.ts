import type { CatalogEntry, Requirement } from '../catalog/types';
import { describeRequirement, matchesRequirement } from './match';
import { fillPlaceholders, mergeValues } from './values';

export interface BlockInput {
  readonly name: string;
  readonly entry: CatalogEntry;
  /** Catalog defaults with the instance's own values merged over them. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Placeholders of this block's influences over the resolution's, e.g. a shared block's own namespace. @default {} */
  readonly vars?: Readonly<Record<string, string>>;
}

export interface ResolvedBlock extends BlockInput {
  /** Blocks this one strongly requires; they install first. */
  readonly dependsOn: readonly string[];
}

export interface Resolution {
  /** Blocks in install order: every block after the blocks it requires. */
  readonly blocks: readonly ResolvedBlock[];
  /** Unmet weak requirements, one sentence each. */
  readonly warnings: readonly string[];
  /** The blocks (installed or external) that meet a requirement of each block, strong or weak, by block name. */
  readonly providers: ReadonlyMap<string, readonly string[]>;
}

/**
 * A block the instance reaches but does not install, such as a shared block it uses: it meets requirements and its
 * influences apply, with `vars` of its own (a shared block's namespace is `shared-<block>`).
 */
export interface ExternalBlock {
  readonly name: string;
  readonly entry: CatalogEntry;
  readonly vars: Readonly<Record<string, string>>;
}

/**
 * Resolves an instance's blocks: strong requirements become install order,
 * weak ones warnings when unmet, and influences merge values into the blocks
 * they name. `vars` fill placeholders in influence values.
 */
export function resolveBlocks(
  instance: string,
  inputs: readonly BlockInput[],
  vars: Readonly<Record<string, string>>,
  external: readonly ExternalBlock[] = [],
): Resolution {
  const where = `instance "${instance}"`;
  const all = [...inputs, ...external];
  const installed = new Set(inputs.map((b) => b.name));
  const providers = (self: { readonly name: string }, req: Requirement) =>
    all.filter((other) => other.name !== self.name && matchesRequirement(other.entry.labels, req)).map((o) => o.name);

  const edges = new Map<string, string[]>();
  const met = new Map<string, string[]>();
  const warnings: string[] = [];
  for (const block of inputs) {
    const deps: string[] = [];
    const found: string[] = [];
    for (const req of block.entry.requires?.strong ?? []) {
      const those = providers(block, req);
      if (those.length === 0) {
        throw new Error(
          `${where}: block "${block.name}" requires ${describeRequirement(req)}, which no other block provides; add a block that does (instance blocks: ${inputs.map((b) => b.name).join(', ')}${external.length ? `; shared blocks it uses: ${external.map((b) => b.name).join(', ')}` : ''})`,
        );
      }
      // A block the instance does not install is there before it: no install order to keep.
      deps.push(...those.filter((f) => installed.has(f) && !deps.includes(f)));
      found.push(...those.filter((f) => !found.includes(f)));
    }
    for (const req of block.entry.requires?.weak ?? []) {
      const those = providers(block, req);
      if (those.length === 0) {
        warnings.push(
          `${where}: block "${block.name}" works better with ${describeRequirement(req)}, which no block of the instance provides`,
        );
      }
      found.push(...those.filter((f) => !found.includes(f)));
    }
    edges.set(block.name, deps);
    met.set(block.name, found);
  }

  const order = topologicalOrder(
    where,
    inputs.map((b) => b.name),
    edges,
    inputs,
  );

  // Influences reach the blocks the instance installs; those on an external block are its own stack's to apply.
  const values = new Map(inputs.map((b) => [b.name, b.values]));
  const sources = [
    ...inputs.map((b) => ({ block: b, vars: { ...vars, ...b.vars, block: b.name } })),
    ...external.map((b) => ({ block: b, vars: { ...vars, ...b.vars, block: b.name } })),
  ];
  for (const { block: source, vars: own } of sources) {
    for (const influence of source.entry.influences ?? []) {
      for (const target of providers(source, influence.target).filter((t) => installed.has(t))) {
        values.set(target, mergeValues(values.get(target)!, fillPlaceholders(influence.values, own), true));
      }
    }
  }

  const byName = new Map(inputs.map((b) => [b.name, b]));
  return {
    blocks: order.map((name) => ({ ...byName.get(name)!, values: values.get(name)!, dependsOn: edges.get(name)! })),
    warnings,
    providers: met,
  };
}

function topologicalOrder(
  where: string,
  names: readonly string[],
  edges: ReadonlyMap<string, string[]>,
  inputs: readonly BlockInput[],
): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const [a, b] = cycle;
      const reqOf = (from: string, to: string) =>
        inputs
          .find((i) => i.name === from)!
          .entry.requires!.strong!.find((r) => matchesRequirement(inputs.find((i) => i.name === to)!.entry.labels, r))!;
      throw new Error(
        `${where}: blocks "${a}" and "${b}" require each other (cycle ${cycle.join(' -> ')}); "${a}" needs ${describeRequirement(reqOf(a, b))}`,
      );
    }
    state.set(name, 'visiting');
    for (const dep of edges.get(name) ?? []) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of names) visit(name, []);
  return order;
}
