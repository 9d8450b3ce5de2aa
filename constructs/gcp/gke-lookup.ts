import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { platformIngress, platformSecretStore, type ClusterConnection, type SandboxCluster } from '../cluster';
import { GcpInstanceSecrets } from './instance-secrets';
import { GcpPlatformNeeds } from './platform-needs';
import { gcpNames } from './naming';

export interface GkeClusterLookupProps {
  readonly clusterName: string;
  readonly project: string;
  readonly region: string;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /** Whether the cluster offers Filestore RWX volumes. @default false */
  readonly filestore?: boolean;
}

/** Finds a GKE cluster by name; the token is the caller's own Google credential. */
export class GkeClusterLookup extends Construct implements SandboxCluster {
  readonly clusterName: string;
  readonly cloud = 'gcp' as const;
  readonly connection: ClusterConnection;
  readonly storage: SandboxCluster['storage'];
  readonly secretStore: SandboxCluster['secretStore'];
  readonly ingress: SandboxCluster['ingress'];
  readonly secretBackend: SandboxCluster['secretBackend'];
  readonly platformNeeds: SandboxCluster['platformNeeds'];
  readonly gke: DataGoogleContainerCluster;
  readonly project: string;

  constructor(scope: Construct, id: string, props: GkeClusterLookupProps) {
    super(scope, id);
    const names = gcpNames(props.clusterName);
    this.clusterName = props.clusterName;
    this.project = props.project;
    this.gke = new DataGoogleContainerCluster(this, 'Cluster', { name: names.gkeCluster, location: props.region, project: props.project });
    const client = new DataGoogleClientConfig(this, 'Client');
    this.connection = {
      host: `https://${this.gke.endpoint}`,
      clusterCaCertificate: Fn.base64decode(this.gke.masterAuth.get(0).clusterCaCertificate),
      token: client.accessToken,
    };
    this.storage = { blockRwo: names.blockStorageClass, sharedRwx: props.filestore ? names.sharedStorageClass : undefined };
    this.secretStore = platformSecretStore('gcp-secret-manager', props.clusterName);
    this.secretBackend = new GcpInstanceSecrets({ clusterName: props.clusterName, project: props.project, region: props.region });
    this.platformNeeds = new GcpPlatformNeeds({ clusterName: props.clusterName, project: props.project, region: props.region, filestore: props.filestore });
    this.ingress = platformIngress(props.ingressDomain ?? `${props.clusterName}.sandbox.internal`);
  }
}
