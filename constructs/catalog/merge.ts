import type { CatalogEntry } from './types';

/**
 * Blocks by name. `N` is the names it holds: an instance's block references must be among them, so that a misspelt
 * built-in block is a compile error; a catalog with entries typed `CatalogEntry` (from a config file) takes any name.
 */
export type BlockCatalog<N extends string = string> = ReadonlyMap<N, CatalogEntry<N>>;

/** Entries of `overrides` replace built-in entries of the same name; new names are added. */
export function mergeCatalog<B extends string, O extends string = never>(
  builtin: readonly CatalogEntry<B>[],
  overrides: readonly CatalogEntry<O>[] = [],
): BlockCatalog<B | O> {
  const merged = new Map<B | O, CatalogEntry<B | O>>(builtin.map((e) => [e.name, e]));
  for (const entry of overrides) merged.set(entry.name, entry);
  return merged;
}
