/** Names shared by the AWS cluster stack and the stacks that look the cluster up by name. */
export const awsNames = (cluster: string) => ({
  eksCluster: cluster,
  secretsKeyAlias: `alias/sandbox-${cluster}-secrets`,
  blockStorageClass: 'gp3-encrypted',
  sharedStorageClass: 'efs-shared',
});
