import type { ClusterConfig } from '../../config/types';
import { INSTANCE_ANNOTATIONS } from '../../constructs/instance/instance-namespace';
import { REAPER_IDENTITY } from '../../constructs/platform/instance-reaper';
import { markApplied } from '../activity';
import { hibernateDatabases, hibernationKey, runningDatabases, wakeDatabases } from '../database-hibernation';
import type { CliContext } from '../context';
import { withInstanceLock } from '../instances';
import { CliError, EXIT } from '../io';
import { kubectl, kubectlConnection, kubectlMessage } from '../kube';
import type { Actor } from './actor';
import { ActionRecorder } from './history';
import type { PodCounts } from './observe';
import { adoptedRecord } from './record';
import { assertAction, findTarget, type Target } from './target';
import { waitFor } from './wait';

/**
 * Where sleeping replicas are kept: the reaper's own ConfigMap, one key `<namespace>.<kind>.<name>` per workload
 * (charts/instance-reaper/files/reap.sh), so that `instance start` wakes what the reaper put to sleep and the
 * reaper's working hours find what `instance stop` saved.
 */
export const REPLICA_STATE = {
  namespace: REAPER_IDENTITY.namespace,
  configMap: `${REAPER_IDENTITY.serviceAccount}-state`,
} as const;

type Kind = 'deployment' | 'statefulset';

export interface ScaledWorkload {
  readonly kind: Kind;
  readonly name: string;
  readonly replicas: number;
}

export interface StopStartOptions {
  readonly name: string;
  readonly dryRun: boolean;
  readonly actor: Actor;
  /** Wait until the pods are gone (stop) or ready (start). @default false */
  readonly wait?: boolean;
  readonly deadline?: number;
}

export interface StopStartResult {
  readonly instance: string;
  readonly namespace: string;
  readonly action: 'stopped' | 'started' | 'would stop' | 'would start';
  /** Each workload scaled, with the replicas it was (or would be) scaled to. */
  readonly workloads: readonly ScaledWorkload[];
  /** CloudNativePG Clusters hibernated (stop) or woken (start), which have no replicas to scale. */
  readonly hibernated: readonly string[];
  /** Nothing to do: the instance was already in that phase. */
  readonly already: boolean;
  readonly pods?: PodCounts;
}

const keyOf = (namespace: string, w: { kind: Kind; name: string }) => `${namespace}.${w.kind}.${w.name}`;

async function workloads(ctx: CliContext, cluster: ClusterConfig, namespace: string): Promise<ScaledWorkload[]> {
  const list = JSON.parse(
    await kubectl(ctx, cluster, ['get', 'deployments,statefulsets', '-n', namespace, '-o', 'json']),
  ) as { items: { kind: string; metadata: { name: string }; spec?: { replicas?: number } }[] };
  return list.items.map((i) => ({
    kind: i.kind.toLowerCase() as Kind,
    name: i.metadata.name,
    replicas: i.spec?.replicas ?? 1,
  }));
}

const saveState = (ctx: CliContext, cluster: ClusterConfig, data: Record<string, string>) =>
  kubectl(ctx, cluster, [
    'patch',
    'configmap',
    REPLICA_STATE.configMap,
    '-n',
    REPLICA_STATE.namespace,
    '--type',
    'merge',
    '-p',
    JSON.stringify({ data }),
  ]).then(() => undefined);

const forgetState = (ctx: CliContext, cluster: ClusterConfig, key: string) =>
  kubectl(ctx, cluster, [
    'patch',
    'configmap',
    REPLICA_STATE.configMap,
    '-n',
    REPLICA_STATE.namespace,
    '--type',
    'json',
    '-p',
    JSON.stringify([{ op: 'remove', path: `/data/${key}` }]),
  ]).then(() => undefined);

async function savedReplicas(ctx: CliContext, cluster: ClusterConfig): Promise<Record<string, string>> {
  const args = ['get', 'configmap', REPLICA_STATE.configMap, '-n', REPLICA_STATE.namespace, '-o', 'json'];
  const r = await ctx.tools.run('kubectl', [...kubectlConnection(ctx, cluster), ...args]);
  if (r.code !== 0 && /NotFound|not found/.test(r.stderr)) {
    throw new CliError(
      `the reaper's ConfigMap ${REPLICA_STATE.namespace}/${REPLICA_STATE.configMap}, where stopped replicas are kept, does not exist: apply the platform stack of cluster ${cluster.name} first`,
      EXIT.failed,
    );
  }
  if (r.code !== 0) throw new CliError(`reading the stopped replicas failed: ${kubectlMessage(r)}`, EXIT.failed);
  return (JSON.parse(r.stdout) as { data?: Record<string, string> }).data ?? {};
}

/** The record the action writes to: the instance's own, or one adopted for an instance deployed without the CLI. */
async function recorderFor(ctx: CliContext, target: Target, actor: Actor, action: 'stop' | 'start') {
  const now = ctx.io.now();
  const latest = await target.ref.store.get(target.ref.name);
  const base =
    latest && latest.status.phase !== 'gone'
      ? latest
      : adoptedRecord(
          target.ref.instance,
          target.observation.namespace?.stoppedAt ? 'stopped' : 'ready',
          now,
          target.status.expiresAt,
        );
  return new ActionRecorder(target.ref.store, base, actor, action, () => ctx.io.now());
}

/**
 * Scales every Deployment and StatefulSet of the instance to zero and hibernates its CloudNativePG Clusters, through
 * `stopping` to `stopped`. Volumes, Secrets and the Helm releases stay; the replicas are saved first, so that a failure part way leaves nothing unrecorded.
 */
