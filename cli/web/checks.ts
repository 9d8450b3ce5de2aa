import type { ClusterConfig } from '../../config/types';
import type { CliContext } from '../context';
import { kubectl } from '../kube';

/** One seed job or `helm test` pod of an instance, and how it ended. */
export interface CheckResult {
  readonly name: string;
  /** The Helm release it belongs to. */
  readonly release: string;
  readonly outcome: 'succeeded' | 'failed' | 'running';
  readonly finishedAt?: string;
}

export interface InstanceChecks {
  /** The seed-data jobs (datasets loaded into blocks). */
  readonly seeds: readonly CheckResult[];
  /** The pods of the last `sandboxkit instance test` (`helm test`) still in the namespace. */
  readonly tests: readonly CheckResult[];
}

interface KubeItem {
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly status?: {
    readonly phase?: string;
    readonly succeeded?: number;
    readonly failed?: number;
    readonly completionTime?: string;
    readonly conditions?: readonly { type: string; status: string; lastTransitionTime?: string }[];
  };
}

const release = (i: KubeItem) => i.metadata.labels?.['app.kubernetes.io/instance'] ?? i.metadata.name;

function jobResult(job: KubeItem): CheckResult {
  const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  const outcome = job.status?.succeeded ? 'succeeded' : failed ? 'failed' : 'running';
  const finishedAt = job.status?.completionTime ?? failed?.lastTransitionTime;
  return { name: job.metadata.name, release: release(job), outcome, ...(finishedAt ? { finishedAt } : {}) };
}

function testResult(pod: KubeItem): CheckResult {
  const phase = pod.status?.phase;
  return {
    name: pod.metadata.name,
    release: release(pod),
    outcome: phase === 'Succeeded' ? 'succeeded' : phase === 'Failed' ? 'failed' : 'running',
  };
}

/** Sorts the jobs and pods of a namespace into seed results and test results. */
export function checksOf(items: readonly KubeItem[]): InstanceChecks {
  return {
    seeds: items
      .filter((i) => i.kind === 'Job' && i.metadata.labels?.['app.kubernetes.io/name'] === 'seed-data')
      .map(jobResult),
    tests: items.filter((i) => i.kind === 'Pod' && i.metadata.annotations?.['helm.sh/hook'] === 'test').map(testResult),
  };
}

/** The seed and test results of an instance, read in one request; undefined with the reason when it failed. */
export async function readChecks(
  ctx: CliContext,
  cluster: ClusterConfig,
  namespace: string,
): Promise<InstanceChecks | { readonly problem: string }> {
  try {
    const out = await kubectl(ctx, cluster, ['get', 'jobs,pods', '-n', namespace, '-o', 'json']);
    return checksOf((JSON.parse(out) as { items: KubeItem[] }).items);
  } catch (err) {
    return { problem: `seed and test results: ${(err as Error).message.split('\n')[0]}` };
  }
}
