import type { ClusterConfig } from '../../config/types';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { observeInstance, type PodCounts } from './observe';
import { formatWarnings } from './warnings';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long `--wait` polls between two looks at the cluster. */
export const WAIT_POLL_MS = 2000;

/**
 * Waits until the condition holds for the instance's namespace: every pod ready (`ready`), no pod left (`stopped`),
 * or the namespace gone (`gone`); at `deadline` it fails with what is not ready and the namespace's Warning events.
 */
export async function waitFor(
  ctx: CliContext,
  cluster: ClusterConfig,
  namespace: string,
  until: 'ready' | 'stopped' | 'gone',
  deadline: number,
): Promise<PodCounts | undefined> {
  for (;;) {
    const o = await observeInstance(ctx, cluster, namespace);
    const pods = o.pods;
    const done =
      until === 'gone'
        ? !o.namespace && o.problems.length === 0
        : pods !== undefined && (until === 'ready' ? pods.ready === pods.total : pods.total === 0);
    if (done) return pods;
    if (Date.now() >= deadline) {
      const what =
        until === 'gone'
          ? `namespace ${namespace} is still there`
          : `${pods?.ready ?? '?'}/${pods?.total ?? '?'} pods ready${pods?.notReady.length ? ` (${pods.notReady.map((p) => `${p.name}: ${p.reason}`).join(', ')})` : ''}`;
      throw new CliError(
        `timed out waiting for instance namespace ${namespace} to be ${until}: ${what}${formatWarnings(namespace, o.warnings ?? [])}`,
        EXIT.failed,
      );
    }
    await sleep(Math.min(WAIT_POLL_MS, Math.max(0, deadline - Date.now())));
  }
}
