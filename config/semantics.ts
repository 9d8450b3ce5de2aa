import type { CatalogEntry } from '../constructs/catalog/types';
import { catalogEntrySchema } from './schema';
import { environmentIssues, instanceGroupIssues } from './environment-checks';
import { idleIssues } from './idle-checks';
import { instanceGroupClusterIssues } from './instance-group-checks';
import { instanceIssues } from './instance-checks';
import { networkIssues } from './network-checks';
import type { PathIssue } from './path-issue';
import { suggest } from './suggest';

export type { PathIssue } from './path-issue';

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const nameOf = (v: unknown): string | undefined => (isObject(v) && typeof v.name === 'string' ? v.name : undefined);

/**
 * Checks that relate one part of the config to another. It reads the raw data
 * defensively so that it reports its findings even when the schema check failed
 * elsewhere, and every problem is listed in one run.
 */
export function semanticIssues(data: Raw, builtin: readonly CatalogEntry[]): PathIssue[] {
  const issues: PathIssue[] = [];
  const clusters = list(data.clusters);
  const instances = list(data.instances);

  duplicates(clusters.map(nameOf), 'clusters', 'name', 'cluster', issues);
  const instanceNames = instances.map(nameOf);
  const sameName = duplicates(instanceNames, 'instances', 'name', 'instance', issues);
  // A repeated name already implies a repeated namespace; report namespaces only where they add something.
  duplicates(
    instances.map((i, index) =>
      isObject(i) && !sameName.has(index) ? (typeof i.namespace === 'string' ? i.namespace : nameOf(i)) : undefined,
    ),
    'instances',
    'namespace',
    'instance namespace',
    issues,
  );

  const declared = new Set(clusters.map(nameOf).filter((n): n is string => n !== undefined));
  clusters.forEach((c, i) => externalDnsIssues(c, i, issues));
  clusters.forEach((c, i) => acmeIssues(c, i, issues));
  clusters.forEach((c, i) => networkIssues(c, i, issues));
  const catalog = knownBlocks(builtin, list(data.catalog));

  instances.forEach((inst, i) => {
    if (!isObject(inst)) return;
    if (typeof inst.cluster === 'string' && !declared.has(inst.cluster)) {
      issues.push({
        path: ['instances', i, 'cluster'],
        message: `expected one of the declared clusters (${[...declared].join(', ') || 'none'}), got "${inst.cluster}"`,
      });
    }
    const blockNames: string[] = [];
    list(inst.blocks).forEach((block, b) => {
      const name = typeof block === 'string' ? block : nameOf(block);
      if (name === undefined) return;
      blockNames.push(name);
      if (!catalog.has(name)) {
        issues.push({
          path: ['instances', i, 'blocks', b],
          message: `unknown building block "${name}"${suggest(name, [...catalog.keys()]) || `; the catalog offers ${[...catalog.keys()].sort().join(', ')}`}`,
        });
      }
    });
    duplicates(blockNames, `instances[${i}].blocks`, undefined, 'block', issues, ['instances', i, 'blocks']);
    instanceIssues(
      inst,
      i,
      catalog,
      clusters.find((c) => nameOf(c) === inst.cluster),
      issues,
    );
    list(inst.datasets).forEach((ds, d) => {
      if (!isObject(ds) || typeof ds.block !== 'string') return;
      if (!blockNames.includes(ds.block)) {
        issues.push({
          path: ['instances', i, 'datasets', d, 'block'],
          message: `"${ds.block}" is not one of this instance's blocks`,
        });
        return;
      }
      const entry = catalog.get(ds.block);
      if (entry && typeof ds.variant === 'string' && !(ds.variant in (entry.datasets ?? {}))) {
        const offered = Object.keys(entry.datasets ?? {});
        issues.push({
          path: ['instances', i, 'datasets', d, 'variant'],
          message: `block "${ds.block}" offers ${offered.length ? offered.join(', ') : 'no datasets'}, got "${ds.variant}"`,
        });
      }
    });
  });
  environmentIssues(clusters, instances, catalog, issues);
  idleIssues(clusters, instances, issues);
  instanceGroupIssues(list(data.instanceGroups), instances, issues);
  instanceGroupClusterIssues(list(data.instanceGroups), instances, clusters, issues);
  return issues;
}

/** Built-in entries overlaid with the config's valid entries; invalid ones are known by name only. */
function knownBlocks(builtin: readonly CatalogEntry[], fromConfig: unknown[]): Map<string, CatalogEntry | undefined> {
  const known = new Map<string, CatalogEntry | undefined>(builtin.map((e) => [e.name, e]));
  for (const raw of fromConfig) {
    const name = nameOf(raw);
    if (name === undefined) continue;
    const parsed = catalogEntrySchema.safeParse(raw);
    known.set(name, parsed.success ? (parsed.data as CatalogEntry) : undefined);
  }
  return known;
}

function duplicates(
  names: (string | undefined)[],
  listName: string,
  field: string | undefined,
  what: string,
  issues: PathIssue[],
  listPath: (string | number)[] = [listName],
): Set<number> {
  const first = new Map<string, number>();
  const repeated = new Set<number>();
  names.forEach((name, index) => {
    if (name === undefined) return;
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, index);
      return;
    }
    repeated.add(index);
    const path = field ? [...listPath, index, field] : [...listPath, index];
    issues.push({ path, message: `duplicate ${what} "${name}", first declared at ${listName}[${earlier}]` });
  });
  return repeated;
}

/** The DNS zone field each cloud's external-dns needs. */
const DNS_ZONE_FIELD: Record<string, string> = { aws: 'zoneId', azure: 'resourceGroupName', gcp: 'managedZone' };

/** Why the platform refuses ACME, at `clusters[i].platform.acme`. */
export const ACME_REFUSAL =
  'is not supported: every instance listener needs a wildcard certificate (*.<instance>.<domain>), which an ACME ' +
  'server issues only after a DNS-01 challenge, and the platform gives cert-manager no identity in the DNS zone; ' +
  'leave acme out to issue from the sandbox CA';

function acmeIssues(cluster: unknown, index: number, issues: PathIssue[]): void {
  if (!isObject(cluster) || !isObject(cluster.platform) || cluster.platform.acme === undefined) return;
  issues.push({ path: ['clusters', index, 'platform', 'acme'], message: ACME_REFUSAL });
}

function externalDnsIssues(cluster: unknown, index: number, issues: PathIssue[]): void {
  if (!isObject(cluster) || !isObject(cluster.platform) || !isObject(cluster.platform.externalDns)) return;
  const dns = cluster.platform.externalDns;
  const path = ['clusters', index, 'platform', 'externalDns'];
  const field = DNS_ZONE_FIELD[String(cluster.cloud)];
  if (!field) {
    issues.push({ path, message: `external-dns needs a cloud DNS zone; cloud "${String(cluster.cloud)}" has none` });
    return;
  }
  if (dns[field] === undefined)
    issues.push({ path: [...path, field], message: `is required on cloud "${String(cluster.cloud)}"` });
  for (const other of Object.values(DNS_ZONE_FIELD).filter((f) => f !== field && dns[f] !== undefined)) {
    issues.push({
      path: [...path, other],
      message: `does not apply to cloud "${String(cluster.cloud)}"; it needs ${field}`,
    });
  }
}
