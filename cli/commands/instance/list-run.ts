import type { OutputFormat } from '../../command-kit';
import type { CliContext } from '../../context';
import { dailyCost } from '../../cost';
import { clusterFlag } from '../../defaults';
import { podSecurityOf } from '../../instances';
import { EXIT, yellow } from '../../io';
import { listInstances, type InstanceView } from '../../lifecycle/view';
import { table } from '../../table';
import { fromNow, phaseText, printStructured } from './print';

/** `instance list`'s options. */
export interface ListCommandOptions {
  readonly expired: boolean;
  readonly cost: boolean;
  /** Include destroyed instances (their records, kept as history). */
  readonly all: boolean;
  /** Only the instances of this cluster. */
  readonly cluster?: string;
  /** Show the phases as recorded, without asking the clusters. */
  readonly offline: boolean;
}

/** One row of `instance list -o json`. */
export interface InstanceRow {
  readonly name: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly owner: string | null;
  readonly blocks: readonly string[];
  readonly createdAt: string | null;
  readonly expiresAt: string | null;
  /** Never expires: the reaper and gc leave it alone (only the config file can say so). */
  readonly protected: boolean;
  readonly phase: string;
  readonly reason: string | null;
  /** The namespace's enforced Pod Security level, and the blocks that lowered it below restricted. */
  readonly podSecurity: string | null;
  /** Where the instance is known from: the config file, a record of the command line, or state alone. */
  readonly origin: InstanceView['origin'];
  readonly dailyCostUsd?: number | null;
  readonly costBasis?: string;
}

export function rowOf(view: InstanceView, cost: boolean): InstanceRow {
  const spec = view.spec;
  const pss = spec && view.ref ? podSecurityOf(view.ref.config, spec) : undefined;
  const price = cost
    ? view.ref && spec
      ? dailyCost(view.ref.cluster, spec, view.ref.config)
      : { usd: null, basis: 'not in the config or a record' }
    : undefined;
  return {
    name: view.name,
    cluster: view.cluster,
    namespace: view.namespace,
    owner: view.owner,
    blocks: (spec?.blocks ?? []).map((b) => (typeof b === 'string' ? b : b.name)),
    createdAt: view.createdAt,
    expiresAt: view.expiresAt,
    protected: view.protected,
    phase: view.phase,
    reason: view.reason ?? null,
    podSecurity: pss ? (pss.loweredBy.length ? `${pss.level} (${pss.loweredBy.join(', ')})` : pss.level) : null,
    origin: view.origin,
    ...(price ? { dailyCostUsd: price.usd, costBasis: price.basis } : {}),
  };
}

/** `instance list`: the table, or every row as JSON or YAML, or the names alone; warnings go to stderr. */
export async function listCommand(ctx: CliContext, o: ListCommandOptions, format: OutputFormat): Promise<number> {
  const config = ctx.store.read();
  const cluster = o.cluster !== undefined ? clusterFlag(config, o.cluster) : undefined;
  const listing = await listInstances(ctx, config, { observe: !o.offline, gone: o.all });
  for (const w of listing.warnings) ctx.io.err(`warning: ${w}`);
  const views = listing.instances.filter(
    (v) => (!cluster || v.cluster === cluster.name) && (!o.expired || v.phase === 'expired'),
  );
  const rows = views.map((v) => rowOf(v, o.cost));
  if (printStructured(ctx, format, rows)) return EXIT.ok;
  if (format === 'name') {
    for (const r of rows) ctx.io.out(r.name);
    return EXIT.ok;
  }
  if (rows.length === 0) {
    ctx.io.out(o.expired ? 'no expired instances' : 'no instances');
    return EXIT.ok;
  }
  const now = ctx.io.now();
  const wide = format === 'wide';
  table(
    ctx.io,
    [
      'NAME',
      'CLUSTER',
      'OWNER',
      'BLOCKS',
      'CREATED',
      'EXPIRES',
      'PHASE',
      'ORIGIN',
      ...(o.cost ? ['USD/DAY'] : []),
      ...(wide ? ['NAMESPACE', 'POD SECURITY', 'REASON'] : []),
    ],
    rows.map((r, i) => [
      r.name,
      r.cluster,
      r.owner ?? '-',
      r.blocks.join(',') || '-',
      fromNow(now, r.createdAt),
      r.protected ? 'never (protected)' : fromNow(now, r.expiresAt),
      views[i].observed === 'unreachable'
        ? `${phaseText(ctx.io, views[i].phase)}${yellow(ctx.io, '?')}`
        : phaseText(ctx.io, views[i].phase),
      r.origin,
      ...(o.cost ? [r.dailyCostUsd === null || r.dailyCostUsd === undefined ? '-' : r.dailyCostUsd.toFixed(2)] : []),
      ...(wide ? [r.namespace, r.podSecurity ?? '-', r.reason ?? '-'] : []),
    ]),
  );
  if (o.cost) {
    const total = rows.reduce((sum, r) => sum + (r.dailyCostUsd ?? 0), 0);
    ctx.io.out(
      `\nestimated ${total.toFixed(2)} USD a day at most: each instance's quota held while awake, its storage, cloud resources, managed database, load balancers and share of shared blocks, at on-demand list prices (cli/cost.ts); existing clusters are not priced`,
    );
  }
  if (views.some((v) => v.observed === 'unreachable'))
    ctx.io.out('\n? the cluster did not answer: the phase is the recorded one');
  return EXIT.ok;
}
