import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { Construct } from 'constructs';
import { bytes, cpuMillis } from './quantity';
import { QUOTA_LIMITS_FACTOR } from './quota-check';
import { ReaperAccess } from './reaper-access';
import { CONTAINER_DEFAULTS, OBJECT_COUNT_FLOOR, OBJECTS_PER_POD, type QuotaSpec } from './size-profile';

export interface ResourceGuardrailsProps {
  readonly namespace: string;
  readonly quota: QuotaSpec;
  /** LoadBalancer Services the instance is granted (an instance group member's TCP exposure). @default 0 */
  readonly loadBalancers?: number;
}

/** Limits are the requests times the factor the synth-time quota check uses too. */
const double = (quantity: string, unit: 'cpu' | 'memory') =>
  unit === 'cpu'
    ? `${(cpuMillis(quantity, 'cpu') * QUOTA_LIMITS_FACTOR) / 1000}`
    : `${(bytes(quantity, 'memory') * QUOTA_LIMITS_FACTOR) / 1024 ** 2}Mi`;

/** Object counts of the quota, from the pods it allows. */
export function objectCounts(pods: number): Record<string, string> {
  return Object.fromEntries(
    Object.entries(OBJECTS_PER_POD).map(([kind, perPod]) => [
      kind,
      String(Math.max(OBJECT_COUNT_FLOOR, Math.floor(pods * perPod))),
    ]),
  );
}

/**
 * A ResourceQuota that bounds the namespace's compute, storage, ephemeral storage and object counts (no
 * LoadBalancer or NodePort services: traffic enters through the shared gateway), a LimitRange that gives every
 * container requests and limits, and the reaper's right to enforce the instance's expiry.
 */
export class ResourceGuardrails extends Construct {
  readonly quota: ResourceQuotaV1;
  readonly limits: LimitRangeV1;
  readonly reaper: ReaperAccess;

  constructor(scope: Construct, id: string, props: ResourceGuardrailsProps) {
    super(scope, id);
    const q = props.quota;
    this.quota = new ResourceQuotaV1(this, 'Quota', {
      metadata: { name: 'sandbox-quota', namespace: props.namespace },
      spec: {
        hard: {
          'requests.cpu': q.cpu,
          'requests.memory': q.memory,
          'limits.cpu': double(q.cpu, 'cpu'),
          'limits.memory': double(q.memory, 'memory'),
          'requests.storage': q.storage,
          'requests.ephemeral-storage': q.ephemeralStorage,
          'limits.ephemeral-storage': double(q.ephemeralStorage, 'memory'),
          pods: String(q.pods),
          ...objectCounts(q.pods),
          // A granted load balancer allocates one node port per service port.
          'services.loadbalancers': String(props.loadBalancers ?? 0),
          'services.nodeports': String(props.loadBalancers ?? 0),
        },
      },
    });
    this.limits = new LimitRangeV1(this, 'Limits', {
      metadata: { name: 'sandbox-limits', namespace: props.namespace },
      spec: {
        limit: [
          {
            type: 'Container',
            defaultRequest: { ...CONTAINER_DEFAULTS.defaultRequest },
            default: { ...CONTAINER_DEFAULTS.default },
            max: { ...CONTAINER_DEFAULTS.max },
          },
        ],
      },
    });
    this.reaper = new ReaperAccess(this, 'Reaper', { namespace: props.namespace });
  }
}
