import type { ClusterConfig } from '../../config/types';
import type { CliContext } from '../context';
import { readWarnings, type WarningEvent } from './observe';

/** Lines of Warning events, as a failure message shows them. */
export function formatWarnings(namespace: string, events: readonly WarningEvent[]): string {
  if (events.length === 0) return '';
  const lines = events.map(
    (e) => `  ${e.object} ${e.reason}${e.count > 1 ? ` (x${e.count})` : ''}: ${e.message.replace(/\s+/g, ' ')}`,
  );
  return `\n\nWarning events in namespace ${namespace}, latest last:\n${lines.join('\n')}`;
}

/**
 * The namespace's Warning events (FailedCreate, FailedScheduling, quota and Pod Security refusals, ...), formatted to
 * be added to the message of a release that failed or timed out; empty when there are none or they cannot be read.
 */
export async function warningsFor(ctx: CliContext, cluster: ClusterConfig, namespace: string): Promise<string> {
  const events = await readWarnings(ctx, cluster, namespace);
  return events ? formatWarnings(namespace, events) : '';
}
