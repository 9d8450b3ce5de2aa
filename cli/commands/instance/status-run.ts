import type { OutputFormat } from '../../command-kit';
import type { CliContext } from '../../context';
import { EXIT, yellow } from '../../io';
import { instanceDocument } from '../../lifecycle/status';
import { table } from '../../table';
import { fields, fromNow, phaseText, printStructured } from './print';

/** How many history entries the text shows; `-o yaml` has them all. */
const HISTORY_SHOWN = 8;

/** `instance status NAME`: the instance's status as text, or the whole document as JSON or YAML. */
export async function statusCommand(ctx: CliContext, name: string, format: OutputFormat): Promise<number> {
  const doc = await instanceDocument(ctx, name);
  if (printStructured(ctx, format, doc)) return EXIT.ok;
  const io = ctx.io;
  const s = doc.status;
  const now = io.now();
  io.out(`instance ${doc.spec.name} on ${s.cluster}: ${phaseText(io, s.phase)}${s.reason ? ` (${s.reason})` : ''}`);
  fields(io, [
    ['namespace', s.namespace],
    ['owner', s.owner],
    [
      'origin',
      `${s.origin === 'cli' ? 'created from the command line' : 'declared in the config'}${s.template ? `, template ${s.template}` : ''}`,
    ],
    ['created', s.createdAt ? `${s.createdAt} (${fromNow(now, s.createdAt)})` : undefined],
    [
      'expires',
      s.protected ? 'never (protected)' : s.expiresAt ? `${s.expiresAt} (${fromNow(now, s.expiresAt)})` : '-',
    ],
    ['pods', s.pods ? `${s.pods.ready}/${s.pods.total} ready` : '-'],
    ['cost', s.dailyCostUsd === null ? `- (${s.costBasis})` : `${s.dailyCostUsd.toFixed(2)} USD/day (${s.costBasis})`],
    ['pod security', s.podSecurity],
    ['last error', s.lastError ? s.lastError.split('\n')[0] : undefined],
  ]);
  if (s.releases?.length) {
    io.out('  releases:');
    const lines: string[] = [];
    table(
      { ...io, out: (l) => lines.push(l) },
      ['NAME', 'STATUS', 'REVISION', 'CHART'],
      s.releases.map((r) => [r.name, r.status, String(r.revision), r.chart]),
    );
    for (const l of lines) io.out(`    ${l}`);
  }
  if (s.urls.length) {
    io.out('  urls:');
    const width = Math.max(...s.urls.map((u) => u.block.length));
    for (const u of s.urls) io.out(`    ${u.block.padEnd(width)}  ${u.url}`);
  }
  if (s.pods?.notReady.length) {
    io.out('  not ready:');
    for (const p of s.pods.notReady) io.out(`    ${p.name}: ${p.reason}`);
  }
  if (s.warnings?.length) {
    io.out('  warnings (latest last):');
    for (const w of s.warnings.slice(-5))
      io.out(`    ${w.object} ${w.reason}${w.count > 1 ? ` (x${w.count})` : ''}: ${w.message.replace(/\s+/g, ' ')}`);
  }
  if (s.history.length) {
    io.out('  history (latest last):');
    for (const h of s.history.slice(-HISTORY_SHOWN))
      io.out(`    ${h.at}  ${h.by}  ${h.action} ${h.outcome}${h.detail ? `: ${h.detail}` : ''}`);
  }
  for (const p of s.problems) io.err(yellow(io, `warning: could not read ${p}`));
  return EXIT.ok;
}
