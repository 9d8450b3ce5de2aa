import type { ClusterConfig } from '../../config/types';
import { INSTANCE_ANNOTATIONS, INSTANCE_LABELS } from '../../constructs/instance/instance-namespace';
import type { CliContext } from '../context';
import { helmConnection, kubectlConnection, kubectlMessage, REQUEST_TIMEOUT } from '../kube';
import { NOT_FOUND } from '../tools';

/** What an instance's namespace says: the cluster's side of its status. */
export interface NamespaceObservation {
  readonly name: string;
  /** Being deleted (the reaper, a destroy, or someone with kubectl). */
  readonly terminating: boolean;
  /** The `sandbox.dev/instance` label. */
  readonly instance?: string;
  /** The expiry Terraform wrote (`sandbox.dev/expires-at`). */
  readonly expiresAt?: string;
  /** When `instance stop` (or anyone) marked it stopped (`sandbox.dev/stopped`). */
  readonly stoppedAt?: string;
  readonly lastAppliedAt?: string;
  readonly protected: boolean;
}

/** The instance namespaces of one cluster, read in one request, or why they could not be read. */
export type ClusterObservation =
  | { readonly ok: true; readonly namespaces: ReadonlyMap<string, NamespaceObservation> }
  | { readonly ok: false; readonly error: string };

export interface ReleaseObservation {
  readonly name: string;
  /** Helm's status: deployed, failed, pending-install, pending-upgrade, uninstalling, ... */
  readonly status: string;
  readonly revision: number;
  readonly chart: string;
  readonly updated?: string;
}

export interface PodCounts {
  readonly ready: number;
  /** Pods that should be running: completed Job pods are not counted. */
  readonly total: number;
  /** Each pod that is not ready, with what it waits for. */
  readonly notReady: readonly { readonly name: string; readonly reason: string }[];
}

/** A Warning event of the namespace, once per object, reason and message. */
export interface WarningEvent {
  readonly object: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly lastSeen?: string;
}

export interface RouteObservation {
  /** The block the route serves (`sandbox.dev/block`), else the route's name. */
  readonly block: string;
  readonly url: string;
}

/** Everything the status of one instance reads from its cluster; a part that could not be read is undefined. */
export interface InstanceObservation {
  /** Undefined when the namespace does not exist. */
  readonly namespace?: NamespaceObservation;
  readonly releases?: readonly ReleaseObservation[];
  readonly pods?: PodCounts;
  readonly routes?: readonly RouteObservation[];
  readonly warnings?: readonly WarningEvent[];
  /** What could not be read, and why. */
  readonly problems: readonly string[];
}

interface KubeObject {
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly deletionTimestamp?: string;
    readonly creationTimestamp?: string;
    readonly ownerReferences?: readonly { readonly kind: string }[];
  };
  readonly status?: Record<string, unknown>;
  readonly spec?: Record<string, unknown>;
}

export function namespaceObservation(ns: KubeObject): NamespaceObservation {
  const a = ns.metadata.annotations ?? {};
  const l = ns.metadata.labels ?? {};
  return {
    name: ns.metadata.name,
    terminating: Boolean(ns.metadata.deletionTimestamp) || ns.status?.phase === 'Terminating',
    instance: l[INSTANCE_LABELS.instance],
    expiresAt: a[INSTANCE_ANNOTATIONS.expiresAt],
    stoppedAt: a[INSTANCE_ANNOTATIONS.stopped],
    lastAppliedAt: a[INSTANCE_ANNOTATIONS.lastAppliedAt],
    protected: l[INSTANCE_LABELS.protected] === 'true',
  };
}

