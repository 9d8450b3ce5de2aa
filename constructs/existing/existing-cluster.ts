import { Construct } from 'constructs';
import {
  platformIngress,
  platformSecretStore,
  type ClusterConnection,
  type SandboxCluster,
  type StorageClasses,
} from '../cluster';
import { assertDnsLabel } from '../names';
import { KubernetesInstanceSecrets } from './instance-secrets';
import { ExistingPlatformNeeds } from './platform-needs';

export interface ExistingClusterProps {
  readonly clusterName: string;
  /**
   * How to reach the cluster. A kubeconfig path and context, or nothing at all:
   * then the providers read KUBE_HOST, KUBE_CLUSTER_CA_CERT_DATA and KUBE_TOKEN at apply time.
   */
  readonly kubeconfig?: { readonly path: string; readonly context?: string };
  readonly storage: StorageClasses;
  /** @default 'sandbox.localhost' */
  readonly ingressDomain?: string;
  /** Install metrics-server (kind and k3d-less clusters lack it). @default false */
  readonly installMetricsServer?: boolean;
}

/**
 * A cluster that already runs (kind, minikube, k3d, on-premises). It creates no
 * cloud resources; secrets stay in Kubernetes Secrets.
 */
export class ExistingCluster extends Construct implements SandboxCluster {
  readonly clusterName: string;
  readonly cloud = 'existing' as const;
  readonly connection: ClusterConnection;
  readonly storage: StorageClasses;
  readonly secretStore: SandboxCluster['secretStore'];
  readonly ingress: SandboxCluster['ingress'];
  readonly secretBackend: SandboxCluster['secretBackend'];
  readonly platformNeeds: SandboxCluster['platformNeeds'];

  constructor(scope: Construct, id: string, props: ExistingClusterProps) {
    super(scope, id);
    assertDnsLabel(`ExistingCluster "${id}": storage.blockRwo`, props.storage.blockRwo, 253);
    if (props.storage.sharedRwx !== undefined) {
      assertDnsLabel(`ExistingCluster "${id}": storage.sharedRwx`, props.storage.sharedRwx, 253);
    }
    this.clusterName = props.clusterName;
    this.connection = props.kubeconfig
      ? { configPath: props.kubeconfig.path, configContext: props.kubeconfig.context }
      : {};
    this.storage = props.storage;
    this.secretStore = platformSecretStore('kubernetes', props.clusterName);
    this.secretBackend = new KubernetesInstanceSecrets();
    this.platformNeeds = new ExistingPlatformNeeds(props.installMetricsServer ?? false);
    this.ingress = platformIngress(props.ingressDomain ?? 'sandbox.localhost');
  }
}
