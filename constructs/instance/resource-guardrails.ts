import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { Construct } from 'constructs';
import { bytes, cpuMillis } from './quantity';
import { CONTAINER_DEFAULTS, type QuotaSpec } from './size-profile';

export interface ResourceGuardrailsProps {
  readonly namespace: string;
  readonly quota: QuotaSpec;
}

/** Limits double the requests. */
const double = (quantity: string, unit: 'cpu' | 'memory') =>
  unit === 'cpu' ? `${(cpuMillis(quantity, 'cpu') * 2) / 1000}` : `${(bytes(quantity, 'memory') * 2) / 1024 ** 2}Mi`;

/**
 * A ResourceQuota that bounds the namespace (no LoadBalancer or NodePort
 * services: traffic enters through the shared ingress) and a LimitRange that
 * gives every container requests and limits.
 */
export class ResourceGuardrails extends Construct {
  constructor(scope: Construct, id: string, props: ResourceGuardrailsProps) {
    super(scope, id);
    const q = props.quota;
    new ResourceQuotaV1(this, 'Quota', {
      metadata: { name: 'sandbox-quota', namespace: props.namespace },
      spec: {
        hard: {
          'requests.cpu': q.cpu,
          'requests.memory': q.memory,
          'limits.cpu': double(q.cpu, 'cpu'),
          'limits.memory': double(q.memory, 'memory'),
          'requests.storage': q.storage,
          persistentvolumeclaims: String(Math.max(4, Math.floor(q.pods / 4))),
          pods: String(q.pods),
          'services.loadbalancers': '0',
          'services.nodeports': '0',
        },
      },
    });
    new LimitRangeV1(this, 'Limits', {
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
  }
}