async function kubectlJson<T>(
  ctx: CliContext,
  cluster: ClusterConfig,
  args: readonly string[],
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  const r = await ctx.tools.run('kubectl', [...kubectlConnection(ctx, cluster), ...args, REQUEST_TIMEOUT]);
  if (r.code === NOT_FOUND) return { ok: false, error: 'kubectl is not installed' };
  if (r.code !== 0) return { ok: false, error: kubectlMessage(r) };
  try {
    return { ok: true, value: (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T };
  } catch {
    return { ok: false, error: 'kubectl printed no JSON' };
  }
}

/** Every instance namespace of the cluster (label `sandbox.dev/cluster`), in one request. */
export async function observeNamespaces(ctx: CliContext, cluster: ClusterConfig): Promise<ClusterObservation> {
  const r = await kubectlJson<{ items?: KubeObject[] }>(ctx, cluster, [
    'get',
    'namespaces',
    '-l',
    `${INSTANCE_LABELS.cluster}=${cluster.name}`,
    '-o',
    'json',
  ]);
  if (!r.ok) return { ok: false, error: r.error };
  return {
    ok: true,
    namespaces: new Map((r.value.items ?? []).map((ns) => [ns.metadata.name, namespaceObservation(ns)])),
  };
}

type Condition = { type?: string; status?: string; reason?: string; message?: string };
type ContainerStatus = { state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } };

/** Ready and total pods, leaving out pods that completed (Jobs, Helm hooks). */
export function podCounts(pods: readonly KubeObject[]): PodCounts {
  let ready = 0;
  let total = 0;
  const notReady: { name: string; reason: string }[] = [];
  for (const pod of pods) {
    const phase = pod.status?.phase as string | undefined;
    if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp) continue;
    total++;
    const conditions = (pod.status?.conditions ?? []) as Condition[];
    if (conditions.some((c) => c.type === 'Ready' && c.status === 'True')) {
      ready++;
      continue;
    }
    const waiting = ((pod.status?.containerStatuses ?? []) as ContainerStatus[])
      .map((s) => s.state?.waiting?.reason ?? s.state?.terminated?.reason)
      .find(Boolean);
    const scheduled = conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    notReady.push({
      name: pod.metadata.name,
      reason: waiting ?? scheduled?.reason ?? phase ?? 'not ready',
    });
  }
  return { ready, total, notReady };
}

interface EventObject {
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count?: number;
  readonly lastTimestamp?: string;
  readonly eventTime?: string;
  readonly series?: { readonly count?: number; readonly lastObservedTime?: string };
  readonly involvedObject?: { readonly kind?: string; readonly name?: string };
  readonly regarding?: { readonly kind?: string; readonly name?: string };
  readonly metadata?: { readonly creationTimestamp?: string };
}

/** The namespace's Warning events, once per object, reason and message, latest last; at most `limit`. */
export function warningEvents(events: readonly EventObject[], limit = 12): WarningEvent[] {
  const byKey = new Map<string, WarningEvent>();
  for (const e of events) {
    if (e.type !== 'Warning') continue;
    const target = e.involvedObject ?? e.regarding ?? {};
    const object = `${target.kind ?? 'Object'}/${target.name ?? '?'}`;
    const message = (e.message ?? '').trim();
    const key = `${object}|${e.reason}|${message}`;
    const lastSeen = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
    const count = (byKey.get(key)?.count ?? 0) + (e.series?.count ?? e.count ?? 1);
    byKey.set(key, { object, reason: e.reason ?? '', message, count, lastSeen });
  }
  return [...byKey.values()].sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? '')).slice(-limit);
}

/** The namespace's Warning events, in one request; undefined when they could not be read. */
export async function readWarnings(
  ctx: CliContext,
  cluster: ClusterConfig,
  namespace: string,
): Promise<WarningEvent[] | undefined> {
  const r = await kubectlJson<{ items?: EventObject[] }>(ctx, cluster, [
    'get',
    'events',
    '-n',
    namespace,
    '--field-selector',
    'type=Warning',
    '-o',
    'json',
  ]);
  return r.ok ? warningEvents(r.value.items ?? []) : undefined;
}

