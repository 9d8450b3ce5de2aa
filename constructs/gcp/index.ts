export * from './gke-cluster';
export * from './gke-lookup';
export * from './gke-node-pool';
export * from './instance-secrets';
export * from './kms';
export * from './naming';
export * from './network';
export * from './platform-needs';
