import { Construct } from 'constructs';
import type { ClusterConfig, InstanceConfig } from '../config/types';
import type { DatabaseBackupRole } from '../constructs/aws/database-backup-role';
import type { CatalogEntry } from '../constructs/catalog/types';
import type { SandboxCluster } from '../constructs/cluster';
import {
  backupKeyPrefix,
  databaseBackupValues,
  entryWithBarmanImage,
  isCloudNativePgCluster,
  type BackupLocation,
} from '../constructs/instance/database-backup';
import type { BlockRef } from '../constructs/instance/sandbox-instance';
import { fillPlaceholders, mergeValues } from '../constructs/instance/values';
import { eksLookup } from './cloud-lookups';

/** The AWS role construct, loaded only for a backup on AWS. */
const backupRole = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a backup on AWS
  (require('../constructs/aws/database-backup-role') as { DatabaseBackupRole: typeof DatabaseBackupRole })
    .DatabaseBackupRole;

export interface InstanceDatabaseBackupProps {
  readonly clusterConfig: ClusterConfig;
  readonly cluster: SandboxCluster;
  readonly instance: InstanceConfig;
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
}

/**
 * An instance's `backup` and `restoreFrom`: each CloudNativePG block of the instance archives to, or bootstraps
 * from, the cluster's backup store, on AWS through an IAM role of its own. `blocks` and `catalog` are what the
 * instance is built from.
 */
export class InstanceDatabaseBackup extends Construct {
  readonly blocks: readonly BlockRef[];
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
  /** The backed-up (or restored) blocks, by name. */
  readonly databases: readonly string[];

  constructor(scope: Construct, id: string, props: InstanceDatabaseBackupProps) {
    super(scope, id);
    const c = props.clusterConfig;
    const inst = props.instance;
    const where = `Instance "${inst.name}"`;
    if (!c.backupStore) throw new Error(`${where}: backup and restoreFrom need a backupStore on cluster "${c.name}"`);
    if (c.cloud === 'azure' || c.cloud === 'gcp')
      throw new Error(
        `${where}: database backups are offered on aws and existing clusters; cluster "${c.name}" is ${c.cloud}`,
      );
    const aws = c.cloud === 'aws' && props.cluster instanceof eksLookup() ? props.cluster : undefined;
    if (c.cloud === 'existing' && !c.backupStore.credentialsSecret)
      throw new Error(`${where}: cluster "${c.name}" backupStore needs credentialsSecret`);
    const location: BackupLocation = {
      bucket: c.backupStore.bucket,
      prefix: c.backupStore.prefix ?? c.name,
      region: c.backupStore.region ?? (c.cloud === 'aws' ? c.region : undefined),
      endpointURL: c.backupStore.endpointURL,
      credentialsSecret: c.backupStore.credentialsSecret,
    };
    const namespace = inst.namespace ?? inst.name;
    const refs: BlockRef[] = inst.blocks.map((b) => (typeof b === 'string' ? { name: b } : b));
    this.databases = refs.filter((b) => isCloudNativePgCluster(props.catalog.get(b.name))).map((b) => b.name);
    if (!this.databases.length)
      throw new Error(`${where}: backup and restoreFrom need a CloudNativePG database block (such as postgresql)`);

    const catalog = new Map(props.catalog);
    this.blocks = refs.map((ref) => {
      if (!this.databases.includes(ref.name)) return ref;
      const entry = entryWithBarmanImage(props.catalog.get(ref.name)!);
      catalog.set(ref.name, entry);
      const current = mergeValues(
        fillPlaceholders(entry.values ?? {}, { instance: inst.name, namespace, block: ref.name }),
        ref.values ?? {},
      );
      const role = aws
        ? new (backupRole())(this, `Role-${ref.name}`, {
            clusterName: c.name,
            instanceName: inst.name,
            namespace,
            serviceAccount: ref.name,
            oidcIssuerUrl: aws.eks.identity.get(0).oidc.get(0).issuer,
            bucket: location.bucket,
            writePrefix: inst.backup ? backupKeyPrefix(location, inst.name, ref.name) : undefined,
            readPrefix: inst.restoreFrom ? backupKeyPrefix(location, inst.restoreFrom.instance, ref.name) : undefined,
          })
        : undefined;
      const addition = databaseBackupValues({
        location,
        instanceName: inst.name,
        block: ref.name,
        values: current,
        backup: inst.backup,
        restoreFrom: inst.restoreFrom,
        roleArn: role?.arn,
      });
      return { name: ref.name, values: mergeValues(ref.values ?? {}, addition) };
    });
    this.catalog = catalog;
  }
}
