import type { CatalogEntry } from './types';

/** Entries of `overrides` replace built-in entries of the same name; new names are added. */
export function mergeCatalog(
  builtin: readonly CatalogEntry[],
  overrides: readonly CatalogEntry[],
): ReadonlyMap<string, CatalogEntry> {
  const merged = new Map<string, CatalogEntry>(builtin.map((e) => [e.name, e]));
  for (const entry of overrides) merged.set(entry.name, entry);
  return merged;
}
