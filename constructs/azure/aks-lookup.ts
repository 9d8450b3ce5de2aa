import { DataAzurermKubernetesCluster } from '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { platformIngress, platformSecretStore, type ClusterConnection, type SandboxCluster } from '../cluster';
import { AzureInstanceSecrets } from './instance-secrets';
import { AzurePlatformNeeds } from './platform-needs';
import { AKS_AAD_SERVER_ID, azureNames } from './naming';

export interface AksClusterLookupProps {
  readonly clusterName: string;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
}

/** Finds an AKS cluster by name. Local accounts are off, so credentials come from kubelogin. */
export class AksClusterLookup extends Construct implements SandboxCluster {
  readonly clusterName: string;
  readonly cloud = 'azure' as const;
  readonly connection: ClusterConnection;
  readonly storage: SandboxCluster['storage'];
  readonly secretStore: SandboxCluster['secretStore'];
  readonly ingress: SandboxCluster['ingress'];
  readonly secretBackend: SandboxCluster['secretBackend'];
  readonly platformNeeds: SandboxCluster['platformNeeds'];
  readonly aks: DataAzurermKubernetesCluster;

  constructor(scope: Construct, id: string, props: AksClusterLookupProps) {
    super(scope, id);
    const names = azureNames(props.clusterName);
    this.clusterName = props.clusterName;
    this.aks = new DataAzurermKubernetesCluster(this, 'Cluster', { name: names.aksCluster, resourceGroupName: names.resourceGroup });
    const kubeConfig = this.aks.kubeConfig.get(0);
    this.connection = {
      host: kubeConfig.host,
      clusterCaCertificate: Fn.base64decode(kubeConfig.clusterCaCertificate),
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'kubelogin',
        args: ['get-token', '--login', 'azurecli', '--server-id', AKS_AAD_SERVER_ID],
      },
    };
    this.storage = { blockRwo: names.blockStorageClass, sharedRwx: names.sharedStorageClass };
    this.secretStore = platformSecretStore('azure-key-vault', props.clusterName);
    this.secretBackend = new AzureInstanceSecrets({ clusterName: props.clusterName, location: this.aks.location, oidcIssuerUrl: this.aks.oidcIssuerUrl });
    this.platformNeeds = new AzurePlatformNeeds(props.clusterName);
    this.ingress = platformIngress(props.ingressDomain ?? `${props.clusterName}.sandbox.internal`);
  }
}
