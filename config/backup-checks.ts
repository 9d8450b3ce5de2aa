import type { CatalogEntry } from '../constructs/catalog/types';
import { backupMethodOf, cronJobSchedule } from '../constructs/instance/database-backup';
import type { PathIssue } from './path-issue';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Clouds whose instances can back up: S3 with an IAM role per block (aws), Blob Storage and Cloud Storage with a
 * workload identity per block (azure, gcp), or any S3 store with a Secret (existing).
 */
export const BACKUP_CLOUDS: readonly string[] = ['aws', 'azure', 'gcp', 'existing'];

/** Which fields of `backupStore` each cloud takes; the others would have no effect there. */
const STORE_FIELDS: Readonly<Record<string, { required: readonly string[]; refused: readonly string[] }>> = {
  aws: { required: [], refused: ['storageAccount', 'resourceGroupName', 'credentialsSecret'] },
  azure: {
    required: ['storageAccount', 'resourceGroupName'],
    refused: ['region', 'endpointURL', 'credentialsSecret'],
  },
  gcp: { required: [], refused: ['region', 'endpointURL', 'credentialsSecret', 'storageAccount', 'resourceGroupName'] },
  existing: { required: ['credentialsSecret'], refused: ['storageAccount', 'resourceGroupName'] },
};

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
    const fields = STORE_FIELDS[String(c.cloud)];
    for (const field of fields?.refused ?? [])
      if (store[field] !== undefined)
        issues.push({
          path: [...path, field],
          message: `has no effect on ${String(c.cloud)} clusters; ${c.cloud === 'azure' ? 'backups go to Blob Storage through a workload identity per block' : c.cloud === 'gcp' ? 'backups go to Cloud Storage through a workload identity per block' : 'leave it out'}`,
        });
    for (const field of (fields?.required ?? []).filter((f) => f !== 'credentialsSecret'))
      if (store[field] === undefined)
        issues.push({
          path,
          message: `needs ${field} on an Azure cluster: the storage account of the container "${String(store.bucket)}" and its resource group`,
        });
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
  const methodOf = (b: string) => backupMethodOf(catalog.get(b) as CatalogEntry | undefined);
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
      const methods = blocks.map((b) => (typeof b === 'string' ? methodOf(b) : undefined));
      if (!methods.some(Boolean)) {
        issues.push({
          path,
          message:
            'needs a database block in blocks (postgresql, or any CloudNativePG cluster; mysql or mongodb); only those are backed up and restored',
        });
      }
      // Our MySQL and MongoDB charts dump through a CronJob, which runs on whole minutes.
      const schedule =
        isObject(inst.backup) && typeof inst.backup.schedule === 'string' ? inst.backup.schedule : undefined;
      if (field === 'backup' && schedule && methods.includes('dump') && !cronJobSchedule(schedule))
        issues.push({
          path: [...path, 'schedule'],
          message: `dumps of ${blocks.filter((_, j) => methods[j] === 'dump').join(', ')} run on whole minutes: give the seconds field a fixed number, e.g. "0 ${schedule.split(/\s+/).slice(1).join(' ')}"`,
        });
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
    // Backups are kept per block name: the source must have each database block of the copy.
    const blockNames = (b: Raw) => (Array.isArray(b.blocks) ? b.blocks : []).map((x) => (isObject(x) ? x.name : x));
    const missing = source
      ? blockNames(inst).filter(
          (b) => typeof b === 'string' && methodOf(b) !== undefined && !blockNames(source).includes(b),
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
