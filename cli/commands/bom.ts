import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { resolveInstance } from '../instances';
import { table } from '../table';
import { billOfMaterials } from '../bill-of-materials';

export { billOfMaterials, mirrored, type Bom, type BomChart } from '../bill-of-materials';

export async function bomCommand(ctx: CliContext, target: { instance?: string; cluster?: string }): Promise<number> {
  if (!target.instance && !target.cluster)
    throw new CliError(
      'bom: give an instance (sandboxkit bom <instance>) or a cluster (sandboxkit bom --cluster <name>)',
    );
  if (target.instance && target.cluster) throw new CliError('bom: give an instance or --cluster, not both');
  const config = ctx.store.read();
  const resolved = target.instance
    ? { instance: target.instance, config: (await resolveInstance(ctx, config, target.instance)).config }
    : { cluster: target.cluster, config };
  const bom = billOfMaterials(resolved.config, resolved);
  if (ctx.json) {
    ctx.io.out(JSON.stringify(bom));
    return EXIT.ok;
  }
  ctx.io.out(`bill of materials of ${bom.scope}\n`);
  table(
    ctx.io,
    ['CHART', 'VERSION', 'REPOSITORY'],
    bom.charts.map((c) => [c.name, c.version, c.repository]),
  );
  ctx.io.out('');
  if (bom.mirror)
    table(
      ctx.io,
      ['IMAGE', 'IN THE MIRROR'],
      bom.mirror.map((m) => [m.source, m.mirror]),
    );
  else
    table(
      ctx.io,
      ['IMAGE'],
      bom.images.map((i) => [i]),
    );
  if (bom.unknownImages.length)
    ctx.io.err(
      `images of ${bom.unknownImages.join(', ')} are not known to this version of sandboxkit; list them with helm template`,
    );
  return EXIT.ok;
}
