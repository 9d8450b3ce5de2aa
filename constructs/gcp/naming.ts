/** Names shared by the Google cluster stack and the stacks that look the cluster up by name. */
import { boundedName } from '../names';

export const gcpNames = (cluster: string) => ({
  /** Google service account ids: 6-30 characters. */
  nodeAccount: boundedName([cluster, 'nodes'], 30),
  secretOperatorAccount: boundedName([cluster, 'secrets'], 30),
  /**
   * The Kubernetes service account of external-secrets. Clusters of one project share a workload identity pool,
   * where a service account is known by namespace and name alone; the cluster name keeps them apart.
   */
  secretOperatorKubernetesAccount: boundedName(['external-secrets', cluster], 63),
  externalDnsAccount: boundedName([cluster, 'dns'], 30),
  /** The Kubernetes service account of external-dns, named per cluster for the same reason. */
  externalDnsKubernetesAccount: boundedName(['external-dns', cluster], 63),
  disksKey: (project: string, region: string) =>
    `projects/${project}/locations/${region}/keyRings/${cluster}-keys/cryptoKeys/${cluster}-disks`,
  /** Key of Cloud SQL servers, when the cluster offers managed databases. */
  databasesKey: (project: string, region: string) =>
    `projects/${project}/locations/${region}/keyRings/${cluster}-keys/cryptoKeys/${cluster}-databases`,
  secretManagerKey: (project: string, region: string) =>
    `projects/${project}/locations/${region}/keyRings/${cluster}-keys/cryptoKeys/${cluster}-secret-manager`,
  /** The key of instances' buckets, topics and Firestore databases. */
  instanceDataKey: (project: string, region: string) =>
    `projects/${project}/locations/${region}/keyRings/${cluster}-keys/cryptoKeys/${cluster}-instance-data`,
  gkeCluster: cluster,
  network: `${cluster}-vpc`,
  blockStorageClass: 'pd-balanced-cmek',
  sharedStorageClass: 'filestore-rwx',
});
