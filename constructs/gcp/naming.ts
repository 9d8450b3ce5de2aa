import { boundedName, instanceCloudName } from '../names';

/**
 * Names of one instance's Google service accounts, secrets and Cloud SQL server, unambiguous across clusters (see
 * instanceCloudName). Secret ids keep the cluster's prefix, which its secret operator's IAM condition matches.
 */
export const gcpInstanceNames = (cluster: string, instance: string) => {
  const id = { cluster, instance };
  return {
    /** Service account ids: 6-30 characters. */
    secretsAccount: instanceCloudName(id, ['sbx', instance], 30),
    databaseAccount: instanceCloudName(id, ['sbx', instance, 'db'], 30),
    cloudAccount: instanceCloudName(id, ['sbc', cluster, instance], 30),
    /** Secret Manager secret id of the instance's secret `name`. */
    secretId: (name: string) => instanceCloudName(id, [`${gcpSecretPrefix(cluster)}${instance}`, name], 255),
    /** Cloud SQL server name, before the suffix drawn at apply time. */
    databaseServer: instanceCloudName(id, ['sandbox', cluster, instance], 90),
  };
};

/**
 * Secret Manager ids allow no "/", so a cluster's secrets share this name prefix instead of a path. It ends in "_",
 * which no cluster name holds: the prefix of cluster `dev` is not the start of cluster `dev-eu`'s, whose secret
 * operator's IAM condition matches it with "starts with".
 */
export function gcpSecretPrefix(clusterName: string): string {
  return `sandbox-${clusterName}_`;
}

/** Names shared by the Google cluster stack and the stacks that look the cluster up by name. */
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
