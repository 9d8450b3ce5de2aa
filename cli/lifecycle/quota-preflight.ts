import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { isAbsolute, join } from 'path';
import { parseAllDocuments } from 'yaml';
import type { InstanceConfig } from '../../config/types';
import type { CatalogEntry } from '../../constructs/catalog/types';
import { mockFootprint, type MockKind } from '../../constructs/instance/mocks';
import {
  addFootprints,
  bytes,
  cpuMillis,
  formatCpu,
  formatMemory,
  NO_FOOTPRINT,
  type Footprint,
} from '../../constructs/instance/quantity';
import { blockFootprint } from '../../constructs/instance/quota-check';
import { seedFootprint } from '../../constructs/instance/seed-data';
import type { CliContext } from '../context';
import { NOT_FOUND } from '../tools';

/** A helm_release of a synthesized stack, as far as rendering it goes. */
interface StackRelease {
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly repository?: string;
  readonly version?: string;
  readonly values?: readonly string[];
}

interface StackJson {
  readonly resource?: {
    readonly helm_release?: Record<string, StackRelease>;
    readonly kubernetes_resource_quota_v1?: Record<string, { spec: { hard: Record<string, string> } }>;
    readonly kubernetes_limit_range_v1?: Record<
      string,
      {
        spec: {
          limit: {
            type: string;
            max?: Record<string, string>;
            default?: Record<string, string>;
            default_request?: Record<string, string>;
          }[];
        };
      }
    >;
  };
}

type Quantities = { cpu?: string; memory?: string };
interface RenderedContainer {
  readonly workload: string;
  readonly container: string;
  readonly replicas: number;
  readonly requests: Quantities;
  readonly limits: Quantities;
}

interface Manifest {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  readonly spec?: Record<string, unknown>;
}

type ContainerResources = { requests?: Quantities; limits?: Quantities } | undefined;
type PodSpec = { containers?: { name: string; resources?: ContainerResources }[] };

/** Containers of every workload a rendered chart creates, with the replicas each runs. */
export function renderedContainers(manifests: readonly Manifest[]): RenderedContainer[] {
  const out: RenderedContainer[] = [];
  for (const m of manifests) {
    const spec = m.spec ?? {};
    const name = `${m.kind}/${m.metadata?.name ?? '?'}`;
    let pod: PodSpec | undefined;
    let replicas = 1;
    switch (m.kind) {
      case 'Deployment':
      case 'StatefulSet':
      case 'ReplicaSet':
        pod = (spec.template as { spec?: PodSpec })?.spec;
        replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
        break;
      case 'DaemonSet':
        pod = (spec.template as { spec?: PodSpec })?.spec;
        break;
      case 'Job':
        pod = (spec.template as { spec?: PodSpec })?.spec;
        replicas = typeof spec.parallelism === 'number' ? spec.parallelism : 1;
        break;
      case 'Pod':
        pod = spec as PodSpec;
        break;
      case 'Cluster':
        // A CloudNativePG Cluster: the operator runs `instances` pods with these resources.
        if (typeof spec.instances === 'number') {
          pod = { containers: [{ name: 'postgres', resources: spec.resources as ContainerResources }] };
          replicas = spec.instances;
        }
        break;
    }
    for (const c of pod?.containers ?? [])
      out.push({
        workload: name,
        container: c.name,
        replicas,
        requests: { ...(c.resources?.requests ?? {}) },
        limits: { ...(c.resources?.limits ?? {}) },
      });
  }
  return out;
}

/** The guardrails of the synthesized stack: quota hard limits and the LimitRange of containers. */
function guardrails(stack: StackJson) {
  const hard = Object.values(stack.resource?.kubernetes_resource_quota_v1 ?? {})[0]?.spec.hard ?? {};
  const limit = Object.values(stack.resource?.kubernetes_limit_range_v1 ?? {})[0]?.spec.limit.find(
    (l) => l.type === 'Container',
  );
  return { hard, max: limit?.max ?? {}, defaults: limit?.default ?? {}, defaultRequests: limit?.default_request ?? {} };
}

const cpu = (q: string | number | undefined, what: string) =>
  q === undefined ? undefined : cpuMillis(String(q), what);
