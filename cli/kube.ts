import type { ClusterConfig } from '../config/types';
import type { CliContext } from './context';
import { CliError, EXIT } from './io';
import { NOT_FOUND, TOOL_ENV } from './tools';

/** kubectl's wait for an API server that does not answer, in the checks and reads of the lifecycle. */
export const REQUEST_TIMEOUT = '--request-timeout=8s';

/** The kubeconfig file and context of a cluster reached through one, as Terraform's providers use them. */
export function kubeconfigOf(
  ctx: CliContext,
  cluster: ClusterConfig,
): { readonly path: string; readonly context?: string } | undefined {
  if (cluster.cloud !== 'existing' || cluster.connection.kind !== 'kubeconfig') return undefined;
  return {
    path: cluster.connection.path.replace(/^~(?=\/)/, ctx.io.env.HOME ?? '~'),
    context: cluster.connection.context,
  };
}

/**
 * kubectl's connection flags for a cluster of the config: the kubeconfig and context of an `existing` cluster;
 * for the others, the current kubeconfig context (`aws eks update-kubeconfig`, `az aks get-credentials`,
 * `gcloud container clusters get-credentials`), as `instance test` uses with Helm.
 */
export function kubectlConnection(ctx: CliContext, cluster: ClusterConfig): string[] {
  const kube = kubeconfigOf(ctx, cluster);
  if (!kube) return [];
  return ['--kubeconfig', kube.path, ...(kube.context ? ['--context', kube.context] : [])];
}

/** The same connection as Helm's flags. */
export function helmConnection(ctx: CliContext, cluster: ClusterConfig): string[] {
  const kube = kubeconfigOf(ctx, cluster);
  if (!kube) return [];
  return ['--kubeconfig', kube.path, ...(kube.context ? ['--kube-context', kube.context] : [])];
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
  if (r.code !== 0) throw new CliError(`kubectl ${args.join(' ')} failed: ${kubectlMessage(r)}`, EXIT.failed);
  return r.stdout;
}

/** kubectl's own error, without the lines of its client-side logging (`E1207 ... memcache.go ...`). */
export function kubectlMessage(r: { stdout: string; stderr: string }): string {
  const lines = (r.stderr || r.stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const own = lines.filter((l) => !/^[EIW]\d{4} \d\d:\d\d:\d\d/.test(l));
  return (own.length ? own : lines).slice(-2).join(' ') || 'no message';
}

/** What `/version` of a cluster's API server said. */
export interface ApiServerCheck {
  readonly cluster: string;
  /** `skipped` for clusters the CLI reaches only through their cloud (Terraform authenticates there). */
  readonly status: 'ok' | 'unreachable' | 'skipped' | 'no kubectl';
  readonly kubeconfig?: string;
  readonly context?: string;
  /** The API server's URL, from the kubeconfig. */
  readonly server?: string;
  /** The server's version (`v1.34.4`) when it answered. */
  readonly version?: string;
  readonly error?: string;
}

/**
 * Asks the cluster's API server for `/version` with the kubeconfig and context Terraform will use (relative paths are
 * resolved from the config file's folder when the config is read), so that an unreachable cluster is found in a
 * second rather than after init, plan and a partial apply.
 */
export async function checkApiServer(ctx: CliContext, cluster: ClusterConfig): Promise<ApiServerCheck> {
  const kube = kubeconfigOf(ctx, cluster);
  if (!kube) return { cluster: cluster.name, status: 'skipped' };
  const conn = kubectlConnection(ctx, cluster);
  const base = { cluster: cluster.name, kubeconfig: kube.path, context: kube.context };
  const r = await ctx.tools.run('kubectl', [...conn, 'get', '--raw', '/version', REQUEST_TIMEOUT]);
  if (r.code === NOT_FOUND) return { ...base, status: 'no kubectl' };
  if (r.code === 0) {
    let version: string | undefined;
    try {
      version = (JSON.parse(r.stdout) as { gitVersion?: string }).gitVersion;
    } catch {
      version = undefined;
    }
    return { ...base, status: 'ok', version };
  }
  return { ...base, status: 'unreachable', server: await kubeServer(ctx, conn), error: kubectlMessage(r) };
}

/** The API server's URL in the kubeconfig and context of `conn` (kubectl's connection flags), if it names one. */
export async function kubeServer(ctx: CliContext, conn: readonly string[]): Promise<string | undefined> {
  const view = await ctx.tools.run('kubectl', [
    ...conn,
    'config',
    'view',
    '--minify',
    '-o',
    'jsonpath={.clusters[0].cluster.server}',
  ]);
  return view.code === 0 && view.stdout.trim() ? view.stdout.trim() : undefined;
}

/** The check's failure as one short message naming the context and server, or undefined when it passed. */
export function apiServerProblem(check: ApiServerCheck): string | undefined {
  if (check.status !== 'unreachable') return undefined;
  const where = [
    check.context ? `context ${check.context}` : 'the current context',
    `of ${check.kubeconfig}`,
    check.server ? `server ${check.server}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  return `cluster "${check.cluster}": the API server does not answer (${where}): ${check.error}`;
}

/** Throws the check's problem as a CliError before anything is initialized or planned. */
export async function requireApiServer(ctx: CliContext, cluster: ClusterConfig): Promise<void> {
  const problem = apiServerProblem(await checkApiServer(ctx, cluster));
  if (problem)
    throw new CliError(
      `${problem}\nStart the cluster or fix clusters[].connection in the config; \`sandboxkit doctor\` checks every cluster.`,
      EXIT.failed,
    );
}
