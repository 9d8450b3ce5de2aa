import type { SandboxConfig } from '../../config/types';
import type { CliContext } from '../context';
import { humanDuration } from '../duration';
import { EXIT, red, yellow } from '../io';
import {
  clusterOf,
  isExpired,
  podSecurityOf,
  readOutputs,
  withInstance,
  type InstanceRef,
  type InstanceOutputs,
} from '../instances';
import { allRecordStores, recordStore } from '../records';
import { table } from '../table';
import { dailyCost } from '../cost';

export type InstanceState = 'running' | 'expired' | 'not deployed' | 'deploying' | 'failed' | 'state only';

export interface InstanceRow {
  readonly name: string;
  readonly cluster: string | null;
  readonly owner: string | null;
  readonly blocks: readonly string[];
  readonly createdAt: string | null;
  readonly expiresAt: string | null;
  /** Never expires: the reaper and gc leave it alone (only the config file can say so). */
  readonly protected: boolean;
  readonly state: InstanceState;
  /** The namespace's enforced Pod Security level, and the blocks that lowered it below restricted. */
  readonly podSecurity: string | null;
  /** Where the CLI knows it from: the config file, a record in the state backend, or state alone. */
  readonly source: 'config' | 'record' | 'state';
}

/** An instance with what is known of its deployment. */
export interface Known {
  readonly row: InstanceRow;
  readonly ref?: InstanceRef;
  readonly outputs?: InstanceOutputs;
}

function stateOf(
  ref: InstanceRef,
  outputs: InstanceOutputs | undefined,
  now: Date,
  isProtected: boolean,
): InstanceState {
  if (isProtected)
    return outputs || ref.record?.status === 'deployed' ? 'running' : (ref.record?.status ?? 'not deployed');
  if (outputs) return isExpired(outputs, now) ? 'expired' : 'running';
  if (ref.record?.status === 'failed' || ref.record?.status === 'deploying') return ref.record.status;
  if (ref.record?.status === 'deployed')
    return Date.parse(ref.record.expiresAt) <= now.getTime() ? 'expired' : 'running';
  return 'not deployed';
}

/** Protection comes from the config file only: a record (a preview environment) never protects an instance. */
function rowOf(
  config: SandboxConfig,
  ref: InstanceRef,
  outputs: InstanceOutputs | undefined,
  now: Date,
  isProtected = false,
): InstanceRow {
  const pss = podSecurityOf(config, ref.instance);
  return {
    name: ref.name,
    cluster: ref.instance.cluster,
    owner: ref.instance.owner,
    blocks: ref.instance.blocks.map((b) => (typeof b === 'string' ? b : b.name)),
    createdAt: ref.record?.createdAt ?? outputs?.createdAt ?? null,
    expiresAt: isProtected ? null : (outputs?.expiresAt ?? ref.record?.expiresAt ?? null),
    protected: isProtected,
    state: stateOf(ref, outputs, now, isProtected),
    podSecurity: pss.loweredBy.length ? `${pss.level} (${pss.loweredBy.join(', ')})` : pss.level,
    source: ref.inConfig ? 'config' : 'record',
  };
}

/**
 * Every instance the CLI can find: those of the config file, and those whose
 * record or state is in a cluster's state backend without being in the file
 * (preview environments, failed creates). `fetch` reads remote outputs too.
 */
