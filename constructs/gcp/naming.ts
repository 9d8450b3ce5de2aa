/** Names shared by the Google cluster stack and the stacks that look the cluster up by name. */
export const gcpNames = (cluster: string) => ({
  gkeCluster: cluster,
  network: `${cluster}-vpc`,
  blockStorageClass: 'pd-balanced-cmek',
  sharedStorageClass: 'filestore-rwx',
});
