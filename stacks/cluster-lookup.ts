import type { Construct } from 'constructs';
import type { AzureClusterConfig, ClusterConfig } from '../config/types';
import type { SandboxCluster } from '../constructs/cluster';
import { ExistingCluster } from '../constructs/existing/existing-cluster';
import { aksLookup, eksLookup, gkeLookup } from './cloud-lookups';

/** Finds the config's cluster by name through data sources, never through another stack's state. */
export function lookupCluster(scope: Construct, cluster: ClusterConfig): SandboxCluster {
  const common = { clusterName: cluster.name, ingressDomain: cluster.ingressDomain };
  const dns = cluster.platform?.externalDns;
  switch (cluster.cloud) {
    case 'aws':
      return new (eksLookup())(scope, 'Cluster', { ...common, region: cluster.region, externalDnsZoneId: dns?.zoneId });
    case 'azure':
      return new (aksLookup())(scope, 'Cluster', { ...common, externalDnsZone: azureDnsZone(cluster) });
    case 'gcp':
      return new (gkeLookup())(scope, 'Cluster', {
        ...common,
        project: cluster.project,
        region: cluster.region,
        filestore: cluster.filestore,
        externalDnsZone: dns?.managedZone,
      });
    case 'existing':
      return new ExistingCluster(scope, 'Cluster', {
        ...common,
        kubeconfig: cluster.connection.kind === 'kubeconfig' ? cluster.connection : undefined,
        storage: cluster.storageClasses,
        installMetricsServer: cluster.installMetricsServer,
      });
  }
}

/** The Azure DNS zone of external-dns: named after the ingress domain, in the configured resource group. */
export function azureDnsZone(cluster: AzureClusterConfig): { resourceGroupName: string; zoneName: string } | undefined {
  const dns = cluster.platform?.externalDns;
  if (!dns?.resourceGroupName) return undefined;
  return {
    resourceGroupName: dns.resourceGroupName,
    zoneName: cluster.ingressDomain ?? `${cluster.name}.sandbox.internal`,
  };
}
