import { readFileSync } from 'fs';
import { join } from 'path';
import type { ClusterConfig } from '../../config/types';
import { PLATFORM_DEFAULTS } from '../../constructs/cluster';
import { INSTANCE_LABELS } from '../../constructs/instance/instance-namespace';
import type { CliContext } from '../context';
import { stateAddresses } from '../instances';
import { CliError, EXIT } from '../io';
import { helmConnection, kubectl, kubectlMessage } from '../kube';
import { observeNamespace, readReleases } from './observe';

interface StackResources {
  readonly resource?: {
    readonly helm_release?: Record<string, { readonly name: string }>;
    readonly kubernetes_namespace_v1?: Record<string, unknown>;
  };
}

/**
 * What an apply that was killed (or stopped at a --timeout) left in the cluster outside Terraform's state, removed so
 * that the next create or destroy finds the cluster as the state says:
 * - the namespace itself, when the state does not hold it (Terraform exited before writing it): deleted with
 *   everything in it, and the instance's deployer account, once its labels show it is this instance's;
 * - else each Helm release of the stack that is in the namespace but not in the state (one still
 *   `pending-install`), which Terraform would refuse with `cannot re-use a name that is still in use`.
 * Returns what was removed.
 */
export async function removeLeftovers(
  ctx: CliContext,
  cluster: ClusterConfig,
  dir: string,
  instance: string,
  namespace: string,
): Promise<string[]> {
  const stack = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as StackResources;
  const inState = new Set(await stateAddresses(ctx, dir));
  const nsAddress = Object.keys(stack.resource?.kubernetes_namespace_v1 ?? {}).map(
    (id) => `kubernetes_namespace_v1.${id}`,
  )[0];
  if (nsAddress && !inState.has(nsAddress)) {
    const found = (await observeNamespace(ctx, cluster, namespace)).namespace;
    if (!found || found.terminating) return [];
    if (found.instance !== instance)
      throw new CliError(
        `namespace ${namespace} exists and is not instance "${instance}"'s (its ${INSTANCE_LABELS.instance} label says ${found.instance ?? 'nothing'}); choose another namespace or name`,
        EXIT.failed,
      );
    await kubectl(ctx, cluster, ['delete', 'namespace', namespace, '--wait', '--timeout=5m']);
    await kubectl(ctx, cluster, [
      'delete',
      'serviceaccounts',
      '-n',
      PLATFORM_DEFAULTS.deployerNamespace,
      '-l',
      `sandbox.dev/instance-namespace=${namespace}`,
      '--ignore-not-found',
    ]);
    return [`namespace ${namespace} with everything in it`];
  }
  return removeLeftoverReleases(ctx, cluster, stack, inState, namespace);
}

async function removeLeftoverReleases(
  ctx: CliContext,
  cluster: ClusterConfig,
  stack: StackResources,
  inState: ReadonlySet<string>,
  namespace: string,
): Promise<string[]> {
  const wanted = Object.entries(stack.resource?.helm_release ?? {}).map(([id, r]) => ({
    address: `helm_release.${id}`,
    name: r.name,
  }));
  if (wanted.length === 0) return [];
  const observed = await readReleases(ctx, cluster, namespace);
  if (!observed.ok) return [];
  const removed: string[] = [];
  for (const release of wanted) {
    if (inState.has(release.address)) continue;
    const found = observed.releases.find((r) => r.name === release.name);
    if (!found) continue;
    const r = await ctx.tools.run('helm', [
      'uninstall',
      release.name,
      '-n',
      namespace,
      '--wait',
      '--timeout',
      '2m',
      ...helmConnection(ctx, cluster),
    ]);
    if (r.code !== 0)
      throw new CliError(
        `release ${release.name} in ${namespace} (${found.status}) was left by an interrupted apply and could not be removed: ${kubectlMessage(r)}`,
        EXIT.failed,
      );
    removed.push(`release ${release.name} (${found.status})`);
  }
  return removed;
}