export async function stopInstance(ctx: CliContext, opts: StopStartOptions): Promise<StopStartResult> {
  const target = await findTarget(ctx, ctx.store.read(), opts.name, { require: true, kubectl: true });
  assertAction('stop', target);
  const { cluster } = target.ref;
  const namespace = target.namespace;
  const already = target.status.phase === 'stopped';
  const running = (await workloads(ctx, cluster, namespace)).filter((w) => w.replicas > 0);
  const scaled = running.map((w) => ({ kind: w.kind, name: w.name, replicas: 0 }));
  if (opts.dryRun) {
    const databases = await runningDatabases(ctx, cluster, namespace);
    return {
      instance: opts.name,
      namespace,
      action: 'would stop',
      workloads: scaled,
      hibernated: databases,
      already: already && !running.length && !databases.length,
    };
  }
  let hibernated: string[] = [];
  await withInstanceLock(ctx, opts.name, async () => {
    const recorder = await recorderFor(ctx, target, opts.actor, 'stop');
    await recorder.begin('stopping');
    try {
      const saved = await savedReplicas(ctx, cluster);
      const data = Object.fromEntries(
        running.filter((w) => !saved[keyOf(namespace, w)]).map((w) => [keyOf(namespace, w), String(w.replicas)]),
      );
      if (Object.keys(data).length) await saveState(ctx, cluster, data);
      await kubectl(ctx, cluster, [
        'annotate',
        'namespace',
        namespace,
        '--overwrite',
        `${INSTANCE_ANNOTATIONS.stopped}=${ctx.io.now().toISOString()}`,
      ]);
      for (const w of running)
        await kubectl(ctx, cluster, ['scale', `${w.kind}/${w.name}`, '-n', namespace, '--replicas=0']);
      hibernated = await hibernateDatabases(ctx, cluster, namespace, (d) => saveState(ctx, cluster, d));
    } catch (err) {
      await recorder.fail((err as Error).message);
      throw err;
    }
    await recorder.succeed(
      'stopped',
      `${running.length} workloads to 0${hibernated.length ? `, ${hibernated.length} databases hibernated` : ''}`,
    );
  });
  const pods = opts.wait
    ? await waitFor(ctx, cluster, namespace, 'stopped', opts.deadline ?? Date.now() + 5 * 60_000)
    : undefined;
  return {
    instance: opts.name,
    namespace,
    action: 'stopped',
    workloads: scaled,
    hibernated,
    already: already && !running.length && !hibernated.length,
    ...(pods ? { pods } : {}),
  };
}

/**
 * Scales the instance's workloads back to the replicas saved by `instance stop` (or the reaper's working hours), and
 * wakes the CloudNativePG Clusters that either hibernated.
 */
export async function startInstance(ctx: CliContext, opts: StopStartOptions): Promise<StopStartResult> {
  const target = await findTarget(ctx, ctx.store.read(), opts.name, { require: true, kubectl: true });
  assertAction('start', target);
  const { cluster } = target.ref;
  const namespace = target.namespace;
  const saved = await savedReplicas(ctx, cluster);
  const present = new Set((await workloads(ctx, cluster, namespace)).map((w) => keyOf(namespace, w)));
  const mine = Object.entries(saved).flatMap(([key, value]) => {
    const match = /^([^.]+)\.(deployment|statefulset)\.(.+)$/.exec(key);
    return match && match[1] === namespace
      ? [{ key, workload: { kind: match[2] as Kind, name: match[3], replicas: Number(value) } }]
      : [];
  });
  const woken = mine.filter((m) => present.has(m.key)).map((m) => m.workload);
  const sleeping = Object.keys(saved).filter((k) => k.startsWith(hibernationKey(namespace, '')));
  const already = target.status.phase === 'ready' && mine.length === 0 && sleeping.length === 0;
  if (opts.dryRun)
    return {
      instance: opts.name,
      namespace,
      action: 'would start',
      workloads: woken,
      hibernated: sleeping.map((k) => k.slice(hibernationKey(namespace, '').length)),
      already,
    };
  let databases: string[] = [];
  await withInstanceLock(ctx, opts.name, async () => {
    const recorder = await recorderFor(ctx, target, opts.actor, 'start');
    await recorder.begin('starting');
    try {
      for (const { key, workload } of mine) {
        if (present.has(key))
          await kubectl(ctx, cluster, [
            'scale',
            `${workload.kind}/${workload.name}`,
            '-n',
            namespace,
            `--replicas=${workload.replicas}`,
          ]);
        await forgetState(ctx, cluster, key);
      }
      databases = await wakeDatabases(ctx, cluster, namespace, saved, (key) => forgetState(ctx, cluster, key));
      if (target.observation.namespace?.stoppedAt || target.status.phase !== 'ready')
        await kubectl(ctx, cluster, ['annotate', 'namespace', namespace, `${INSTANCE_ANNOTATIONS.stopped}-`]);
    } catch (err) {
      await recorder.fail((err as Error).message);
      throw err;
    }
    await recorder.succeed('ready', `${woken.length} workloads back`);
    await markApplied(ctx, cluster, namespace);
  });
  const pods = opts.wait
    ? await waitFor(ctx, cluster, namespace, 'ready', opts.deadline ?? Date.now() + 5 * 60_000)
    : undefined;
  return {
    instance: opts.name,
    namespace,
    action: 'started',
    workloads: woken,
    hibernated: databases,
    already,
    ...(pods ? { pods } : {}),
  };
}
