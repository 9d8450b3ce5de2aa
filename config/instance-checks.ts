import type { CatalogEntry, Requirement } from '../constructs/catalog/types';
import { describeRequirement, matchesRequirement } from '../constructs/instance/match';
import { MANAGED_DEFAULT_VERSIONS, managedProviderEntry } from '../constructs/instance/managed-database';
import { MOCK_KINDS, type MockKind } from '../constructs/instance/mocks';
import { quotaProblem } from '../constructs/instance/quota-check';
import { SIZE_PROFILES, type QuotaSpec, type SizeProfileName } from '../constructs/instance/size-profile';
import { backupMethodOf } from '../constructs/instance/database-backup';
import { mergeValues } from '../constructs/instance/values';
import type { PathIssue } from './path-issue';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether the cluster offers shared (RWX) storage, as its construct decides. */
export function offersRwx(cluster: unknown): boolean {
  if (!isObject(cluster)) return true;
  switch (cluster.cloud) {
    case 'aws':
    case 'azure':
      return true;
    case 'gcp':
      return cluster.filestore === true;
    case 'existing':
      return isObject(cluster.storageClasses) && typeof cluster.storageClasses.sharedRwx === 'string';
    default:
      return true;
  }
}

function safeMatch(labels: Readonly<Record<string, string>>, req: Requirement): boolean {
  try {
    return matchesRequirement(labels, req);
  } catch {
    return false;
  }
}

interface Block {
  readonly name: string;
  readonly index: number;
  readonly entry: CatalogEntry;
  /** The entry's values with the instance's over them. */
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * Checks of one instance that need the catalog and its cluster: strong
 * requirements met, no requirement cycles, RWX storage where a block needs
 * it, and the blocks, mocks and seed jobs within the quota (requests, limits, pods). Each problem is reported at
 * the block or field it comes from.
 */
export function instanceIssues(
  inst: Raw,
  i: number,
  catalog: ReadonlyMap<string, CatalogEntry | undefined>,
  cluster: unknown,
  issues: PathIssue[],
): void {
  const blocks: Block[] = [];
  (Array.isArray(inst.blocks) ? inst.blocks : []).forEach((b, index) => {
    const name = typeof b === 'string' ? b : isObject(b) && typeof b.name === 'string' ? b.name : undefined;
    const entry = name ? catalog.get(name) : undefined;
    const own = isObject(b) && isObject(b.values) ? b.values : {};
    // The dump backup and restore of our database charts run pods of their own, as the instance stack switches them on.
    const dumps = backupMethodOf(entry) === 'dump';
    const jobs = {
      ...(dumps && isObject(inst.backup) ? { backup: { enabled: true } } : {}),
      ...(dumps && isObject(inst.restoreFrom) ? { restore: { enabled: true } } : {}),
    };
    if (name && entry && !blocks.some((x) => x.name === name))
      blocks.push({ name, index, entry, values: mergeValues(mergeValues(entry.values ?? {}, own), jobs) });
  });
  const path = (b: Block) => ['instances', i, 'blocks', b.index];
  const names = blocks.map((b) => b.name).join(', ');
  // A managed database server meets requirements on its engine like a block would.
  const managed =
    isObject(inst.database) &&
    inst.database.source === 'managed' &&
    (inst.database.engine === 'postgresql' || inst.database.engine === 'mysql')
      ? managedProviderEntry({
          engine: inst.database.engine,
          version:
            typeof inst.database.version === 'string'
              ? inst.database.version
              : MANAGED_DEFAULT_VERSIONS[inst.database.engine],
        })
      : undefined;
  // So do the shared blocks the instance uses; they are installed before it, so they add no install order.
  const shared = (Array.isArray(inst.uses) ? inst.uses : []).flatMap((u) => {
    const entry = typeof u === 'string' ? catalog.get(u) : undefined;
    return entry ? [{ name: u as string, index: -1, entry, values: {} }] : [];
  });
  const providers = [
    ...blocks,
    ...(managed ? [{ name: managed.name, index: -1, entry: managed, values: {} }] : []),
    ...shared,
  ];

  const edges = new Map<string, string[]>();
  for (const block of blocks) {
    const deps: string[] = [];
    for (const req of block.entry.requires?.strong ?? []) {
      const found = providers.filter((o) => o.name !== block.name && safeMatch(o.entry.labels, req)).map((o) => o.name);
      if (found.length === 0) {
        issues.push({
          path: path(block),
          message: `block "${block.name}" requires ${describeRequirement(req)}, which no other block of the instance (${names}) provides${shared.length ? ` nor a shared block it uses (${shared.map((x) => x.name).join(', ')})` : ''}; add a block that does`,
        });
      }
      deps.push(...found.filter((f) => !deps.includes(f) && !shared.some((x) => x.name === f)));
    }
    edges.set(block.name, deps);
    if (block.entry.needs?.storage === 'rwx' && !offersRwx(cluster)) {
      issues.push({
        path: path(block),
        message: `block "${block.name}" needs shared (RWX) storage, which cluster "${String(inst.cluster)}" does not offer (existing clusters: storageClasses.sharedRwx; Google: filestore: true)`,
      });
    }
  }

  const reported = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const key = [...cycle.slice(0, -1)].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        const first = blocks.find((b) => b.name === cycle[0])!;
        issues.push({
          path: path(first),
          message: `blocks ${cycle
            .slice(0, -1)
            .map((n) => `"${n}"`)
            .join(' and ')} require each other (cycle ${cycle.join(' -> ')}); one of them must not need the other`,
        });
      }
      return;
    }
    state.set(name, 'visiting');
    for (const dep of edges.get(name) ?? []) visit(dep, [...trail, name]);
    state.set(name, 'done');
  };
  blocks.forEach((b) => visit(b.name, []));

  const size = (typeof inst.size === 'string' && inst.size in SIZE_PROFILES ? inst.size : 'small') as SizeProfileName;
  const quota = { ...SIZE_PROFILES[size], ...(isObject(inst.quota) ? inst.quota : {}) } as QuotaSpec;
  const mocks = [...new Set(Array.isArray(inst.mocks) ? inst.mocks : [])].filter((m): m is MockKind =>
    MOCK_KINDS.includes(m as MockKind),
  );
  // The managed server's users job counts as one seed job, as the instance counts it.
  const usersJob =
    managed && blocks.some((b) => isObject(inst.database) && b.entry.needs?.database === inst.database.engine) ? 1 : 0;
  const seedJobs = (Array.isArray(inst.datasets) ? inst.datasets.length : 0) + usersJob;
  const where = isObject(inst.quota) ? 'quota' : 'size';
  try {
    const problem = quotaProblem({ blocks, mocks, seedJobs }, quota, size, where === 'quota');
    if (problem) issues.push({ path: ['instances', i, where], message: problem });
  } catch (err) {
    issues.push({ path: ['instances', i, 'quota'], message: (err as Error).message });
  }
}
