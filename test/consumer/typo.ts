// A misspelt built-in block: the package test expects the compiler to refuse it, naming the built-in blocks.
import { App, TerraformStack } from 'cdktf';
import { SandboxInstance } from 'sandboxkit';
import { ExistingCluster } from 'sandboxkit/existing';

const stack = new TerraformStack(new App(), 'typo');
const cluster = new ExistingCluster(stack, 'Cluster', {
  clusterName: 'kind',
  kubeconfig: { path: '~/.kube/config' },
  storage: { blockRwo: 'standard' },
});
new SandboxInstance(stack, 'Sandbox', {
  cluster,
  instanceName: 'typo',
  owner: 'dev',
  blocks: [{ name: 'valkey' }, { name: 'postgress' }],
});
