import type { ClusterConfig, InstanceConfig, SandboxConfig } from '../../config/types';
import type { CliContext } from '../context';
import { namespaceOf, withInstance, type InstanceRef } from '../instances';
import { allRecordStores, recordStore, type RecordStore } from '../records';
import { observeNamespaces, type ClusterObservation } from './observe';
import type { LifecycleAction, Phase } from './phase';
import type { HistoryEntry, InstanceRecord } from './record';
import { reconcile, type NamespaceState } from './reconcile';

/** One instance as `list` and `get` show it: its spec and its status, reconciled with the cluster when it was read. */
export interface InstanceView {
  readonly name: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly owner: string | null;
  /** `config`: declared in the config file; `cli`: created from the command line; `state`: state without a record. */
  readonly origin: 'config' | 'cli' | 'state';
  readonly spec?: InstanceConfig;
  readonly phase: Phase;
  /** Why the phase is what it is when the record alone does not say (the cluster's view, a failure). */
  readonly reason?: string;
  /** With `failed`: the action that did not finish. */
  readonly failedAction?: LifecycleAction;
  /** The phase the last command recorded. */
  readonly recordedPhase?: Phase;
  readonly createdAt: string | null;
  readonly expiresAt: string | null;
  /** Never expires (only the config file can say so). */
  readonly protected: boolean;
  readonly template?: string;
  readonly urls: readonly string[];
  readonly lastError?: string;
  /** Whether the phase was checked against the cluster: `yes`, or why not. */
  readonly observed: 'yes' | 'not asked' | 'unreachable';
  readonly history: readonly HistoryEntry[];
  /** The reference commands act on; absent for state without a record. */
  readonly ref?: InstanceRef;
}

/** The view of an instance from its record (if any), its config entry (if any) and its namespace. */
export function viewOf(
  ref: InstanceRef,
  ns: NamespaceState,
  observed: InstanceView['observed'],
  now: Date,
  isProtected: boolean,
): InstanceView {
  const record = ref.record;
  const r = reconcile(record, ns, now, isProtected);
  return {
    name: ref.name,
    cluster: ref.instance.cluster,
    namespace: namespaceOf(ref.instance),
    owner: ref.instance.owner,
    origin: ref.inConfig ? 'config' : 'cli',
    spec: ref.instance,
    phase: r.phase,
    reason: r.reason,
    ...(r.failedAction ? { failedAction: r.failedAction } : {}),
    recordedPhase: record?.status.phase,
    createdAt: record?.status.createdAt ?? null,
    expiresAt: isProtected ? null : (r.expiresAt ?? null),
    protected: isProtected,
    template: record?.status.template,
    urls: record?.status.urls ?? [],
    lastError: record?.status.failure?.message,
    observed,
    history: record?.history ?? [],
    ref,
  };
}

export interface InstanceListing {
  readonly instances: readonly InstanceView[];
  /** Backends or clusters that could not be read; what they hold is missing or shown as recorded. */
  readonly warnings: readonly string[];
}

export interface ListOptions {
  /** Read each cluster's instance namespaces (one request per cluster) to reconcile the phases. @default true */
  readonly observe?: boolean;
  /** Include destroyed instances (`gone`). @default false */
  readonly gone?: boolean;
}

interface Found {
  readonly ref?: InstanceRef;
  readonly stateOnly?: { readonly name: string; readonly cluster: ClusterConfig; readonly where: string };
  readonly isProtected: boolean;
}

/**
 * Every instance the CLI can find: those of the config file, and those whose record or state is in a cluster's
 * state backend (instances created from the command line, failed creates). A backend that cannot be read is a
 * warning, not a failure: the others are listed. With `observe`, each cluster's namespaces are read once and every
 * phase reconciled with them; a cluster that does not answer is a warning and its instances show as recorded.
 */
