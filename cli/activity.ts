import type { ClusterConfig } from '../config/types';
import { INSTANCE_ANNOTATIONS } from '../constructs/instance/instance-namespace';
import type { CliContext } from './context';
import { kubectl } from './kube';

/**
 * Stamps the instance's namespace with the time of an apply through the CLI (create, extend, start), which the
 * reaper's idle policy reads. Set with kubectl after the apply, since a synthesized stack holds no clock. A
 * failure is a warning, not an error: the apply itself succeeded, and the reaper then counts from the previous
 * stamp (or the namespace's creation) and the requests through the gateway.
 */
export async function markApplied(ctx: CliContext, cluster: ClusterConfig, namespace: string): Promise<void> {
  const stamp = `${INSTANCE_ANNOTATIONS.lastAppliedAt}=${ctx.io
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')}`;
  try {
    await kubectl(ctx, cluster, ['annotate', 'namespace', namespace, '--overwrite', stamp]);
  } catch (err) {
    ctx.io.err(
      `warning: could not record the apply on namespace ${namespace} (${(err as Error).message}); an idle reaper counts from the previous apply`,
    );
  }
}
