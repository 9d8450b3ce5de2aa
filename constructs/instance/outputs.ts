import type { CatalogEntry } from '../catalog/types';
import { fillPlaceholders, setPath } from './values';

/** A block whose outputs others may take, with what its output placeholders stand for. */
export interface OutputSource {
  readonly name: string;
  readonly entry: CatalogEntry;
  /** `block`, `namespace` (the block's own), `instance`, `domain`, and `secret` when the block shares one. */
  readonly vars: Readonly<Record<string, string>>;
}

/** The outputs of a block, with its placeholders filled. */
export function blockOutputs(source: OutputSource): Record<string, string> {
  return fillPlaceholders({ ...(source.entry.outputs ?? {}) }, source.vars);
}

/**
 * Writes each input of `consumer` (value path → output name) from the one block among `providers` that offers the
 * output. Returns the values and the outputs no provider offers (for a warning); two providers of one output are an
 * error naming both.
 */
export function wireInputs(
  where: string,
  consumer: { readonly name: string; readonly entry: CatalogEntry },
  values: Readonly<Record<string, unknown>>,
  providers: readonly OutputSource[],
): { values: Record<string, unknown>; missing: string[] } {
  let out: Record<string, unknown> = { ...values };
  const missing: string[] = [];
  const offered = providers.map((p) => ({ name: p.name, outputs: blockOutputs(p) }));
  for (const [path, output] of Object.entries(consumer.entry.inputs ?? {})) {
    const found = offered.filter((p) => output in p.outputs);
    if (found.length > 1)
      throw new Error(
        `${where}: block "${consumer.name}" takes output "${output}", which ${found.map((p) => `"${p.name}"`).join(' and ')} both offer; keep one of them`,
      );
    if (found.length === 0) missing.push(`output ${output}`);
    else out = setPath(out, path, found[0].outputs[output]);
  }
  return { values: out, missing };
}
