import type { Construct } from 'constructs';
import type { ClusterConfig, InstanceConfig } from '../config/types';
import { EksClusterLookup } from '../constructs/aws/eks-lookup';
import { AwsManagedDatabase } from '../constructs/aws/managed-database';
import type { SandboxCluster } from '../constructs/cluster';
import { MANAGED_DATABASE_ACCOUNT, MANAGED_DEFAULT_VERSIONS, type ManagedDatabase } from '../constructs/instance/managed-database';

/**
 * The instance's managed database server (`database.source: managed`) in the cluster's cloud, or undefined when its
 * blocks use an in-cluster one. Only AWS clusters create one; the config check says so at the line, this guards
 * library users.
 */
export function instanceManagedDatabase(scope: Construct, clusterConfig: ClusterConfig, cluster: SandboxCluster, instance: InstanceConfig): ManagedDatabase | undefined {
  const wanted = instance.database;
  if (!wanted || (wanted.source ?? 'cluster') !== 'managed') return undefined;
  if (clusterConfig.cloud !== 'aws' || !(cluster instanceof EksClusterLookup)) {
    throw new Error(`Instance "${instance.name}": managed databases are created on aws clusters; cluster "${clusterConfig.name}" is ${clusterConfig.cloud} (use database.source: cluster)`);
  }
  const vpc = cluster.eks.vpcConfig.get(0);
  return new AwsManagedDatabase(scope, 'ManagedDatabase', {
    clusterName: clusterConfig.name,
    instanceName: instance.name,
    namespace: instance.namespace ?? instance.name,
    region: clusterConfig.region,
    engine: wanted.engine,
    version: wanted.version ?? MANAGED_DEFAULT_VERSIONS[wanted.engine],
    instanceClass: wanted.instanceClass,
    storageGiB: wanted.storageGiB,
    vpcId: vpc.vpcId,
    subnetIds: vpc.subnetIds,
    clusterSecurityGroupId: vpc.clusterSecurityGroupId,
    oidcIssuerUrl: cluster.eks.identity.get(0).oidc.get(0).issuer,
    serviceAccountName: MANAGED_DATABASE_ACCOUNT,
  }).facts;
}