/** The Helm releases of the namespace, every status included (`helm list -a`). */
export async function readReleases(
  ctx: CliContext,
  cluster: ClusterConfig,
  namespace: string,
): Promise<{ ok: true; releases: ReleaseObservation[] } | { ok: false; error: string }> {
  const r = await ctx.tools.run('helm', [
    'list',
    '-n',
    namespace,
    '-a',
    '-o',
    'json',
    '--max',
    '0',
    ...helmConnection(ctx, cluster),
  ]);
  if (r.code === NOT_FOUND) return { ok: false, error: 'helm is not installed' };
  if (r.code !== 0) return { ok: false, error: kubectlMessage(r) };
  try {
    const list = JSON.parse(r.stdout || '[]') as {
      name: string;
      status: string;
      revision: string | number;
      chart: string;
      updated?: string;
    }[];
    return {
      ok: true,
      releases: list.map((x) => ({
        name: x.name,
        status: x.status,
        revision: Number(x.revision),
        chart: x.chart,
        updated: x.updated,
      })),
    };
  } catch {
    return { ok: false, error: 'helm printed no JSON' };
  }
}

/** The namespace as a list of zero or one item: a missing namespace is an answer, not an error. */
const readNamespace = (ctx: CliContext, cluster: ClusterConfig, namespace: string) =>
  kubectlJson<{ items?: KubeObject[] }>(ctx, cluster, [
    'get',
    'namespaces',
    '--field-selector',
    `metadata.name=${namespace}`,
    '-o',
    'json',
  ]);

/** The instance's namespace alone, in one request: what an action needs to reconcile the phase before it starts. */
export async function observeNamespace(
  ctx: CliContext,
  cluster: ClusterConfig,
  namespace: string,
): Promise<InstanceObservation> {
  const ns = await readNamespace(ctx, cluster, namespace);
  if (!ns.ok) return { problems: [`namespace: ${ns.error}`] };
  const found = ns.value.items?.[0];
  return found ? { namespace: namespaceObservation(found), problems: [] } : { problems: [] };
}

/** What the cluster says of one instance: namespace, releases, pods, routes and warnings, read at the same time. */
export async function observeInstance(
  ctx: CliContext,
  cluster: ClusterConfig,
  namespace: string,
): Promise<InstanceObservation> {
  const [ns, podsAndEvents, routes, releases] = await Promise.all([
    readNamespace(ctx, cluster, namespace),
    kubectlJson<{ items?: (KubeObject & EventObject)[] }>(ctx, cluster, [
      'get',
      'pods,events',
      '-n',
      namespace,
      '-o',
      'json',
    ]),
    kubectlJson<{ items?: KubeObject[] }>(ctx, cluster, [
      'get',
      'httproutes.gateway.networking.k8s.io',
      '-n',
      namespace,
      '-o',
      'json',
    ]),
    readReleases(ctx, cluster, namespace),
  ]);
  const problems: string[] = [];
  if (!ns.ok) {
    problems.push(`namespace: ${ns.error}`);
    return { problems };
  }
  const found = ns.value.items?.[0];
  if (!found) return { problems };
  if (!podsAndEvents.ok) problems.push(`pods and events: ${podsAndEvents.error}`);
  if (!routes.ok) problems.push(`routes: ${routes.error}`);
  if (!releases.ok) problems.push(`releases: ${releases.error}`);
  const items = podsAndEvents.ok ? (podsAndEvents.value.items ?? []) : [];
  return {
    namespace: namespaceObservation(found),
    releases: releases.ok ? releases.releases : undefined,
    pods: podsAndEvents.ok ? podCounts(items.filter((i) => i.kind === 'Pod')) : undefined,
    warnings: podsAndEvents.ok ? warningEvents(items.filter((i) => i.kind === 'Event')) : undefined,
    routes: routes.ok
      ? (routes.value.items ?? [])
          .flatMap((r) =>
            ((r.spec?.hostnames as string[] | undefined) ?? []).map((h) => ({
              block: r.metadata.labels?.['sandbox.dev/block'] ?? r.metadata.name,
              url: `https://${h}`,
            })),
          )
          .sort((a, b) => a.block.localeCompare(b.block))
      : undefined,
    problems,
  };
}
