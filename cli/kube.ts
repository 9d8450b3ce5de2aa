import type { ClusterConfig } from '../config/types';
import type { CliContext } from './context';
import { CliError, EXIT } from './io';
import { NOT_FOUND, TOOL_ENV } from './tools';

/**
 * kubectl's connection flags for a cluster of the config: the kubeconfig and context of an `existing` cluster;
 * for the others, the current kubeconfig context (`aws eks update-kubeconfig`, `az aks get-credentials`,
 * `gcloud container clusters get-credentials`), as `instance test` uses with Helm.
 */
export function kubectlConnection(ctx: CliContext, cluster: ClusterConfig): string[] {
  if (cluster.cloud !== 'existing' || cluster.connection.kind !== 'kubeconfig') return [];
  const path = cluster.connection.path.replace(/^~(?=\/)/, ctx.io.env.HOME ?? '~');
  return ['--kubeconfig', path, ...(cluster.connection.context ? ['--context', cluster.connection.context] : [])];
}

/** Runs kubectl against `cluster`; a failure is a CliError with kubectl's message. */
export async function kubectl(
  ctx: CliContext,
  cluster: ClusterConfig,
  args: readonly string[],
  input?: string,
): Promise<string> {
  const r = await ctx.tools.run('kubectl', [...kubectlConnection(ctx, cluster), ...args], { input });
  if (r.code === NOT_FOUND)
    throw new CliError(
      `kubectl could not be started: install kubectl or set ${TOOL_ENV.kubectl}; \`sandboxkit doctor\` checks every tool this config needs`,
      EXIT.failed,
    );
  if (r.code === 130) throw new CliError('interrupted', EXIT.interrupted);
  if (r.code !== 0)
    throw new CliError(`kubectl ${args.join(' ')} failed: ${r.stderr.trim() || r.stdout.trim()}`, EXIT.failed);
  return r.stdout;
}
