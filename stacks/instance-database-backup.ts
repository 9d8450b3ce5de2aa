import { Construct } from 'constructs';
import type { ClusterConfig, InstanceConfig } from '../config/types';
import type { DatabaseBackupRole } from '../constructs/aws/database-backup-role';
import type { AzureDatabaseBackupIdentity } from '../constructs/azure/database-backup-identity';
import type { CatalogEntry } from '../constructs/catalog/types';
import type { SandboxCluster } from '../constructs/cluster';
import type { GcpDatabaseBackupAccount } from '../constructs/gcp/database-backup-account';
import {
  backupKeyPrefix,
  backupMethodOf,
  databaseBackupValues,
  dumpBackupValues,
  entryWithBarmanImage,
  entryWithRclone,
  type BackupIdentity,
  type BackupLocation,
} from '../constructs/instance/database-backup';
import type { BlockRef } from '../constructs/instance/instance-props';
import { fillPlaceholders, mergeValues } from '../constructs/instance/values';
import { aksLookup, eksLookup } from './cloud-lookups';

/* Each cloud's identity construct (and its provider package) is loaded only for a backup on that cloud. */
/* eslint-disable @typescript-eslint/no-require-imports */
const backupRole = () =>
  (require('../constructs/aws/database-backup-role') as { DatabaseBackupRole: typeof DatabaseBackupRole })
    .DatabaseBackupRole;
const azureIdentity = () =>
  (
    require('../constructs/azure/database-backup-identity') as {
      AzureDatabaseBackupIdentity: typeof AzureDatabaseBackupIdentity;
    }
  ).AzureDatabaseBackupIdentity;
const gcpAccount = () =>
  (
    require('../constructs/gcp/database-backup-account') as {
      GcpDatabaseBackupAccount: typeof GcpDatabaseBackupAccount;
    }
  ).GcpDatabaseBackupAccount;
/* eslint-enable @typescript-eslint/no-require-imports */

export interface InstanceDatabaseBackupProps {
  readonly clusterConfig: ClusterConfig;
  readonly cluster: SandboxCluster;
  readonly instance: InstanceConfig;
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
}

/**
 * An instance's `backup` and `restoreFrom`: each database block of the instance archives to, or starts from, the
 * cluster's backup store: CloudNativePG's clusters by WAL archiving and base backups, our MySQL and MongoDB charts by
 * scheduled dumps. Each block reaches the store with a workload identity of its own (an IAM role on AWS, a federated
 * identity on Azure, a Google service account), limited to the instance's prefix and, read only, the source's; on
 * existing clusters with the store's Secret. `blocks` and `catalog` are what the instance is built from.
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
    const store = c.backupStore;
    if (!store) throw new Error(`${where}: backup and restoreFrom need a backupStore on cluster "${c.name}"`);
    if (c.cloud === 'existing' && !store.credentialsSecret)
      throw new Error(`${where}: cluster "${c.name}" backupStore needs credentialsSecret`);
    if (c.cloud === 'azure' && (!store.storageAccount || !store.resourceGroupName))
      throw new Error(`${where}: cluster "${c.name}" backupStore needs storageAccount and resourceGroupName on Azure`);
    const location: BackupLocation = {
      provider: c.cloud === 'azure' ? 'azure' : c.cloud === 'gcp' ? 'google' : 's3',
      bucket: store.bucket,
      storageAccount: store.storageAccount,
      prefix: store.prefix ?? c.name,
      region: store.region ?? (c.cloud === 'aws' ? c.region : undefined),
      endpointURL: store.endpointURL,
      credentialsSecret: store.credentialsSecret,
    };
    const namespace = inst.namespace ?? inst.name;
    const refs: BlockRef[] = inst.blocks.map((b) => (typeof b === 'string' ? { name: b } : b));
    this.databases = refs.filter((b) => backupMethodOf(props.catalog.get(b.name))).map((b) => b.name);
    if (!this.databases.length)
      throw new Error(`${where}: backup and restoreFrom need a database block (postgresql, mysql or mongodb)`);

    const catalog = new Map(props.catalog);
    this.blocks = refs.map((ref) => {
      const method = backupMethodOf(props.catalog.get(ref.name));
      if (!method) return ref;
      const original = props.catalog.get(ref.name)!;
      const entry = method === 'barman' ? entryWithBarmanImage(original) : entryWithRclone(original);
      catalog.set(ref.name, entry);
      const current = mergeValues(
        fillPlaceholders(entry.values ?? {}, { instance: inst.name, namespace, block: ref.name }),
        ref.values ?? {},
      );
      // A CloudNativePG Cluster runs as its own name; our charts' backup and restore pods as `<block>-backup`.
      const serviceAccount = method === 'barman' ? ref.name : `${ref.name}-backup`;
      const identity = this.identity(props, location, ref.name, serviceAccount, namespace);
      const options = {
        location,
        instanceName: inst.name,
        block: ref.name,
        values: current,
        backup: inst.backup,
        restoreFrom: inst.restoreFrom,
        identity,
      };
      const addition = method === 'barman' ? databaseBackupValues(options) : dumpBackupValues(options);
      return { name: ref.name, values: mergeValues(ref.values ?? {}, addition) };
    });
    this.catalog = catalog;
  }

  /** The cloud identity of one backed-up block, or undefined on an existing cluster (the store's Secret is used). */
  private identity(
    props: InstanceDatabaseBackupProps,
    location: BackupLocation,
    block: string,
    serviceAccount: string,
    namespace: string,
  ): BackupIdentity | undefined {
    const c = props.clusterConfig;
    const inst = props.instance;
    const writePrefix = inst.backup ? backupKeyPrefix(location, inst.name, block) : undefined;
    const readPrefix = inst.restoreFrom ? backupKeyPrefix(location, inst.restoreFrom.instance, block) : undefined;
    const common = { clusterName: c.name, instanceName: inst.name, namespace, serviceAccount, writePrefix, readPrefix };
    if (c.cloud === 'aws' && props.cluster instanceof eksLookup()) {
      const role = new (backupRole())(this, `Role-${block}`, {
        ...common,
        oidcIssuerUrl: props.cluster.eks.identity.get(0).oidc.get(0).issuer,
        bucket: location.bucket,
      });
      return { serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': role.arn } };
    }
    if (c.cloud === 'azure' && props.cluster instanceof aksLookup()) {
      const identity = new (azureIdentity())(this, `Identity-${block}`, {
        ...common,
        location: c.location,
        oidcIssuerUrl: props.cluster.aks.oidcIssuerUrl,
        storageAccount: location.storageAccount!,
        resourceGroupName: c.backupStore!.resourceGroupName!,
        container: location.bucket,
      });
      return {
        serviceAccountAnnotations: { 'azure.workload.identity/client-id': identity.clientId },
        podLabels: { 'azure.workload.identity/use': 'true' },
      };
    }
    if (c.cloud === 'gcp') {
      const account = new (gcpAccount())(this, `Account-${block}`, {
        ...common,
        project: c.project,
        bucket: location.bucket,
      });
      return { serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': account.email } };
    }
    return undefined;
  }
}
