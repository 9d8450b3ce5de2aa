/** Named sizes for an instance's ResourceQuota and LimitRange. */
export type SizeProfileName = 'small' | 'medium' | 'large';

export interface QuotaSpec {
  /** Total CPU requests, Kubernetes quantity. */
  readonly cpu: string;
  /** Total memory requests, Kubernetes quantity. */
  readonly memory: string;
  /** Total persistent storage requests. */
  readonly storage: string;
  readonly pods: number;
}

/** Limits are twice the requests: room for bursts, still bounded. */
export const SIZE_PROFILES: Readonly<Record<SizeProfileName, QuotaSpec>> = {
  small: { cpu: '4', memory: '8Gi', storage: '50Gi', pods: 40 },
  medium: { cpu: '8', memory: '16Gi', storage: '100Gi', pods: 80 },
  large: { cpu: '16', memory: '32Gi', storage: '400Gi', pods: 160 },
};

/** Container defaults applied by the LimitRange when a chart sets none. */
export const CONTAINER_DEFAULTS = {
  defaultRequest: { cpu: '100m', memory: '128Mi' },
  default: { cpu: '500m', memory: '512Mi' },
  max: { cpu: '4', memory: '8Gi' },
} as const;
