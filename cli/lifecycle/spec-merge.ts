/**
 * An instance entry as a user writes it: an `instances[]` item of the config schema, which may build on a template
 * (`template`, `addBlocks`, `removeBlocks`). Unvalidated until lifecycle/spec-validate.ts has checked it.
 */
export type InstanceEntry = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const blockName = (b: unknown): string | undefined =>
  typeof b === 'string' ? b : isObject(b) && typeof b.name === 'string' ? b.name : undefined;

/**
 * JSON merge patch (RFC 7386), as `kubectl patch --type merge` applies it: mappings merge key by key, a list or a
 * scalar replaces, and `null` removes the key. This is how a field is unset through `apply -f`.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/**
 * `addBlocks` entries that name a block the instance already has: their values merge into that block's values
 * (a value not named keeps its own), where the config loader would replace the block. Others stay to be added.
 */
function mergeAddedBlocks(
  blocks: readonly unknown[],
  added: readonly unknown[],
): { blocks: unknown[]; added: unknown[] } {
  const out = [...blocks];
  const rest: unknown[] = [];
  for (const item of added) {
    const at = out.findIndex((b) => blockName(b) !== undefined && blockName(b) === blockName(item));
    if (at < 0) {
      rest.push(item);
      continue;
    }
    const values = mergePatch(isObject(out[at]) ? (out[at] as { values?: unknown }).values : undefined, {
      ...(isObject(item) && isObject(item.values) ? item.values : {}),
    });
    out[at] = isObject(values) && Object.keys(values).length ? { name: blockName(item), values } : blockName(item);
  }
  return { blocks: out, added: rest };
}

/**
 * The entry an update makes: `patch` merged into the stored spec, so that a field the patch does not name keeps its
 * value. A `template` in the patch takes `templateFields` (the fields that template sets) from the template again;
 * `addBlocks` merges values into a block of the same name; `removeBlocks` and the rest are left to the config loader,
 * which applies them to the merged blocks. Without a stored spec the patch is the entry, its `null`s dropped.
 */
export function mergeEntry(
  stored: InstanceEntry | undefined,
  patch: InstanceEntry,
  templateFields: readonly string[] = [],
): InstanceEntry {
  const base: Record<string, unknown> = { ...(stored ?? {}) };
  if (typeof patch.template === 'string') for (const field of templateFields) delete base[field];
  const merged = mergePatch(base, patch) as Record<string, unknown>;
  if (Array.isArray(patch.addBlocks) && Array.isArray(merged.blocks)) {
    const { blocks, added } = mergeAddedBlocks(merged.blocks, patch.addBlocks);
    merged.blocks = blocks;
    if (added.length) merged.addBlocks = added;
    else delete merged.addBlocks;
  }
  return merged;
}

/** Top-level fields whose value differs between two entries, for the history (`ttlHours, blocks`). */
export function changedFields(before: InstanceEntry | undefined, after: InstanceEntry): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after[k])).sort();
}
