import type { CatalogEntry } from '../catalog/types';

/** The CloudNativePG `cluster` chart: the blocks whose databases are backed up and restored. */
const CNPG_CLUSTER_CHART = { repository: 'https://cloudnative-pg.github.io/charts', name: 'cluster' } as const;

/** Whether a catalog entry installs a CloudNativePG Cluster (its chart is CloudNativePG's `cluster` chart). */
export function isCloudNativePgCluster(entry: CatalogEntry | undefined): boolean {
  return (
    entry?.chart?.repository?.replace(/\/$/, '') === CNPG_CLUSTER_CHART.repository &&
    entry.chart.name === CNPG_CLUSTER_CHART.name
  );
}

/** An S3 bucket (or S3-compatible store) and the key prefix of one cluster's backups in it. */
export interface BackupLocation {
  readonly bucket: string;
  /** Key prefix of the cluster's backups, without leading or trailing "/". */
  readonly prefix: string;
  /** @default - none: endpointURL must be set */
  readonly region?: string;
  /** @default - AWS S3 of the region */
  readonly endpointURL?: string;
  /** Secret with ACCESS_KEY_ID and ACCESS_SECRET_KEY in the namespace. @default - the pods' IAM role (IRSA) */
  readonly credentialsSecret?: string;
}

/** Key prefix of one block's backups of one instance: `<prefix>/<instance>/<block>`, the barman server folder. */
export function backupKeyPrefix(location: BackupLocation, instance: string, block: string): string {
  return `${location.prefix}/${instance}/${block}`;
}

export interface DatabaseBackupOptions {
  readonly location: BackupLocation;
  readonly instanceName: string;
  /** The block, which is also the CloudNativePG Cluster's name and its barman server name. */
  readonly block: string;
  /** The block's values as they stand (catalog defaults and the instance's own). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Continuous backup of this instance. @default - none */
  readonly backup?: { readonly schedule?: string; readonly retentionDays?: number };
  /** Bootstrap from another instance's backups. @default - an empty database */
  readonly restoreFrom?: { readonly instance: string; readonly targetTime?: string };
  /** IAM role the Cluster's pods assume (IRSA); without it the location's Secret is used. @default - none */
  readonly roleArn?: string;
}

/** Days of backups and WAL kept when the instance does not say. */
export const DEFAULT_RETENTION_DAYS = 7;

/**
 * Values of the `cluster` chart (0.8.x) that archive WAL and take base backups to the instance's folder of the
 * store, and that bootstrap the Cluster in recovery from another instance's folder: the operator's in-tree
 * `barmanObjectStore`, which needs no plugin chart.
 */
export function databaseBackupValues(opts: DatabaseBackupOptions): Record<string, unknown> {
  const { location } = opts;
  const viaRole = opts.roleArn !== undefined;
  // Only what differs from the chart's defaults (provider s3, in-tree barmanObjectStore, AES256), so that every
  // value set here shows in the render. With the IAM role no credentials Secret is read or created.
  const store = (instance: string) => ({
    destinationPath: `s3://${location.bucket}/${location.prefix}/${instance}/`,
    ...(location.endpointURL ? { endpointURL: location.endpointURL } : {}),
    ...(location.region || viaRole
      ? {
          s3: {
            ...(location.region ? { region: location.region } : {}),
            ...(viaRole ? { inheritFromIAMRole: true } : {}),
          },
        }
      : {}),
    ...(viaRole ? {} : { secret: { create: false, name: location.credentialsSecret ?? '' } }),
  });
  // S3-compatible stores often refuse SSE headers; AWS S3 keeps the chart's server-side encryption (AES256).
  const encryption = location.endpointURL ? { wal: { encryption: '' }, data: { encryption: '' } } : {};
  const out: Record<string, unknown> = {};
  if (opts.backup) {
    out.backups = {
      enabled: true,
      ...store(opts.instanceName),
      ...encryption,
      scheduledBackups: opts.backup.schedule
        ? [
            {
              name: 'scheduled',
              schedule: opts.backup.schedule,
              backupOwnerReference: 'self',
              method: 'barmanObjectStore',
            },
          ]
        : [],
      retentionPolicy: `${opts.backup.retentionDays ?? DEFAULT_RETENTION_DAYS}d`,
    };
  }
  if (opts.restoreFrom) {
    const initdb = ((opts.values.cluster as Record<string, unknown> | undefined)?.initdb ?? {}) as {
      database?: string;
      owner?: string;
    };
    const database = initdb.database ?? 'app';
    out.mode = 'recovery';
    out.recovery = {
      method: 'object_store',
      clusterName: opts.block,
      ...store(opts.restoreFrom.instance),
      ...(opts.restoreFrom.targetTime ? { pitrTarget: { time: opts.restoreFrom.targetTime } } : {}),
      ...(database !== 'app' ? { database } : {}),
      owner: initdb.owner ?? database,
    };
  }
  if (viaRole)
    out.cluster = {
      serviceAccountTemplate: { metadata: { annotations: { 'eks.amazonaws.com/role-arn': opts.roleArn } } },
    };
  return out;
}

/** CloudNativePG's PostgreSQL image with the barman-cloud tools, which the in-tree object store backup runs. */
export function withBarmanImage(image: string): string {
  return image.replace(/(\/postgresql):(\d+(?:\.\d+)?)$/, '$1:$2-system-trixie');
}

/** The entry with its PostgreSQL images (default, mirrored, bill of materials) on the barman-cloud variant. */
export function entryWithBarmanImage(entry: CatalogEntry): CatalogEntry {
  const cluster = (entry.values?.cluster ?? {}) as Record<string, unknown>;
  const mirror = entry.registryMirrorValues?.['cluster.imageName'];
  return {
    ...entry,
    values: {
      ...entry.values,
      cluster: {
        ...cluster,
        ...(typeof cluster.imageName === 'string' ? { imageName: withBarmanImage(cluster.imageName) } : {}),
      },
    },
    ...(mirror
      ? { registryMirrorValues: { ...entry.registryMirrorValues, 'cluster.imageName': withBarmanImage(mirror) } }
      : {}),
    images: entry.images.map(withBarmanImage),
  };
}
