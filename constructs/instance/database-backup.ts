import { PACKAGED_CHARTS, type CatalogEntry } from '../catalog/types';

/** The CloudNativePG `cluster` chart: the blocks whose databases are backed up and restored. */
const CNPG_CLUSTER_CHART = { repository: 'https://cloudnative-pg.github.io/charts', name: 'cluster' } as const;
/** Our database charts, which back up by dumps copied with rclone. */
const DUMP_CHARTS = ['mysql', 'mongodb'];
/** The rclone image our database charts copy dumps with (their `rclone` values). */
export const RCLONE_IMAGE = 'docker.io/rclone/rclone:1.76.0';

/** Whether a catalog entry installs a CloudNativePG Cluster (its chart is CloudNativePG's `cluster` chart). */
export function isCloudNativePgCluster(entry: CatalogEntry | undefined): boolean {
  return (
    entry?.chart?.repository?.replace(/\/$/, '') === CNPG_CLUSTER_CHART.repository &&
    entry.chart.name === CNPG_CLUSTER_CHART.name
  );
}

/**
 * How a block's database is backed up: CloudNativePG's barman object store (WAL and base backups, point-in-time
 * restore), or scheduled dumps of our MySQL and MongoDB charts (a restore loads the newest dump at or before a time);
 * undefined for a block that holds no database sandboxkit backs up.
 */
export function backupMethodOf(entry: CatalogEntry | undefined): 'barman' | 'dump' | undefined {
  if (isCloudNativePgCluster(entry)) return 'barman';
  if (entry?.chart.repository === PACKAGED_CHARTS && DUMP_CHARTS.includes(entry.chart.name)) return 'dump';
  return undefined;
}

/**
 * A bucket (S3, S3-compatible, Cloud Storage) or Blob Storage container, and the key prefix of one cluster's
 * backups in it.
 */
export interface BackupLocation {
  /** Where the store is: AWS S3 or an S3-compatible store, Azure Blob Storage, Google Cloud Storage. @default 's3' */
  readonly provider?: 's3' | 'azure' | 'google';
  /** The bucket, or the Blob Storage container. */
  readonly bucket: string;
  /** Azure: the storage account of the container. */
  readonly storageAccount?: string;
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
  /**
   * The workload identity the block's pods use: an IAM role (IRSA), an Azure identity's client id, a Google service
   * account; without it the location's Secret is used. @default - none
   */
  readonly identity?: BackupIdentity;
}

/** A backed-up block's cloud identity, as its service account and pods carry it. */
export interface BackupIdentity {
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  /** Labels the pods need for the identity (Azure's `azure.workload.identity/use`). @default {} */
  readonly podLabels?: Readonly<Record<string, string>>;
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
  const provider = location.provider ?? 's3';
  const viaIdentity = opts.identity !== undefined;
  // Only what differs from the chart's defaults (provider s3, in-tree barmanObjectStore, AES256), so that every
  // value set here shows in the render. With a workload identity no credentials Secret is read or created.
  const store = (instance: string) => {
    if (provider === 'azure')
      return {
        provider,
        destinationPath: `https://${location.storageAccount}.blob.core.windows.net/${location.bucket}/${location.prefix}/${instance}/`,
        azure: { inheritFromAzureAD: true },
        secret: { create: false },
      };
    if (provider === 'google')
      return {
        provider,
        destinationPath: `gs://${location.bucket}/${location.prefix}/${instance}/`,
        google: { gkeEnvironment: true },
        secret: { create: false },
      };
    return {
      destinationPath: `s3://${location.bucket}/${location.prefix}/${instance}/`,
      ...(location.endpointURL ? { endpointURL: location.endpointURL } : {}),
      ...(location.region || viaIdentity
        ? {
            s3: {
              ...(location.region ? { region: location.region } : {}),
              ...(viaIdentity ? { inheritFromIAMRole: true } : {}),
            },
          }
        : {}),
      ...(viaIdentity ? {} : { secret: { create: false, name: location.credentialsSecret ?? '' } }),
    };
  };
  // Server-side encryption headers are S3's: S3-compatible stores often refuse them, and the other clouds encrypt
  // with the container's or bucket's own settings.
  const encryption =
    location.endpointURL || provider !== 's3' ? { wal: { encryption: '' }, data: { encryption: '' } } : {};
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
  if (opts.identity)
    out.cluster = {
      serviceAccountTemplate: { metadata: { annotations: { ...opts.identity.serviceAccountAnnotations } } },
      // The operator copies these labels from the Cluster to its pods (its INHERITED_LABELS).
      ...(opts.identity.podLabels && Object.keys(opts.identity.podLabels).length
        ? { additionalLabels: { ...opts.identity.podLabels } }
        : {}),
    };
  return out;
}

