import type { CatalogEntry } from '../constructs/catalog/types';
import { isCloudNativePgCluster } from '../constructs/instance/database-backup';
import type { PathIssue } from './path-issue';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Clouds whose instances can back up: S3 with a per-instance IAM role (aws), or any S3 store with a Secret (existing). */
export const BACKUP_CLOUDS: readonly string[] = ['aws', 'existing'];

/**
 * `backupStore` of each cluster against its cloud, and `backup` / `restoreFrom` of each instance against its
 * cluster's store, its blocks and the source instance.
 */
export function backupIssues(data: Raw, builtin: readonly CatalogEntry[]): PathIssue[] {
  const issues: PathIssue[] = [];
  const clusters = (Array.isArray(data.clusters) ? data.clusters : []).filter(isObject);
  clusters.forEach((c, ci) => {
    const store = c.backupStore;
    if (!isObject(store)) return;
    const path = ['clusters', ci, 'backupStore'];
    if (typeof c.cloud === 'string' && !BACKUP_CLOUDS.includes(c.cloud)) {
      issues.push({
        path,
        message: `database backups are offered on ${BACKUP_CLOUDS.join(' and ')} clusters; cluster "${String(c.name)}" is ${c.cloud}`,
      });
      return;
    }
    if (c.cloud === 'existing' && !store.credentialsSecret) {
      issues.push({
        path,
        message:
          'needs credentialsSecret on an existing cluster: a Secret with ACCESS_KEY_ID and ACCESS_SECRET_KEY in each instance namespace',
      });
    }
    if (c.cloud === 'existing' && !store.region && !store.endpointURL) {
      issues.push({
        path,
        message: 'needs region (AWS S3) or endpointURL (an S3-compatible store) on an existing cluster',
      });
    }
  });

  const catalog = new Map<string, unknown>(builtin.map((e) => [e.name, e]));
  for (const e of Array.isArray(data.catalog) ? data.catalog : [])
    if (isObject(e) && typeof e.name === 'string') catalog.set(e.name, e);
  const instances = (Array.isArray(data.instances) ? data.instances : []).filter(isObject);
  instances.forEach((inst, i) => {
    for (const field of ['backup', 'restoreFrom'] as const) {
      if (!isObject(inst[field])) continue;
      const path = ['instances', i, field];
      const cluster = clusters.find((c) => c.name === inst.cluster);
      if (cluster && !isObject(cluster.backupStore)) {
        issues.push({
          path,
          message: `needs a backupStore on cluster "${String(inst.cluster)}", where backups are kept`,
        });
      }
      const blocks = (Array.isArray(inst.blocks) ? inst.blocks : []).map((b) => (isObject(b) ? b.name : b));
      if (
        !blocks.some((b) => typeof b === 'string' && isCloudNativePgCluster(catalog.get(b) as CatalogEntry | undefined))
      ) {
        issues.push({
          path,
          message:
            'needs a CloudNativePG database block (such as postgresql) in blocks; only those are backed up and restored',
        });
      }
    }
    const restore = inst.restoreFrom;
    if (!isObject(restore) || typeof restore.instance !== 'string') return;
    const path = ['instances', i, 'restoreFrom', 'instance'];
    if (restore.instance === inst.name)
      issues.push({ path, message: 'names the instance itself; restore from another instance' });
    const source = instances.find((s) => s.name === restore.instance);
    if (source && source.cluster !== inst.cluster) {
      issues.push({
        path,
        message: `"${restore.instance}" is on cluster "${String(source.cluster)}"; restore reads the backup store of the instance's own cluster "${String(inst.cluster)}"`,
      });
    }
    if (source && !isObject(source.backup))
      issues.push({
        path,
        message: `"${restore.instance}" has no backup, so the store holds none of its databases; add backup to it`,
      });
    // Backups are kept per block name (the barman server name): the source must have each database block of the copy.
    const blockNames = (b: Raw) => (Array.isArray(b.blocks) ? b.blocks : []).map((x) => (isObject(x) ? x.name : x));
    const missing = source
      ? blockNames(inst).filter(
          (b) =>
            typeof b === 'string' &&
            isCloudNativePgCluster(catalog.get(b) as CatalogEntry | undefined) &&
            !blockNames(source).includes(b),
        )
      : [];
    if (missing.length)
      issues.push({
        path,
        message: `"${restore.instance}" has no block ${missing.map((m) => `"${String(m)}"`).join(', ')}, whose backups the instance would restore`,
      });
  });
  return issues;
}
