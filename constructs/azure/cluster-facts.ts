import { Fn } from 'cdktf';
import { platformIngress, platformSecretStore, type ClusterFacts } from '../cluster';
import { AzureInstanceSecrets } from './instance-secrets';
import { AKS_AAD_SERVER_ID, azureNames } from './naming';
import { AzurePlatformNeeds } from './platform-needs';

export interface AksFactsProps {
  readonly clusterName: string;
  readonly location: string;
  readonly host: string;
  /** Base64 CA bundle, as AKS reports it. */
  readonly clusterCaCertificate: string;
  readonly oidcIssuerUrl: string;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /** DNS zone of external-dns. @default - none */
  readonly externalDnsZone?: { readonly resourceGroupName: string; readonly zoneName: string };
}

/** What an AKS cluster exposes; local accounts are off, so credentials come from kubelogin. */
export function aksFacts(props: AksFactsProps): ClusterFacts {
  const names = azureNames(props.clusterName);
  return {
    connection: {
      host: props.host,
      clusterCaCertificate: Fn.base64decode(props.clusterCaCertificate),
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'kubelogin',
        args: ['get-token', '--login', 'azurecli', '--server-id', AKS_AAD_SERVER_ID],
      },
    },
    storage: { blockRwo: names.blockStorageClass, sharedRwx: names.sharedStorageClass },
    secretStore: platformSecretStore('azure-key-vault', props.clusterName),
    ingress: platformIngress(props.ingressDomain ?? `${props.clusterName}.sandbox.internal`),
    secretBackend: new AzureInstanceSecrets({
      clusterName: props.clusterName,
      location: props.location,
      oidcIssuerUrl: props.oidcIssuerUrl,
    }),
    platformNeeds: new AzurePlatformNeeds(props.clusterName, props.externalDnsZone),
  };
}
