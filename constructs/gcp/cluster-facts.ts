import { Fn } from 'cdktf';
import { platformIngress, platformSecretStore, type ClusterFacts } from '../cluster';
import { GcpInstanceSecrets } from './instance-secrets';
import { gcpNames } from './naming';
import { GcpPlatformNeeds } from './platform-needs';

export interface GkeFactsProps {
  readonly clusterName: string;
  readonly project: string;
  readonly region: string;
  readonly endpoint: string;
  /** Base64 CA bundle, as GKE reports it. */
  readonly clusterCaCertificate: string;
  /** The caller's own Google access token (google_client_config). */
  readonly token: string;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /** @default false */
  readonly filestore?: boolean;
  /** Cloud DNS managed zone of external-dns. @default - none */
  readonly externalDnsZone?: string;
}

/** What a GKE cluster exposes, whether the stack created it or found it by name. */
export function gkeFacts(props: GkeFactsProps): ClusterFacts {
  const names = gcpNames(props.clusterName);
  const { clusterName, project, region } = props;
  return {
    connection: {
      host: `https://${props.endpoint}`,
      clusterCaCertificate: Fn.base64decode(props.clusterCaCertificate),
      token: props.token,
    },
    storage: { blockRwo: names.blockStorageClass, sharedRwx: props.filestore ? names.sharedStorageClass : undefined },
    secretStore: platformSecretStore('gcp-secret-manager', clusterName),
    ingress: platformIngress(props.ingressDomain ?? `${clusterName}.sandbox.internal`),
    secretBackend: new GcpInstanceSecrets({ clusterName, project, region }),
    platformNeeds: new GcpPlatformNeeds({
      clusterName,
      project,
      region,
      filestore: props.filestore,
      externalDnsZone: props.externalDnsZone,
    }),
  };
}
