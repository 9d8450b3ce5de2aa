import type { OutputFormat } from '../../command-kit';
import type { CliContext } from '../../context';
import { EXIT } from '../../io';
import { instanceDocument } from '../../lifecycle/status';
import { table } from '../../table';
import { fromNow, phaseText, printStructured } from './print';

/** `instance get NAME`: the document as YAML or JSON, else one table row. */
export async function getCommand(ctx: CliContext, name: string, format: OutputFormat): Promise<number> {
  const doc = await instanceDocument(ctx, name);
  if (printStructured(ctx, format, doc)) return EXIT.ok;
  if (format === 'name') {
    ctx.io.out(doc.spec.name);
    return EXIT.ok;
  }
  const s = doc.status;
  const now = ctx.io.now();
  const pods = s.pods ? `${s.pods.ready}/${s.pods.total}` : '-';
  const wide = format === 'wide';
  table(
    ctx.io,
    [
      'NAME',
      'CLUSTER',
      'OWNER',
      'PHASE',
      'PODS',
      'EXPIRES',
      'ORIGIN',
      ...(wide ? ['NAMESPACE', 'URLS', 'REASON'] : []),
    ],
    [
      [
        doc.spec.name,
        s.cluster,
        s.owner,
        phaseText(ctx.io, s.phase),
        pods,
        s.protected ? 'never (protected)' : fromNow(now, s.expiresAt),
        s.origin,
        ...(wide ? [s.namespace, s.urls.map((u) => u.url).join(',') || '-', s.reason ?? '-'] : []),
      ],
    ],
  );
  return EXIT.ok;
}
