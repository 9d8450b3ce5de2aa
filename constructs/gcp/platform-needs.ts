import type { PlatformNeeds, SecretOperatorIdentity, StorageClassSpec } from '../cluster';
import { gcpNames } from './naming';

export interface GcpPlatformNeedsProps {
  readonly clusterName: string;
  readonly project: string;
  readonly region: string;
  /** @default false */
  readonly filestore?: boolean;
  /** Cloud DNS managed zone external-dns writes to. @default - no external-dns */
  readonly externalDnsZone?: string;
}

/** What the platform needs on GKE: names are derived, so no data source is read. */
export class GcpPlatformNeeds implements PlatformNeeds {
  readonly internalLoadBalancerAnnotations = { 'networking.gke.io/load-balancer-type': 'Internal' };
  readonly needsMetricsServer = false;

  constructor(private readonly props: GcpPlatformNeedsProps) {}

  storageClasses(): StorageClassSpec[] {
    const names = gcpNames(this.props.clusterName);
    const classes: StorageClassSpec[] = [
      {
        name: names.blockStorageClass,
        provisioner: 'pd.csi.storage.gke.io',
        parameters: {
          type: 'pd-balanced',
          'disk-encryption-kms-key': names.disksKey(this.props.project, this.props.region),
        },
        isDefault: true,
      },
    ];
    if (this.props.filestore) {
      classes.push({
        name: names.sharedStorageClass,
        provisioner: 'filestore.csi.storage.gke.io',
        parameters: { tier: 'standard', network: names.network },
      });
    }
    return classes;
  }

  secretOperator(): SecretOperatorIdentity {
    const names = gcpNames(this.props.clusterName);
    const account = `${names.secretOperatorAccount}@${this.props.project}.iam.gserviceaccount.com`;
    return {
      serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': account },
      podLabels: {},
      clusterStoreProvider: { gcpsm: { projectID: this.props.project } },
      // Clusters of one project share a workload identity pool: the name carries the cluster.
      serviceAccountName: names.secretOperatorKubernetesAccount,
    };
  }

  externalDns(): Record<string, unknown> | undefined {
    if (!this.props.externalDnsZone) return undefined;
    const names = gcpNames(this.props.clusterName);
    const account = `${names.externalDnsAccount}@${this.props.project}.iam.gserviceaccount.com`;
    return {
      provider: { name: 'google' },
      serviceAccount: {
        name: names.externalDnsKubernetesAccount,
        annotations: { 'iam.gke.io/gcp-service-account': account },
      },
      extraArgs: [`--google-project=${this.props.project}`, '--google-zone-visibility=public'],
    };
  }

  clusterAutoscaler(): undefined {
    return undefined;
  }
}
