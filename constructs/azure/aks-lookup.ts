import { DataAzurermKubernetesCluster } from '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster';
import { Construct } from 'constructs';
import type { ClusterFacts, SandboxCluster } from '../cluster';
import { aksFacts } from './cluster-facts';
import { azureNames } from './naming';

export interface AksClusterLookupProps {
  readonly clusterName: string;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /** DNS zone the cluster stack granted external-dns. @default - none */
  readonly externalDnsZone?: { readonly resourceGroupName: string; readonly zoneName: string };
}

/** Finds an AKS cluster by name. Local accounts are off, so credentials come from kubelogin. */
export class AksClusterLookup extends Construct implements SandboxCluster {
  readonly clusterName: string;
  readonly cloud = 'azure' as const;
  declare readonly connection: ClusterFacts['connection'];
  declare readonly storage: ClusterFacts['storage'];
  declare readonly secretStore: ClusterFacts['secretStore'];
  declare readonly ingress: ClusterFacts['ingress'];
  declare readonly secretBackend: ClusterFacts['secretBackend'];
  declare readonly platformNeeds: ClusterFacts['platformNeeds'];
  readonly aks: DataAzurermKubernetesCluster;

  constructor(scope: Construct, id: string, props: AksClusterLookupProps) {
    super(scope, id);
    const names = azureNames(props.clusterName);
    this.clusterName = props.clusterName;
    this.aks = new DataAzurermKubernetesCluster(this, 'Cluster', {
      name: names.aksCluster,
      resourceGroupName: names.resourceGroup,
    });
    const kubeConfig = this.aks.kubeConfig.get(0);
    Object.assign(
      this,
      aksFacts({
        ...props,
        location: this.aks.location,
        host: kubeConfig.host,
        clusterCaCertificate: kubeConfig.clusterCaCertificate,
        oidcIssuerUrl: this.aks.oidcIssuerUrl,
      }),
    );
  }
}
