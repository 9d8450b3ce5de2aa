import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformLocal, TerraformStack, Token, ref } from 'cdktf';
import type { ClusterConnection } from './cluster';
import type { SandboxInstance } from './instance/sandbox-instance';

/*
 * The providers a stack of sandboxkit's constructs needs, each added by one call: clusterProviders for stacks that
 * install cluster-wide things with the admin's credentials (platform, shared blocks), instanceProviders for a stack
 * with a SandboxInstance.
 */

/** The provider settings a ClusterConnection gives, as both the Kubernetes and the Helm provider take them. */
function connectionSettings(connection: ClusterConnection) {
  const exec = connection.exec
    ? {
        apiVersion: connection.exec.apiVersion,
        command: connection.exec.command,
        args: [...connection.exec.args],
        env: connection.exec.env,
      }
    : undefined;
  const common = {
    host: connection.host,
    clusterCaCertificate: connection.clusterCaCertificate,
    token: connection.token,
    configPath: connection.configPath,
    configContext: connection.configContext,
  };
  return { common, exec };
}

/**
 * The Kubernetes and Helm providers of a stack, both with the connection's own credentials (the cluster admin's).
 * Platform and shared stacks use it; instance stacks run Helm as their deployer instead (addInstanceProviders).
 */
export function addClusterProviders(stack: TerraformStack, connection: ClusterConnection): void {
  const { common, exec } = connectionSettings(connection);
  new KubernetesProvider(stack, 'kubernetes', { ...common, exec: exec ? [exec] : undefined });
  new HelmProvider(stack, 'helm', { kubernetes: { ...common, exec } });
}

/** Address of the ephemeral token request of an instance stack's deployer. */
const DEPLOYER_TOKEN = 'ephemeral.kubernetes_token_request_v1.deployer';
/** Long enough for the slowest apply of an instance (every release waits up to its timeout), short-lived after it. */
const DEPLOYER_TOKEN_SECONDS = 2 * 3600;

/**
 * Every provider the stack of `instance` needs, in one call: Random and Time (generated passwords, expiry), Kubernetes
 * and Helm. Terraform's own objects (namespace, guardrails, RBAC, listener, secrets) are written
 * with the connection's credentials; Helm runs as the instance's deployer, with a short-lived token requested for it
 * at every plan and apply (an ephemeral resource: the token is in no state and no plan file). Whatever a release
 * record in the namespace says, its manifest and hooks therefore reach only what the deployer may: its namespace.
 */
export function addInstanceProviders(instance: SandboxInstance): KubernetesProvider {
  const stack = TerraformStack.of(instance);
  const { connection } = instance.cluster;
  const { deployer } = instance;
  new RandomProvider(stack, 'random');
  new TimeProvider(stack, 'time');
  const { common, exec } = connectionSettings(connection);
  const kubernetes = new KubernetesProvider(stack, 'kubernetes', { ...common, exec: exec ? [exec] : undefined });
  // The request names the account through its UID, which is unknown until the account exists: on a first apply
  // the token is requested once the account and its binding are there, instead of failing during the plan.
  const [account] = deployer.ready;
  const address = `${account.terraformResourceType}.${account.friendlyUniqueId}`;
  const name = Token.asString(ref(`${address}.metadata[0].uid == "" ? "" : ${address}.metadata[0].name`));
  stack.addOverride(DEPLOYER_TOKEN, {
    provider: 'kubernetes',
    metadata: { name, namespace: deployer.namespace },
    spec: { expiration_seconds: DEPLOYER_TOKEN_SECONDS },
    depends_on: deployer.ready.map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`),
  });
  new HelmProvider(stack, 'helm', {
    kubernetes: { ...serverOf(stack, connection), token: Token.asString(ref(`${DEPLOYER_TOKEN}.token`)) },
  });
  return kubernetes;
}

/**
 * Where the API server is and how to trust it, without the connection's credentials: a client certificate of a
 * kubeconfig would otherwise authenticate the request instead of the deployer's token. Terraform reads the kubeconfig.
 */
function serverOf(stack: TerraformStack, connection: ClusterConnection) {
  if (!connection.configPath) return { host: connection.host, clusterCaCertificate: connection.clusterCaCertificate };
  const file = `pathexpand(${JSON.stringify(connection.configPath)})`;
  const config = `yamldecode(file(${file}))`;
  const context = connection.configContext ? JSON.stringify(connection.configContext) : `${config}["current-context"]`;
  const clusterName = `zipmap(${config}.contexts[*].name, ${config}.contexts[*].context)[${context}].cluster`;
  new TerraformLocal(
    stack,
    'kubeconfig_cluster',
    `\${zipmap(${config}.clusters[*].name, ${config}.clusters[*].cluster)[${clusterName}]}`,
  );
  const cluster = 'local.kubeconfig_cluster';
  const caFile = `${cluster}["certificate-authority"]`;
  return {
    host: Token.asString(ref(`${cluster}.server`)),
    clusterCaCertificate: `\${try(base64decode(${cluster}["certificate-authority-data"]), file(startswith(${caFile}, "/") ? ${caFile} : "\${dirname(${file})}/\${${caFile}}"), null)}`,
    insecure: ref(`try(${cluster}["insecure-skip-tls-verify"], false)`),
  };
}