export async function listInstances(
  ctx: CliContext,
  config: SandboxConfig,
  options: ListOptions = {},
): Promise<InstanceListing> {
  const warnings: string[] = [];
  const found = new Map<string, Found>();
  const records = new Map<string, { record: InstanceRecord; store: RecordStore }>();
  const listings = await Promise.all(
    allRecordStores(ctx, config).map(async ({ store, cluster }) => {
      try {
        return { store, cluster, listing: await store.list() };
      } catch (err) {
        warnings.push(
          `could not read the instances of cluster ${cluster.name} in ${store.where}: ${(err as Error).message}`,
        );
        return undefined;
      }
    }),
  );
  for (const l of listings)
    for (const record of l?.listing.records ?? []) records.set(record.spec.name, { record, store: l!.store });
  for (const instance of config.instances ?? []) {
    const cluster = config.clusters.find((c) => c.name === instance.cluster);
    if (!cluster) continue;
    const recorded = records.get(instance.name)?.record;
    // A declared instance that was destroyed is declared again: not deployed, rather than gone.
    const record =
      recorded && recorded.spec.cluster === instance.cluster && recorded.status.phase !== 'gone' ? recorded : undefined;
    const spec = record?.spec ?? instance;
    found.set(instance.name, {
      ref: {
        name: instance.name,
        instance: spec,
        cluster,
        config: withInstance(config, spec),
        inConfig: true,
        record,
        store: recordStore(ctx, config, cluster),
      },
      isProtected: instance.protected === true,
    });
  }
  for (const { record } of records.values()) {
    if (found.has(record.spec.name)) continue;
    const cluster = config.clusters.find((c) => c.name === record.spec.cluster);
    if (!cluster) {
      warnings.push(
        `instance ${record.spec.name} is recorded on cluster ${record.spec.cluster}, which the config does not declare`,
      );
      continue;
    }
    found.set(record.spec.name, {
      ref: {
        name: record.spec.name,
        instance: record.spec,
        cluster,
        config: withInstance(config, record.spec),
        inConfig: false,
        record,
        store: recordStore(ctx, config, cluster),
      },
      isProtected: false,
    });
  }
  for (const l of listings) {
    for (const orphan of l?.listing.stateOnly ?? []) {
      if (found.has(orphan.name)) continue;
      found.set(orphan.name, {
        stateOnly: { name: orphan.name, cluster: l!.cluster, where: l!.store.where },
        isProtected: false,
      });
    }
  }

  const observations = new Map<string, ClusterObservation>();
  if (options.observe ?? true) {
    const clusters = new Map<string, ClusterConfig>();
    for (const f of found.values()) {
      const c = f.ref?.cluster ?? f.stateOnly?.cluster;
      if (c) clusters.set(c.name, c);
    }
    await Promise.all(
      [...clusters.values()].map(async (c) => {
        const o = await observeNamespaces(ctx, c);
        observations.set(c.name, o);
        if (!o.ok) warnings.push(`cluster ${c.name} did not answer (${o.error}); its instances are shown as recorded`);
      }),
    );
  }
  const now = ctx.io.now();
  const views: InstanceView[] = [];
  for (const f of found.values()) {
    if (f.stateOnly) {
      views.push({
        name: f.stateOnly.name,
        cluster: f.stateOnly.cluster.name,
        namespace: f.stateOnly.name,
        owner: null,
        origin: 'state',
        phase: 'ready',
        reason: `state in ${f.stateOnly.where} without a record (deployed with cdktf or terraform)`,
        createdAt: null,
        expiresAt: null,
        protected: false,
        urls: [],
        observed: 'not asked',
        history: [],
      });
      continue;
    }
    const ref = f.ref!;
    const o = observations.get(ref.cluster.name);
    const ns: NamespaceState = o?.ok ? o.namespaces.get(namespaceOf(ref.instance)) : 'unknown';
    const view = viewOf(ref, ns, o ? (o.ok ? 'yes' : 'unreachable') : 'not asked', now, f.isProtected);
    if (view.phase === 'gone' && !options.gone) continue;
    views.push(view);
  }
  views.sort((a, b) => a.name.localeCompare(b.name));
  return { instances: views, warnings };
}
