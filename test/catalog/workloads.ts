import { bytes, cpuMillis, type Footprint } from '../../constructs/instance/quantity';
import type { K8sObject } from './render';

/** One pod a release runs (or an operator runs for it), with what it asks of the quota. */
export interface PodFacts {
  /** `Kind/name` of the object that makes the pod. */
  readonly owner: string;
  readonly replicas: number;
  readonly spec: any;
  /** Made by an operator from a custom resource; its pod spec is the operator's documented one. */
  readonly byOperator?: boolean;
}

const isTestHook = (o: K8sObject) =>
  /(^|,)\s*test(-success)?\s*(,|$)/.test(o.metadata?.annotations?.['helm.sh/hook'] ?? '');

/**
 * The pods a render runs at once, test hooks left out (an install never runs them). CloudNativePG
 * `Cluster`s become the pods its operator documents: `spec.instances` pods, each with a `postgres`
 * container and a `bootstrap-controller` init container that both take `spec.resources` (the
 * operator's own image runs the init container, so only `spec.imageName` is the block's image).
 * Strimzi's `KafkaNodePool`s and `Kafka`s become the node pods and the entity operator's pod.
 */
export function podsOf(objects: readonly K8sObject[]): PodFacts[] {
  return objects.flatMap((o): PodFacts[] => {
    if (isTestHook(o)) return [];
    const owner = `${o.kind}/${o.metadata.name}`;
    switch (o.kind) {
      case 'Deployment':
      case 'StatefulSet':
        return [{ owner, replicas: o.spec.replicas ?? 1, spec: o.spec.template.spec }];
      case 'Job':
        return [{ owner, replicas: o.spec.parallelism ?? 1, spec: o.spec.template.spec }];
      case 'Pod':
        return [{ owner, replicas: 1, spec: o.spec }];
      case 'CronJob':
        // A block may run a scheduled job only one at a time (a backup): one pod while it runs.
        if (o.spec.concurrencyPolicy !== 'Forbid')
          throw new Error(`${owner}: a block's CronJob must forbid overlapping runs`);
        return [{ owner, replicas: 1, spec: o.spec.jobTemplate.spec.template.spec }];
      case 'DaemonSet':
      case 'ReplicaSet':
        throw new Error(`${owner}: an instance block must not run a ${o.kind}`);
      case 'KafkaNodePool':
        // Strimzi runs each node as a pod with one `kafka` container taking the pool's resources (no init
        // container without rack awareness), from the image of the Kafka the pool belongs to.
        return [
          {
            owner,
            replicas: o.spec.replicas,
            byOperator: true,
            spec: {
              containers: [
                {
                  name: 'kafka',
                  image: kafkaOf(objects, o.metadata.labels['strimzi.io/cluster'])?.spec.kafka.image,
                  resources: o.spec.resources,
                },
              ],
            },
          },
        ];
      case 'Kafka':
        if (!o.spec.entityOperator) return [];
        // The entity operator: one pod with a container for each of the topic and user operators.
        return [
          {
            owner,
            replicas: 1,
            byOperator: true,
            spec: {
              containers: (['topicOperator', 'userOperator'] as const)
                .filter((k) => o.spec.entityOperator[k])
                .map((k) => ({
                  name: k,
                  image: o.spec.entityOperator[k].image,
                  resources: o.spec.entityOperator[k].resources,
                })),
            },
          },
        ];
      case 'Cluster':
        if (!String(o.apiVersion).startsWith('postgresql.cnpg.io/')) return [];
        return [
          {
            owner,
            replicas: o.spec.instances,
            byOperator: true,
            spec: {
              initContainers: [{ name: 'bootstrap-controller', resources: o.spec.resources }],
              containers: [{ name: 'postgres', image: o.spec.imageName, resources: o.spec.resources }],
            },
          },
        ];
      default:
        return [];
    }
  });
}

/** The Kafka custom resource of a Strimzi cluster, by name. */
const kafkaOf = (objects: readonly K8sObject[], name: string) =>
  objects.find(
    (o) => o.kind === 'Kafka' && String(o.apiVersion).startsWith('kafka.strimzi.io/') && o.metadata.name === name,
  );

/** The pods `helm test` would run: the render's test hooks, by hook name. */
export function testHookPods(objects: readonly K8sObject[]): PodFacts[] {
  return objects.filter(isTestHook).flatMap((o): PodFacts[] => {
    const owner = `${o.kind}/${o.metadata.name}`;
    if (o.kind === 'Pod') return [{ owner, replicas: 1, spec: o.spec }];
    if (o.kind === 'Job') return [{ owner, replicas: 1, spec: o.spec.template.spec }];
    return [];
  });
}

const containersOf = (spec: any): any[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];

/** Every container and init container that sets no request or limit for CPU or memory. */
export function unboundedContainers(pods: readonly PodFacts[]): string[] {
  return pods.flatMap((p) =>
    containersOf(p.spec)
      .filter((c) => ['requests', 'limits'].some((k) => ['cpu', 'memory'].some((r) => !c.resources?.[k]?.[r])))
      .map((c) => `${p.owner} container ${c.name}`),
  );
}

