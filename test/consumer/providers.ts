// The Kubernetes and Helm providers of a stack, from a cluster's connection: the same code serves every cloud,
// because each cluster construct and lookup says how it is reached (exec plugin, token or kubeconfig).
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { TerraformStack } from 'cdktf';
import type { ClusterConnection } from 'sandboxkit';

export function connectProviders(stack: TerraformStack, connection: ClusterConnection): void {
  const exec = connection.exec && {
    apiVersion: connection.exec.apiVersion,
    command: connection.exec.command,
    args: [...connection.exec.args],
    env: connection.exec.env,
  };
  const common = {
    host: connection.host,
    clusterCaCertificate: connection.clusterCaCertificate,
    token: connection.token,
    configPath: connection.configPath,
    configContext: connection.configContext,
  };
  new KubernetesProvider(stack, 'kubernetes', { ...common, exec: exec ? [exec] : undefined });
  new HelmProvider(stack, 'helm', { kubernetes: { ...common, exec } });
}
