export * from './existing-cluster';
export * from './instance-secrets';
export * from './platform-needs';