/** What one pod counts against a quota: its containers' sum, or its largest init container when larger. */
function effective(spec: any, kind: 'requests' | 'limits', resource: 'cpu' | 'memory'): number {
  const amount = (c: any) => {
    const q = c.resources?.[kind]?.[resource];
    if (q === undefined) return 0;
    return resource === 'cpu' ? cpuMillis(String(q), c.name) : bytes(String(q), c.name);
  };
  const sidecars = (spec.initContainers ?? []).filter((c: any) => c.restartPolicy === 'Always');
  const inits = (spec.initContainers ?? []).filter((c: any) => c.restartPolicy !== 'Always');
  const running = [...spec.containers, ...sidecars].reduce((sum: number, c: any) => sum + amount(c), 0);
  return Math.max(running, ...inits.map(amount));
}

/** Requests, limits and pods of a set of pods, as the ResourceQuota counts them. */
export function footprintOfPods(pods: readonly PodFacts[]): Footprint {
  const sum = (kind: 'requests' | 'limits', resource: 'cpu' | 'memory') =>
    pods.reduce((s, p) => s + effective(p.spec, kind, resource) * p.replicas, 0);
  return {
    requestsCpuMillis: sum('requests', 'cpu'),
    requestsMemoryBytes: sum('requests', 'memory'),
    limitsCpuMillis: sum('limits', 'cpu'),
    limitsMemoryBytes: sum('limits', 'memory'),
    pods: pods.reduce((s, p) => s + p.replicas, 0),
  };
}

/** `kong:3.9` as `docker.io/library/kong:3.9`: an image with its registry, as the bill of materials lists it. */
export function qualified(image: string): string {
  const [first, ...rest] = image.split('/');
  if (rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) return image;
  return `docker.io/${rest.length === 0 ? `library/${image}` : image}`;
}

/** Every image the pods pull (the operator's own image left out). */
export function imagesOf(pods: readonly PodFacts[]): string[] {
  return [
    ...new Set(
      pods.flatMap((p) =>
        containersOf(p.spec)
          .map((c) => c.image)
          .filter((i): i is string => !!i),
      ),
    ),
  ].sort();
}

/**
 * What the restricted Pod Security profile refuses in a pod spec (the profile itself, not the
 * stricter rules of our own charts).
 */
export function restrictedProblems(pod: PodFacts): string[] {
  if (pod.byOperator) return [];
  const spec = pod.spec;
  const podCtx = spec.securityContext ?? {};
  const problems: string[] = [];
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[flag]) problems.push(`${pod.owner}: ${flag}`);
  for (const v of spec.volumes ?? []) if (v.hostPath) problems.push(`${pod.owner}: hostPath volume ${v.name}`);
  for (const c of containersOf(spec)) {
    const ctx = c.securityContext ?? {};
    const at = `${pod.owner} container ${c.name}`;
    if (ctx.privileged) problems.push(`${at}: privileged`);
    if (ctx.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
    if (!(ctx.runAsNonRoot ?? podCtx.runAsNonRoot)) problems.push(`${at}: runAsNonRoot is not true`);
    if ((ctx.runAsUser ?? podCtx.runAsUser) === 0) problems.push(`${at}: runs as user 0`);
    const seccomp = ctx.seccompProfile?.type ?? podCtx.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      problems.push(`${at}: seccompProfile is ${seccomp ?? 'unset'}`);
    if (!(ctx.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at}: does not drop ALL capabilities`);
    const added = (ctx.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (added.length) problems.push(`${at}: adds ${added.join(', ')}`);
  }
  return problems;
}

/** A Secret a pod reads: by name, and the key when it reads one key. */
export interface SecretRef {
  readonly pod: string;
  readonly name: string;
  readonly key?: string;
}

/** Every Secret (and key) the pods read through env, envFrom and volumes; optional references left out. */
export function secretRefsOf(pods: readonly PodFacts[]): SecretRef[] {
  return pods.flatMap((p) => {
    const refs: SecretRef[] = [];
    for (const c of containersOf(p.spec)) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !ref.optional) refs.push({ pod: p.owner, name: ref.name, key: ref.key });
      }
      for (const e of c.envFrom ?? [])
        if (e.secretRef && !e.secretRef.optional) refs.push({ pod: p.owner, name: e.secretRef.name });
    }
    const secretVolume = (s: any) =>
      s.optional
        ? []
        : s.items?.length
          ? s.items.map((i: any) => ({ pod: p.owner, name: s.secretName ?? s.name, key: i.key }))
          : [{ pod: p.owner, name: s.secretName ?? s.name }];
    for (const v of p.spec.volumes ?? []) {
      if (v.secret) refs.push(...secretVolume(v.secret));
      for (const source of v.projected?.sources ?? []) if (source.secret) refs.push(...secretVolume(source.secret));
    }
    return refs;
  });
}

/** Services of a render by name, with their ports, type and selector. */
export function servicesOf(
  objects: readonly K8sObject[],
): Map<string, { ports: number[]; type: string; selector?: Record<string, string> }> {
  return new Map(
    objects
      .filter((o) => o.kind === 'Service')
      .map((o) => [
        o.metadata.name,
        {
          ports: (o.spec.ports ?? []).map((p: any) => Number(p.port)),
          type: o.spec.type ?? 'ClusterIP',
          selector: o.spec.selector,
        },
      ]),
  );
}

/** Whether some pod of the render carries every label of `selector`. */
export function selectsAPod(selector: Record<string, string>, objects: readonly K8sObject[]): boolean {
  return objects.some((o) => {
    const labels = o.spec?.template?.metadata?.labels;
    return labels && Object.entries(selector).every(([k, v]) => labels[k] === v);
  });
}
