import type { Construct } from 'constructs';
import type { ClusterConfig, InstanceConfig } from '../config/types';
import type * as AwsDatabase from '../constructs/aws/managed-database';
import type * as AzureDatabase from '../constructs/azure/managed-database';
import type * as AzureDatabaseNetwork from '../constructs/azure/managed-database-network';
import type { SandboxCluster } from '../constructs/cluster';
import type * as GcpDatabase from '../constructs/gcp/managed-database';
import type * as GcpDatabaseNetwork from '../constructs/gcp/managed-database-network';
import {
  MANAGED_DATABASE_ACCOUNT,
  MANAGED_DEFAULT_VERSIONS,
  type ManagedDatabase,
} from '../constructs/instance/managed-database';
import { aksLookup, eksLookup } from './cloud-lookups';
import { clusterTags, googleLabels } from './providers';

/* Each cloud's database constructs (and its provider package) are loaded only for a managed database on that cloud. */
/* eslint-disable @typescript-eslint/no-require-imports */
const aws = () => require('../constructs/aws/managed-database') as typeof AwsDatabase;
const gcp = () => ({
  ...(require('../constructs/gcp/managed-database') as typeof GcpDatabase),
  ...(require('../constructs/gcp/managed-database-network') as typeof GcpDatabaseNetwork),
});
const azure = () => ({
  ...(require('../constructs/azure/managed-database') as typeof AzureDatabase),
  ...(require('../constructs/azure/managed-database-network') as typeof AzureDatabaseNetwork),
});
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The instance's managed database server (`database.source: managed`) in the cluster's cloud, or undefined when its
 * blocks use an in-cluster one. AWS clusters create RDS; Google and Azure clusters with `managedDatabases` Cloud SQL
 * and PostgreSQL Flexible Server. The config check says so at the line; this guards library users.
 */
export function instanceManagedDatabase(
  scope: Construct,
  clusterConfig: ClusterConfig,
  cluster: SandboxCluster,
  instance: InstanceConfig,
): ManagedDatabase | undefined {
  const wanted = instance.database;
  if (!wanted || (wanted.source ?? 'cluster') !== 'managed') return undefined;
  const common = {
    clusterName: clusterConfig.name,
    instanceName: instance.name,
    namespace: instance.namespace ?? instance.name,
    engine: wanted.engine,
    version: wanted.version ?? MANAGED_DEFAULT_VERSIONS[wanted.engine],
    storageGiB: wanted.storageGiB,
    serviceAccountName: MANAGED_DATABASE_ACCOUNT,
  };
  if (clusterConfig.cloud === 'aws' && cluster instanceof eksLookup()) {
    const vpc = cluster.eks.vpcConfig.get(0);
    return new (aws().AwsManagedDatabase)(scope, 'ManagedDatabase', {
      ...common,
      region: clusterConfig.region,
      instanceClass: wanted.instanceClass,
      vpcId: vpc.vpcId,
      subnetIds: vpc.subnetIds,
      clusterSecurityGroupId: vpc.clusterSecurityGroupId,
      oidcIssuerUrl: cluster.eks.identity.get(0).oidc.get(0).issuer,
    }).facts;
  }
  if (clusterConfig.cloud === 'gcp' && clusterConfig.managedDatabases) {
    const { GcpManagedDatabase, DEFAULT_MANAGED_DATABASE_CIDR } = gcp();
    return new GcpManagedDatabase(scope, 'ManagedDatabase', {
      ...common,
      project: clusterConfig.project,
      region: clusterConfig.region,
      tier: wanted.instanceClass,
      privateRange: clusterConfig.managedDatabases.cidr ?? DEFAULT_MANAGED_DATABASE_CIDR,
      labels: googleLabels(
        clusterTags(clusterConfig, { 'sandbox-instance': instance.name, 'sandbox-owner': instance.owner }),
      ),
    }).facts;
  }
  if (
    clusterConfig.cloud === 'azure' &&
    clusterConfig.managedDatabases &&
    wanted.engine === 'postgresql' &&
    cluster instanceof aksLookup()
  ) {
    const { AzureManagedDatabase, DEFAULT_AZURE_DATABASE_SUBNET } = azure();
    return new AzureManagedDatabase(scope, 'ManagedDatabase', {
      ...common,
      location: clusterConfig.location,
      version: common.version.split('.')[0],
      skuName: wanted.instanceClass,
      subnetCidr: clusterConfig.managedDatabases.cidr ?? DEFAULT_AZURE_DATABASE_SUBNET,
      oidcIssuerUrl: cluster.aks.oidcIssuerUrl,
      ttlHours: instance.protected ? undefined : (instance.ttlHours ?? 48),
    }).facts;
  }
  throw new Error(
    `Instance "${instance.name}": managed databases are created on aws clusters, and on gcp and azure (PostgreSQL only) clusters with managedDatabases; cluster "${clusterConfig.name}" is ${clusterConfig.cloud} (use database.source: cluster)`,
  );
}