const mem = (q: string | number | undefined, what: string) => (q === undefined ? undefined : bytes(String(q), what));

/** Renders one release of the stack with `helm template`; throws with Helm's message when it cannot. */
async function render(ctx: CliContext, dir: string, release: StackRelease, kubeVersion?: string): Promise<Manifest[]> {
  const values = mkdtempSync(join(tmpdir(), 'sandboxkit-render-'));
  try {
    const files = (release.values ?? []).map((v, i) => {
      const file = join(values, `values-${i}.yaml`);
      writeFileSync(file, v);
      return ['-f', file];
    });
    const remote = release.repository && /^[a-z][a-z0-9+.-]*:\/\//i.test(release.repository);
    const chart =
      remote || release.chart.startsWith('oci://') || isAbsolute(release.chart)
        ? release.chart
        : join(dir, release.chart);
    const args = [
      'template',
      release.name,
      release.repository && !remote ? join(release.repository, release.chart) : chart,
      '--namespace',
      release.namespace,
      ...(remote ? ['--repo', release.repository!] : []),
      ...(release.version ? ['--version', release.version] : []),
      ...(kubeVersion ? ['--kube-version', kubeVersion] : []),
      ...files.flat(),
    ];
    const r = await ctx.tools.run('helm', args);
    if (r.code === NOT_FOUND) throw new Error('helm is not installed, so the chart could not be rendered');
    if (r.code !== 0) throw new Error(r.stderr.trim().split('\n').slice(-2).join(' '));
    return parseAllDocuments(r.stdout)
      .map((d) => d.toJS() as Manifest)
      .filter(Boolean);
  } finally {
    rmSync(values, { recursive: true, force: true });
  }
}

type Limits = Record<string, string>;

/**
 * What one rendered container asks, against the LimitRange: its limits within the maximum per container, its
 * requests within its limits; or the value that is no quantity at all, as one problem.
 */
function containerProblems(
  c: RenderedContainer,
  where: string,
  range: { max: Limits; defaults: Limits; defaultRequests: Limits },
): { problems: string[]; footprint: Footprint } | string {
  let limitCpu: number, limitMem: number, reqCpu: number, reqMem: number;
  try {
    limitCpu = cpu(c.limits.cpu ?? range.defaults.cpu, `${where} limits.cpu`) ?? 0;
    limitMem = mem(c.limits.memory ?? range.defaults.memory, `${where} limits.memory`) ?? 0;
    // Kubernetes takes the limit as the request when only the limit is set.
    reqCpu = cpu(c.requests.cpu ?? c.limits.cpu ?? range.defaultRequests.cpu, `${where} requests.cpu`) ?? 0;
    reqMem = mem(c.requests.memory ?? c.limits.memory ?? range.defaultRequests.memory, `${where} requests.memory`) ?? 0;
  } catch (err) {
    return (err as Error).message;
  }
  const problems: string[] = [];
  const maxCpu = cpu(range.max.cpu, 'LimitRange max.cpu');
  const maxMem = mem(range.max.memory, 'LimitRange max.memory');
  if (maxCpu !== undefined && limitCpu > maxCpu)
    problems.push(
      `${where} asks limits.cpu ${formatCpu(limitCpu)}; the instance's LimitRange allows at most ${formatCpu(maxCpu)} CPU per container`,
    );
  if (maxMem !== undefined && limitMem > maxMem)
    problems.push(
      `${where} asks limits.memory ${formatMemory(limitMem)}; the instance's LimitRange allows at most ${formatMemory(maxMem)} per container`,
    );
  if (reqCpu > limitCpu && c.requests.cpu !== undefined)
    problems.push(`${where} asks requests.cpu ${formatCpu(reqCpu)} above its limits.cpu ${formatCpu(limitCpu)}`);
  if (reqMem > limitMem && c.requests.memory !== undefined)
    problems.push(
      `${where} asks requests.memory ${formatMemory(reqMem)} above its limits.memory ${formatMemory(limitMem)}`,
    );
  return {
    problems,
    footprint: {
      requestsCpuMillis: reqCpu * c.replicas,
      requestsMemoryBytes: reqMem * c.replicas,
      limitsCpuMillis: limitCpu * c.replicas,
      limitsMemoryBytes: limitMem * c.replicas,
      pods: 0,
    },
  };
}

