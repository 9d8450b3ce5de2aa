import type { OutputFormat } from '../../command-kit';
import type { CliContext } from '../../context';
import type { Actor } from '../../lifecycle/actor';
import type { ApplyResult } from '../../lifecycle/apply';
import { changeLines, fields, fromNow, phaseText, printStructured } from './print';

/** What `instance create` and `instance apply` print: the outcome, the owner, the expiry and every URL. */
export function printApplyResult(
  ctx: CliContext,
  result: ApplyResult,
  format: OutputFormat,
  ownerDefaulted?: Actor,
): void {
  if (printStructured(ctx, format, result)) return;
  const io = ctx.io;
  if (result.action === 'planned') {
    const [summary, ...lines] = changeLines(result.changes);
    io.out(`planned instance ${result.instance} on ${result.cluster} (nothing changed): ${summary}`);
    for (const l of lines) io.out(l);
    if (result.changedFields.length) io.out(`  spec fields that change: ${result.changedFields.join(', ')}`);
    return;
  }
  io.out(`${result.action} instance ${result.instance} on ${result.cluster}: ${phaseText(io, result.phase)}`);
  fields(io, [
    ['namespace', result.namespace],
    ['owner', ownerDefaulted ? `${result.owner} (${ownerDefaulted.from}; --owner sets another)` : result.owner],
    ['template', result.template],
    [
      'expires',
      result.expiresAt ? `${result.expiresAt} (${fromNow(io.now(), result.expiresAt)})` : 'never (protected)',
    ],
    ['changed', result.action === 'updated' ? result.changedFields.join(', ') || 'nothing in the spec' : undefined],
    ['pods', result.pods ? `${result.pods.ready}/${result.pods.total} ready` : undefined],
    [
      'removed',
      result.removedLeftovers.length
        ? `${result.removedLeftovers.join(', ')}, left by an interrupted apply`
        : undefined,
    ],
    ['recorded', result.recordedIn],
    ['config', result.config === 'written' ? 'written' : undefined],
  ]);
  if (result.urls.length) {
    io.out('  urls:');
    for (const url of result.urls) io.out(`    ${url}`);
  }
}
