import type { ClusterConfig } from '../config/types';
import type { CliContext } from './context';
import { kubectl, kubectlConnection } from './kube';

/** CloudNativePG's declarative hibernation: the annotation stops a Cluster's pods and keeps its volumes. */
export const HIBERNATION_ANNOTATION = 'cnpg.io/hibernation';
const CLUSTERS = 'clusters.postgresql.cnpg.io';

/** Key of a hibernated Cluster in the reaper's state ConfigMap, beside the replicas of scaled workloads. */
export const hibernationKey = (namespace: string, cluster: string) => `${namespace}.cluster.${cluster}`;

/** The CloudNativePG Clusters of a namespace and whether each hibernates; none where the operator's API is absent. */
async function databases(
  ctx: CliContext,
  cluster: ClusterConfig,
  namespace: string,
): Promise<{ name: string; hibernating: boolean }[]> {
  const args = ['get', CLUSTERS, '-n', namespace, '-o', 'json'];
  const r = await ctx.tools.run('kubectl', [...kubectlConnection(ctx, cluster), ...args]);
  if (r.code !== 0 && /doesn't have a resource type|could not find the requested resource/.test(r.stderr)) return [];
  const text = r.code === 0 ? r.stdout : await kubectl(ctx, cluster, args);
  const list = JSON.parse(text) as { items: { metadata: { name: string; annotations?: Record<string, string> } }[] };
  return list.items.map((i) => ({
    name: i.metadata.name,
    hibernating: i.metadata.annotations?.[HIBERNATION_ANNOTATION] === 'on',
  }));
}

/** The names of the namespace's CloudNativePG Clusters that do not hibernate. */
export async function runningDatabases(ctx: CliContext, cluster: ClusterConfig, namespace: string): Promise<string[]> {
  return (await databases(ctx, cluster, namespace)).filter((d) => !d.hibernating).map((d) => d.name);
}

/**
 * Hibernates every running CloudNativePG Cluster of the namespace; `save` records each in the reaper's state first,
 * so that `instance start` (or the reaper's working hours) wakes exactly these. Returns the hibernated names.
 */
export async function hibernateDatabases(
  ctx: CliContext,
  cluster: ClusterConfig,
  namespace: string,
  save: (data: Record<string, string>) => Promise<void>,
): Promise<string[]> {
  const running = await runningDatabases(ctx, cluster, namespace);
  if (!running.length) return [];
  await save(Object.fromEntries(running.map((name) => [hibernationKey(namespace, name), 'hibernated'])));
  for (const name of running)
    await kubectl(ctx, cluster, [
      'annotate',
      CLUSTERS,
      name,
      '-n',
      namespace,
      '--overwrite',
      `${HIBERNATION_ANNOTATION}=on`,
    ]);
  return running;
}

/** Wakes the Clusters whose hibernation the saved state records; `forget` drops each key once it is awake. */
export async function wakeDatabases(
  ctx: CliContext,
  cluster: ClusterConfig,
  namespace: string,
  saved: Readonly<Record<string, string>>,
  forget: (key: string) => Promise<void>,
): Promise<string[]> {
  const present = new Set((await databases(ctx, cluster, namespace)).map((d) => d.name));
  const woken: string[] = [];
  for (const key of Object.keys(saved)) {
    const prefix = hibernationKey(namespace, '');
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (present.has(name)) {
      await kubectl(ctx, cluster, ['annotate', CLUSTERS, name, '-n', namespace, `${HIBERNATION_ANNOTATION}-`]);
      woken.push(name);
    }
    await forget(key);
  }
  return woken;
}
