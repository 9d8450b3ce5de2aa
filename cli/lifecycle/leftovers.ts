import { readFileSync } from 'fs';
import { join } from 'path';
import type { ClusterConfig } from '../../config/types';
import type { CliContext } from '../context';
import { stateAddresses } from '../instances';
import { CliError, EXIT } from '../io';
import { helmConnection, kubectlMessage } from '../kube';
import { readReleases } from './observe';

interface StackReleases {
  readonly resource?: { readonly helm_release?: Record<string, { readonly name: string }> };
}

/**
 * Helm releases of the stack that exist in the namespace but not in Terraform's state: what an apply that was
 * killed leaves behind (a release still `pending-install`, or installed after the last state write). Terraform
 * would refuse them (`cannot re-use a name that is still in use`), so they are uninstalled before the retry
 * installs them again. Returns each release removed, with the status it had.
 */
export async function removeLeftoverReleases(
  ctx: CliContext,
  cluster: ClusterConfig,
  dir: string,
  namespace: string,
): Promise<string[]> {
  const stack = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as StackReleases;
  const wanted = Object.entries(stack.resource?.helm_release ?? {}).map(([id, r]) => ({
    address: `helm_release.${id}`,
    name: r.name,
  }));
  if (wanted.length === 0) return [];
  const observed = await readReleases(ctx, cluster, namespace);
  if (!observed.ok) return [];
  const inState = new Set(await stateAddresses(ctx, dir));
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
