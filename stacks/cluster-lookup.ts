import type { Construct } from 'constructs';
import type { ClusterConfig } from '../config/types';
import { EksClusterLookup } from '../constructs/aws/eks-lookup';
import { AksClusterLookup } from '../constructs/azure/aks-lookup';
import type { SandboxCluster } from '../constructs/cluster';
import { ExistingCluster } from '../constructs/existing/existing-cluster';
import { GkeClusterLookup } from '../constructs/gcp/gke-lookup';

/** Finds the config's cluster by name through data sources, never through another stack's state. */
export function lookupCluster(scope: Construct, cluster: ClusterConfig): SandboxCluster {
  const common = { clusterName: cluster.name, ingressDomain: cluster.ingressDomain };
  switch (cluster.cloud) {
    case 'aws':
      return new EksClusterLookup(scope, 'Cluster', { ...common, region: cluster.region });
    case 'azure':
      return new AksClusterLookup(scope, 'Cluster', common);
    case 'gcp':
      return new GkeClusterLookup(scope, 'Cluster', { ...common, project: cluster.project, region: cluster.region, filestore: cluster.filestore });
    case 'existing':
      return new ExistingCluster(scope, 'Cluster', {
        ...common,
        kubeconfig: cluster.connection.kind === 'kubeconfig' ? cluster.connection : undefined,
        storage: cluster.storageClasses,
        installMetricsServer: cluster.installMetricsServer,
      });
  }
}
