import { CLUSTER_LABEL_KEYS } from '../constructs/instance/cluster-labels';
import { STRIMZI_CHART } from '../constructs/platform/kafka-operator';
import { offersRwx } from './instance-checks';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a cluster's config says of it, as labels that `requires.cluster` of
 * catalog entries match: cloud, Kubernetes version, region, RWX storage, the
 * block storage class on existing clusters, node pool labels, and the
 * cluster's own `labels`, which win (the only source of some facts on existing
 * clusters, such as their Kubernetes version). Read defensively: it also runs
 * on configs that failed the schema check.
 */
export function clusterLabels(cluster: unknown): Record<string, string> {
  if (!isObject(cluster)) return {};
  const labels: Record<string, string> = {};
  if (typeof cluster.cloud === 'string') labels[CLUSTER_LABEL_KEYS.cloud] = cluster.cloud;
  if (typeof cluster.kubernetesVersion === 'string')
    labels[CLUSTER_LABEL_KEYS.kubernetesVersion] = cluster.kubernetesVersion;
  const region = cluster.region ?? cluster.location;
  if (typeof region === 'string') labels[CLUSTER_LABEL_KEYS.region] = region;
  labels[CLUSTER_LABEL_KEYS.storageRwx] = String(offersRwx(cluster));
  if (isObject(cluster.platform) && cluster.platform.kafka === true)
    labels[CLUSTER_LABEL_KEYS.strimziOperator] = STRIMZI_CHART.version;
  if (isObject(cluster.storageClasses) && typeof cluster.storageClasses.blockRwo === 'string') {
    labels[CLUSTER_LABEL_KEYS.storageClass] = cluster.storageClasses.blockRwo;
  }
  for (const pool of Array.isArray(cluster.nodePools) ? cluster.nodePools : []) {
    if (!isObject(pool) || !isObject(pool.labels)) continue;
    for (const [key, value] of Object.entries(pool.labels)) {
      if (typeof value === 'string') labels[`${CLUSTER_LABEL_KEYS.nodeLabelPrefix}${key}`] = value;
    }
  }
  if (isObject(cluster.labels)) {
    for (const [key, value] of Object.entries(cluster.labels)) if (typeof value === 'string') labels[key] = value;
  }
  return labels;
}