export interface QuotaPreflightInput {
  /** The synthesized stack's folder. */
  readonly dir: string;
  readonly spec: InstanceConfig;
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
  /** The API server's version, for charts that check it. @default - Helm's */
  readonly kubeVersion?: string;
}

const describe = (f: Footprint) =>
  `requests ${formatCpu(f.requestsCpuMillis)} CPU and ${formatMemory(f.requestsMemoryBytes)}, limits ${formatCpu(f.limitsCpuMillis)} CPU and ${formatMemory(f.limitsMemoryBytes)}`;

/**
 * Checks the values of the instance's blocks against its guardrails before anything is applied: each block that
 * has values of its own is rendered with `helm template` (the chart and values of the synthesized stack), and every
 * container it runs must fit the LimitRange's maximum per container; the rendered requests and limits, times their
 * replicas, plus the catalog's footprint of the other blocks, mocks and seed jobs, must fit the ResourceQuota.
 * Returns the problems, each naming the block, the workload and the value; empty when everything fits.
 */
export async function quotaPreflight(ctx: CliContext, input: QuotaPreflightInput): Promise<string[]> {
  const stack = JSON.parse(readFileSync(join(input.dir, 'cdk.tf.json'), 'utf8')) as StackJson;
  const { hard, max, defaults, defaultRequests } = guardrails(stack);
  const valued = new Set(
    input.spec.blocks
      .filter((b) => typeof b !== 'string' && b.values && Object.keys(b.values).length > 0)
      .map((b) => (typeof b === 'string' ? b : b.name)),
  );
  if (valued.size === 0) return [];
  const releases = Object.values(stack.resource?.helm_release ?? {});
  const problems: string[] = [];
  let total = NO_FOOTPRINT;
  for (const block of input.spec.blocks) {
    const name = typeof block === 'string' ? block : block.name;
    const entry = input.catalog.get(name);
    const release = releases.find((r) => r.name === name);
    if (!valued.has(name) || !release) {
      if (entry) total = addFootprints(total, blockFootprint({ name, entry }));
      continue;
    }
    let containers: RenderedContainer[];
    try {
      containers = renderedContainers(await render(ctx, input.dir, release, input.kubeVersion));
    } catch (err) {
      problems.push(
        `block "${name}": its chart could not be rendered with the instance's values: ${(err as Error).message}`,
      );
      continue;
    }
    for (const c of containers) {
      const where = `block "${name}": ${c.workload} container "${c.container}"`;
      const problem = containerProblems(c, where, { max, defaults, defaultRequests });
      if (typeof problem === 'string') {
        problems.push(problem);
        continue;
      }
      problems.push(...problem.problems);
      total = addFootprints(total, problem.footprint);
    }
    total = addFootprints(total, { ...NO_FOOTPRINT, pods: new Set(containers.map((c) => c.workload)).size });
  }
  for (const kind of input.spec.mocks ?? []) total = addFootprints(total, mockFootprint(kind as MockKind));
  for (let i = 0; i < (input.spec.datasets ?? []).length; i++) total = addFootprints(total, seedFootprint());
  const allowed = {
    requestsCpuMillis: cpu(hard['requests.cpu'], 'quota requests.cpu'),
    requestsMemoryBytes: mem(hard['requests.memory'], 'quota requests.memory'),
    limitsCpuMillis: cpu(hard['limits.cpu'], 'quota limits.cpu'),
    limitsMemoryBytes: mem(hard['limits.memory'], 'quota limits.memory'),
  };
  const over = (Object.keys(allowed) as (keyof typeof allowed)[]).filter(
    (k) => allowed[k] !== undefined && total[k] > allowed[k]!,
  );
  if (over.length)
    problems.push(
      `the blocks (${[...valued].join(', ')} as rendered with their values, the rest as the catalog sizes them), mocks and seed jobs need ${describe(total)}; the instance's ResourceQuota allows ${describe({ ...NO_FOOTPRINT, ...Object.fromEntries(Object.entries(allowed).map(([k, v]) => [k, v ?? 0])) })}: choose a larger size, set quota, or lower the values`,
    );
  return problems;
}
