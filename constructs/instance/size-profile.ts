/** Named sizes for an instance's ResourceQuota and LimitRange. */
export type SizeProfileName = 'small' | 'medium' | 'large';

export interface QuotaSpec {
  /** Total CPU requests, Kubernetes quantity. */
  readonly cpu: string;
  /** Total memory requests, Kubernetes quantity. */
  readonly memory: string;
  /** Total persistent storage requests. */
  readonly storage: string;
  /** Total ephemeral storage requests (container writable layers, logs, emptyDir). */
  readonly ephemeralStorage: string;
  readonly pods: number;
}

/** Limits are twice the requests: room for bursts, still bounded. */
export const SIZE_PROFILES: Readonly<Record<SizeProfileName, QuotaSpec>> = {
  small: { cpu: '4', memory: '8Gi', storage: '50Gi', ephemeralStorage: '20Gi', pods: 40 },
  medium: { cpu: '8', memory: '16Gi', storage: '100Gi', ephemeralStorage: '40Gi', pods: 80 },
  large: { cpu: '16', memory: '32Gi', storage: '400Gi', ephemeralStorage: '80Gi', pods: 160 },
};

/**
 * How many objects of each kind a namespace may hold, per pod of its quota: every kind an owner may create, and the
 * kinds controllers make from them (ReplicaSets from Deployments, ControllerRevisions from StatefulSets, each up to
 * its revision history). Counts bound what an owner can pile into etcd and the controllers' caches (an object is at
 * most 1.5 MiB); they scale with the size so that larger instances are not starved.
 */
export const OBJECTS_PER_POD = {
  configmaps: 2,
  // Helm keeps revisions of every release as Secrets, besides the blocks' own.
  secrets: 4,
  services: 1,
  persistentvolumeclaims: 0.25,
  'count/serviceaccounts': 1,
  'count/deployments.apps': 0.5,
  'count/statefulsets.apps': 0.25,
  'count/replicasets.apps': 2,
  'count/controllerrevisions.apps': 1,
  'count/jobs.batch': 1,
  'count/cronjobs.batch': 0.25,
  'count/horizontalpodautoscalers.autoscaling': 0.25,
  'count/poddisruptionbudgets.policy': 0.25,
  'count/httproutes.gateway.networking.k8s.io': 0.5,
} as const;

/** No kind gets fewer objects than this, so that a small quota still fits a handful of blocks. */
export const OBJECT_COUNT_FLOOR = 4;

/** Container defaults applied by the LimitRange when a chart sets none. */
export const CONTAINER_DEFAULTS = {
  defaultRequest: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
  default: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' },
  max: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '8Gi' },
} as const;
