import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import { Construct } from 'constructs';
import type { ClusterFacts, SandboxCluster } from '../cluster';
import { gkeFacts } from './cluster-facts';
import { gcpNames } from './naming';

export interface GkeClusterLookupProps {
  readonly clusterName: string;
  readonly project: string;
  readonly region: string;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /** Whether the cluster offers Filestore RWX volumes. @default false */
  readonly filestore?: boolean;
  /** Cloud DNS managed zone the cluster stack granted external-dns. @default - none */
  readonly externalDnsZone?: string;
}

/** Finds a GKE cluster by name; the token is the caller's own Google credential. */
export class GkeClusterLookup extends Construct implements SandboxCluster {
  readonly clusterName: string;
  readonly cloud = 'gcp' as const;
  declare readonly connection: ClusterFacts['connection'];
  declare readonly storage: ClusterFacts['storage'];
  declare readonly secretStore: ClusterFacts['secretStore'];
  declare readonly ingress: ClusterFacts['ingress'];
  declare readonly secretBackend: ClusterFacts['secretBackend'];
  declare readonly platformNeeds: ClusterFacts['platformNeeds'];
  readonly gke: DataGoogleContainerCluster;
  readonly project: string;

  constructor(scope: Construct, id: string, props: GkeClusterLookupProps) {
    super(scope, id);
    const names = gcpNames(props.clusterName);
    this.clusterName = props.clusterName;
    this.project = props.project;
    this.gke = new DataGoogleContainerCluster(this, 'Cluster', {
      name: names.gkeCluster,
      location: props.region,
      project: props.project,
    });
    const client = new DataGoogleClientConfig(this, 'Client');
    Object.assign(
      this,
      gkeFacts({
        ...props,
        endpoint: this.gke.endpoint,
        clusterCaCertificate: this.gke.masterAuth.get(0).clusterCaCertificate,
        token: client.accessToken,
      }),
    );
  }
}
