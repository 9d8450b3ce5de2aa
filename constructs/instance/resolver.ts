import type { CatalogEntry, Requirement } from '../catalog/types';
import { describeRequirement, matchesRequirement } from './match';
import { fillPlaceholders, mergeValues } from './values';

export interface BlockInput {
  readonly name: string;
  readonly entry: CatalogEntry;
  /** Catalog defaults with the instance's own values merged over them. */
  readonly values: Readonly<Record<string, unknown>>;
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
): Resolution {
  const where = `instance "${instance}"`;
  const providers = (self: BlockInput, req: Requirement) =>
    inputs
      .filter((other) => other.name !== self.name && matchesRequirement(other.entry.labels, req))
      .map((o) => o.name);

  const edges = new Map<string, string[]>();
  const warnings: string[] = [];
  for (const block of inputs) {
    const deps: string[] = [];
    for (const req of block.entry.requires?.strong ?? []) {
      const found = providers(block, req);
      if (found.length === 0) {
        throw new Error(
          `${where}: block "${block.name}" requires ${describeRequirement(req)}, which no other block provides; add a block that does (instance blocks: ${inputs.map((b) => b.name).join(', ')})`,
        );
      }
      deps.push(...found.filter((f) => !deps.includes(f)));
    }
    for (const req of block.entry.requires?.weak ?? []) {
      if (providers(block, req).length === 0) {
        warnings.push(
          `${where}: block "${block.name}" works better with ${describeRequirement(req)}, which no block of the instance provides`,
        );
      }
    }
    edges.set(block.name, deps);
  }

  const order = topologicalOrder(
    where,
    inputs.map((b) => b.name),
    edges,
    inputs,
  );

  const values = new Map(inputs.map((b) => [b.name, b.values]));
  for (const source of inputs) {
    for (const influence of source.entry.influences ?? []) {
      for (const target of providers(source, influence.target)) {
        const addition = fillPlaceholders(influence.values, { ...vars, block: source.name });
        values.set(target, mergeValues(values.get(target)!, addition, true));
      }
    }
  }

  const byName = new Map(inputs.map((b) => [b.name, b]));
  return {
    blocks: order.map((name) => ({ ...byName.get(name)!, values: values.get(name)!, dependsOn: edges.get(name)! })),
    warnings,
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
