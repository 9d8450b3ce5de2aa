import type { ClusterConfig } from '../../config/types';
import { REAPER_IDENTITY } from '../../constructs/platform/instance-reaper';
import { markApplied } from '../activity';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { resolveInstance } from '../instances';
import { hibernateDatabases, wakeDatabases } from '../database-hibernation';
import { kubectl, kubectlConnection } from '../kube';

/**
 * Where sleeping replicas are kept: the reaper's own ConfigMap, one key `<namespace>.<kind>.<name>` per workload
 * (charts/instance-reaper/files/reap.sh), so that `instance start` wakes what the reaper put to sleep and the
 * reaper's working hours find what `instance stop` saved.
 */
export const REPLICA_STATE = {
  namespace: REAPER_IDENTITY.namespace,
  configMap: `${REAPER_IDENTITY.serviceAccount}-state`,
} as const;
/** Namespace annotation that keeps the reaper's working hours from waking a stopped instance. */
export const STOPPED_ANNOTATION = 'sandbox.dev/stopped';

type Kind = 'deployment' | 'statefulset';

interface Workload {
  readonly kind: Kind;
  readonly name: string;
  readonly replicas: number;
}

export interface StopStartResult {
  readonly instance: string;
  readonly namespace: string;
  readonly action: 'stopped' | 'started';
  /** Each workload scaled, with the replicas it was scaled to. */
  readonly workloads: readonly { readonly kind: Kind; readonly name: string; readonly replicas: number }[];
  /** CloudNativePG Clusters hibernated (stop) or woken (start). */
  readonly hibernated: readonly string[];
}

const keyOf = (namespace: string, w: { kind: Kind; name: string }) => `${namespace}.${w.kind}.${w.name}`;

async function workloads(ctx: CliContext, cluster: ClusterConfig, namespace: string): Promise<Workload[]> {
  const list = JSON.parse(
    await kubectl(ctx, cluster, ['get', 'deployments,statefulsets', '-n', namespace, '-o', 'json']),
  ) as { items: { kind: string; metadata: { name: string }; spec?: { replicas?: number } }[] };
  return list.items.map((i) => ({
    kind: i.kind.toLowerCase() as Kind,
    name: i.metadata.name,
    replicas: i.spec?.replicas ?? 1,
  }));
}

async function savedReplicas(ctx: CliContext, cluster: ClusterConfig): Promise<Record<string, string>> {
  const args = ['get', 'configmap', REPLICA_STATE.configMap, '-n', REPLICA_STATE.namespace, '-o', 'json'];
  const r = await ctx.tools.run('kubectl', [...kubectlConnection(ctx, cluster), ...args]);
  if (r.code !== 0 && /NotFound|not found/.test(r.stderr)) {
    throw new CliError(
      `the reaper's ConfigMap ${REPLICA_STATE.namespace}/${REPLICA_STATE.configMap}, where stopped replicas are kept, does not exist: apply the platform stack of cluster ${cluster.name} first`,
      EXIT.failed,
    );
  }
  const text = r.code === 0 ? r.stdout : await kubectl(ctx, cluster, args);
  return (JSON.parse(text) as { data?: Record<string, string> }).data ?? {};
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

function report(ctx: CliContext, result: StopStartResult): number {
  if (ctx.json) ctx.io.out(JSON.stringify(result));
  else {
    for (const w of result.workloads) ctx.io.err(`  ${w.kind}/${w.name} -> ${w.replicas}`);
    for (const d of result.hibernated)
      ctx.io.err(`  cluster/${d} -> ${result.action === 'stopped' ? 'hibernated' : 'awake'}`);
    ctx.io.out(`${result.action} instance ${result.instance} (${result.workloads.length} workloads)`);
  }
  return EXIT.ok;
}

/**
 * Scales every Deployment and StatefulSet of the instance to zero and hibernates its CloudNativePG clusters. Volumes,
 * Secrets and the Helm releases stay; the replicas are saved first, so that a failure part way leaves nothing
 * unrecorded.
 */
export async function stopInstance(ctx: CliContext, name: string): Promise<number> {
  const { instance, cluster } = await resolveInstance(ctx, ctx.store.read(), name);
  const namespace = instance.namespace ?? instance.name;
  const saved = await savedReplicas(ctx, cluster);
  const running = (await workloads(ctx, cluster, namespace)).filter((w) => w.replicas > 0);
  const data = Object.fromEntries(running.map((w) => [keyOf(namespace, w), String(w.replicas)]));
  if (running.length) await saveState(ctx, cluster, data);
  await kubectl(ctx, cluster, [
    'annotate',
    'namespace',
    namespace,
    '--overwrite',
    `${STOPPED_ANNOTATION}=${ctx.io.now().toISOString()}`,
  ]);
  for (const w of running)
    await kubectl(ctx, cluster, ['scale', `${w.kind}/${w.name}`, '-n', namespace, '--replicas=0']);
  const hibernated = await hibernateDatabases(ctx, cluster, namespace, (d) => saveState(ctx, cluster, d));
  const already = Object.keys(saved).filter((k) => k.startsWith(`${namespace}.`)).length;
  if (!running.length && !hibernated.length && !already) ctx.io.err(`instance ${name} has no running workloads`);
  return report(ctx, {
    instance: name,
    namespace,
    action: 'stopped',
    workloads: running.map((w) => ({ kind: w.kind, name: w.name, replicas: 0 })),
    hibernated,
  });
}

/** Scales the instance's workloads back to the replicas saved by `instance stop` (or by the reaper's working hours). */
export async function startInstance(ctx: CliContext, name: string): Promise<number> {
  const { instance, cluster } = await resolveInstance(ctx, ctx.store.read(), name);
  const namespace = instance.namespace ?? instance.name;
  const saved = await savedReplicas(ctx, cluster);
  const present = new Set((await workloads(ctx, cluster, namespace)).map((w) => keyOf(namespace, w)));
  const woken: Workload[] = [];
  for (const [key, value] of Object.entries(saved)) {
    const match = /^([^.]+)\.(deployment|statefulset)\.(.+)$/.exec(key);
    if (!match || match[1] !== namespace) continue;
    const w: Workload = { kind: match[2] as Kind, name: match[3], replicas: Number(value) };
    if (present.has(key)) {
      await kubectl(ctx, cluster, ['scale', `${w.kind}/${w.name}`, '-n', namespace, `--replicas=${w.replicas}`]);
      woken.push(w);
    }
    await forgetState(ctx, cluster, key);
  }
  const databases = await wakeDatabases(ctx, cluster, namespace, saved, (key) => forgetState(ctx, cluster, key));
  await kubectl(ctx, cluster, ['annotate', 'namespace', namespace, `${STOPPED_ANNOTATION}-`]);
  await markApplied(ctx, cluster, namespace);
  if (!woken.length && !databases.length) ctx.io.err(`instance ${name} had no stopped workloads`);
  return report(ctx, { instance: name, namespace, action: 'started', workloads: woken, hibernated: databases });
}