export async function knownInstances(ctx: CliContext, fetch = false): Promise<Known[]> {
  const config = ctx.store.read();
  const now = ctx.io.now();
  const known: Known[] = [];
  const seen = new Set<string>();
  for (const instance of config.instances ?? []) {
    const cluster = clusterOf(config, instance.cluster, `instance "${instance.name}"`);
    const store = recordStore(ctx, config, cluster);
    const record = await store.get(instance.name);
    const used = record?.instance ?? instance;
    const ref: InstanceRef = {
      name: instance.name,
      instance: used,
      cluster,
      config: withInstance(config, used),
      inConfig: true,
      record,
      store,
    };
    const outputs = await readOutputs(ctx, ref, fetch && record !== undefined);
    known.push({ row: rowOf(config, ref, outputs, now, instance.protected === true), ref, outputs });
    seen.add(instance.name);
  }
  for (const { store, cluster } of allRecordStores(ctx, config)) {
    const listing = await store.list();
    for (const record of listing.records) {
      if (seen.has(record.instance.name)) continue;
      seen.add(record.instance.name);
      const own = config.clusters.find((c) => c.name === record.instance.cluster);
      if (!own) {
        known.push({
          row: {
            name: record.instance.name,
            cluster: record.instance.cluster,
            owner: record.instance.owner,
            blocks: [],
            createdAt: record.createdAt,
            expiresAt: record.expiresAt,
            protected: false,
            state: 'state only',
            podSecurity: null,
            source: 'record',
          },
        });
        continue;
      }
      const ref: InstanceRef = {
        name: record.instance.name,
        instance: record.instance,
        cluster: own,
        config: withInstance(config, record.instance),
        inConfig: false,
        record,
        store: recordStore(ctx, config, own),
      };
      const outputs = await readOutputs(ctx, ref, fetch);
      known.push({ row: rowOf(config, ref, outputs, now), ref, outputs });
    }
    for (const orphan of listing.stateOnly) {
      if (seen.has(orphan.name)) continue;
      seen.add(orphan.name);
      const remote = store.where.includes('://');
      known.push({
        row: {
          name: orphan.name,
          cluster: remote ? cluster.name : null,
          owner: null,
          blocks: [],
          createdAt: null,
          expiresAt: null,
          protected: false,
          state: 'state only',
          podSecurity: null,
          source: 'state',
        },
      });
    }
  }
  return known;
}

export async function listInstances(ctx: CliContext, expiredOnly: boolean, cost = false): Promise<number> {
  const known = (await knownInstances(ctx)).filter((k) => !expiredOnly || k.row.state === 'expired');
  const rows = known.map((k) => k.row);
  const config = cost ? ctx.store.read() : undefined;
  const costs = known.map((k) =>
    k.ref ? dailyCost(k.ref.cluster, k.ref.instance, config) : { usd: null, basis: 'not in the config or a record' },
  );
  if (ctx.json) {
    ctx.io.out(
      JSON.stringify(
        cost ? rows.map((r, i) => ({ ...r, dailyCostUsd: costs[i].usd, costBasis: costs[i].basis })) : rows,
      ),
    );
    return EXIT.ok;
  }
  if (rows.length === 0) {
    ctx.io.out(expiredOnly ? 'no expired instances' : 'no instances');
    return EXIT.ok;
  }
  const now = ctx.io.now().getTime();
  const when = (iso: string | null) => {
    if (!iso) return '-';
    const t = Date.parse(iso);
    return t > now ? `in ${humanDuration(t - now)}` : `${humanDuration(now - t)} ago`;
  };
  const paint = (state: InstanceState) =>
    state === 'expired' || state === 'failed'
      ? red(ctx.io, state)
      : state === 'running'
        ? state
        : yellow(ctx.io, state);
  table(
    ctx.io,
    [
      'NAME',
      'CLUSTER',
      'OWNER',
      'BLOCKS',
      'CREATED',
      'EXPIRES',
      'STATE',
      'POD SECURITY',
      'SOURCE',
      ...(cost ? ['USD/DAY'] : []),
    ],
    rows.map((r, i) => [
      r.name,
      r.cluster ?? '-',
      r.owner ?? '-',
      r.blocks.join(',') || '-',
      when(r.createdAt),
      r.protected ? 'never (protected)' : when(r.expiresAt),
      paint(r.state),
      r.podSecurity ?? '-',
      r.source,
      ...(cost ? [costs[i].usd === null ? '-' : costs[i].usd!.toFixed(2)] : []),
    ]),
  );
  if (cost) {
    const total = costs.reduce((sum, c) => sum + (c.usd ?? 0), 0);
    ctx.io.out(
      `\nestimated ${total.toFixed(2)} USD a day at most: each instance's quota held while awake, its storage, cloud resources, managed database, load balancers and share of shared blocks, at on-demand list prices (cli/cost.ts); existing clusters are not priced`,
    );
  }
  return EXIT.ok;
}
