/** Stack names are a contract: `cdktf deploy 'instance-*'` and state keys depend on them. */
export const clusterStackName = (cluster: string) => `cluster-${cluster}`;
export const platformStackName = (cluster: string) => `platform-${cluster}`;
export const instanceStackName = (instance: string) => `instance-${instance}`;