/** Labels the platform's CloudNativePG operator copies from a Cluster to its pods: the workload identity's. */
export const CNPG_INHERITED_LABELS = ['azure.workload.identity/use'];

/** A six-field CloudNativePG schedule ("0 0 2 * * *") as the five fields of a CronJob, or undefined if it uses seconds. */
export function cronJobSchedule(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6 || !/^\d+$/.test(fields[0])) return undefined;
  return fields.slice(1).join(' ');
}

/** rclone's backend options of a backup store, as our database charts take them (`backup.remote`). */
function rcloneRemote(location: BackupLocation, viaIdentity: boolean): Record<string, string> {
  switch (location.provider ?? 's3') {
    case 'azure':
      return { type: 'azureblob', account: location.storageAccount ?? '', env_auth: 'true' };
    case 'google':
      return { type: 'gcs', env_auth: 'true', bucket_policy_only: 'true' };
    case 's3':
      if (location.endpointURL)
        return { type: 's3', provider: 'Other', endpoint: location.endpointURL, env_auth: String(viaIdentity) };
      return {
        type: 's3',
        provider: 'AWS',
        env_auth: String(viaIdentity),
        ...(location.region ? { region: location.region } : {}),
        server_side_encryption: 'AES256',
      };
  }
}

/** `YYYYMMDDTHHMMSSZ` of an RFC 3339 time in UTC, as our charts name dumps. */
function dumpStamp(time: string): string {
  return new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Values of our MySQL and MongoDB charts that dump every database on the instance's schedule to the instance's folder
 * of the store (kept `retentionDays`), and restore the newest dump of another instance (at or before `targetTime`)
 * on first start.
 */
export function dumpBackupValues(opts: DatabaseBackupOptions): Record<string, unknown> {
  const { location } = opts;
  const path = (instance: string) => `${location.bucket}/${backupKeyPrefix(location, instance, opts.block)}`;
  const schedule = opts.backup?.schedule ? cronJobSchedule(opts.backup.schedule) : undefined;
  if (opts.backup?.schedule && !schedule)
    throw new Error(
      `block "${opts.block}": dumps run on whole minutes; the schedule "${opts.backup.schedule}" must have a fixed seconds field`,
    );
  return {
    backup: {
      enabled: opts.backup !== undefined,
      ...(schedule ? { schedule } : {}),
      ...(opts.backup ? { retentionDays: opts.backup.retentionDays ?? DEFAULT_RETENTION_DAYS } : {}),
      remote: rcloneRemote(location, opts.identity !== undefined),
      ...(opts.backup ? { path: path(opts.instanceName) } : {}),
      ...(opts.identity ? {} : { credentialsSecret: location.credentialsSecret ?? '' }),
      ...(opts.identity
        ? {
            serviceAccount: { annotations: { ...opts.identity.serviceAccountAnnotations } },
            ...(opts.identity.podLabels ? { podLabels: { ...opts.identity.podLabels } } : {}),
          }
        : {}),
    },
    ...(opts.restoreFrom
      ? {
          restore: {
            enabled: true,
            path: path(opts.restoreFrom.instance),
            ...(opts.restoreFrom.targetTime ? { before: dumpStamp(opts.restoreFrom.targetTime) } : {}),
          },
        }
      : {}),
  };
}

/** The entry of a dump-backed-up block with rclone among its images, for the bill of materials. */
export function entryWithRclone(entry: CatalogEntry): CatalogEntry {
  return { ...entry, images: [...entry.images, RCLONE_IMAGE] };
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
