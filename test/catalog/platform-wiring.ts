import type { K8sObject } from './render';

/**
 * What one platform's releases must agree on, read from their renders: each function returns the
 * problems it finds, as sentences naming both sides, so a mutation of either side fails a test.
 */
export type PlatformRenders = ReadonlyMap<string, readonly K8sObject[]>;

const ofKind = (objects: readonly K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

/** The containers of a release's Deployment, by Deployment name and container name. */
export function deploymentContainer(
  objects: readonly K8sObject[],
  deployment: string,
  container?: string,
): { namespace: string; container: any } | undefined {
  const d = ofKind(objects, 'Deployment').find((o) => o.metadata.name === deployment);
  if (!d) return undefined;
  const containers = d.spec.template.spec.containers as any[];
  const c = container ? containers.find((x) => x.name === container) : containers[0];
  return c ? { namespace: d.metadata.namespace, container: c } : undefined;
}

/** A container's argument `--name=value` (the last one given), with `$(VAR)` resolved as the kubelet does. */
export function flagValue(container: any, namespace: string, name: string): string | undefined {
  const env = new Map<string, string>(
    (container.env ?? []).map((e: any) => [
      e.name,
      e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace' ? namespace : String(e.value ?? ''),
    ]),
  );
  const args = [...(container.command ?? []), ...(container.args ?? [])] as string[];
  const given = args.filter((a) => a === `--${name}` || a.startsWith(`--${name}=`)).pop();
  if (given === undefined) return undefined;
  const value = given === `--${name}` ? 'true' : given.slice(name.length + 3);
  return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env.get(v) ?? m);
}

/** A route's records follow the route as it is created and deleted, not the next interval: `--events`. */
export function routeEventProblems(renders: PlatformRenders): string[] {
  const objects = renders.get('external-dns');
  if (!objects) return [];
  const dns = deploymentContainer(objects, 'external-dns');
  if (!dns) return ['external-dns renders no Deployment "external-dns"'];
  return flagValue(dns.container, dns.namespace, 'events') === 'true'
    ? []
    : ['external-dns publishes or removes an instance route only at its next interval (no --events)'];
}

/**
 * The CA ClusterIssuer reads its Secret from cert-manager's cluster resource namespace (the controller's
 * `--cluster-resource-namespace`, its own namespace when unset): a Certificate there must write that Secret.
 */
export function issuerSecretProblems(renders: PlatformRenders): string[] {
  const controller = deploymentContainer(renders.get('cert-manager') ?? [], 'cert-manager', 'cert-manager-controller');
  if (!controller) return ['cert-manager renders no controller Deployment "cert-manager"'];
  const clusterResourceNamespace =
    flagValue(controller.container, controller.namespace, 'cluster-resource-namespace') ?? controller.namespace;
  const all = [...renders.values()].flat();
  const certificates = ofKind(all, 'Certificate');
  return ofKind(all, 'ClusterIssuer')
    .filter((i) => i.spec.ca)
    .flatMap((issuer) => {
      const secret = issuer.spec.ca.secretName;
      const writers = certificates.filter((c) => c.spec.secretName === secret);
      if (writers.some((c) => c.metadata.namespace === clusterResourceNamespace)) return [];
      const where = writers.map((c) => `${c.metadata.namespace}/${c.metadata.name}`).join(', ') || 'nothing';
      return [
        `ClusterIssuer ${issuer.metadata.name} reads Secret ${secret} in cert-manager's cluster resource namespace ` +
          `"${clusterResourceNamespace}", but ${where} writes it`,
      ];
    });
}

/**
 * external-dns publishes a route's host names only through parents it follows: a route attached to a
 * ListenerSet needs `--gateway-listener-sets` and the right to read ListenerSets.
 */
export function listenerSetProblems(renders: PlatformRenders, routeParentKinds: readonly string[]): string[] {
  const objects = renders.get('external-dns');
  if (!objects) return [];
  const dns = deploymentContainer(objects, 'external-dns');
  if (!dns) return ['external-dns renders no Deployment "external-dns"'];
  const problems: string[] = [];
  const sources = (dns.container.args as string[]).filter((a) => a.startsWith('--source=')).map((a) => a.slice(9));
  if (!sources.includes('gateway-httproute')) problems.push('external-dns does not read HTTPRoutes (--source)');
  if (routeParentKinds.includes('ListenerSet')) {
    if (flagValue(dns.container, dns.namespace, 'gateway-listener-sets') !== 'true')
      problems.push('instance routes attach to ListenerSets, but external-dns runs without --gateway-listener-sets');
    const rules = ofKind(objects, 'ClusterRole').flatMap((r) => r.rules ?? []);
    const reads = rules.some(
      (r: any) =>
        r.apiGroups?.includes('gateway.networking.k8s.io') &&
        r.resources?.includes('listenersets') &&
        ['list', 'watch'].every((v) => r.verbs?.includes(v)),
    );
    if (!reads) problems.push('external-dns may not list and watch ListenerSets (its ClusterRole)');
  }
  return problems;
}

/** external-dns writes names under the ingress domain only. */
export function domainFilterProblems(renders: PlatformRenders, domain: string): string[] {
  const dns = deploymentContainer(renders.get('external-dns') ?? [], 'external-dns');
  if (!dns) return [];
  const filters = (dns.container.args as string[])
    .filter((a) => a.startsWith('--domain-filter='))
    .map((a) => a.slice(16));
  return filters.length === 1 && filters[0] === domain
    ? []
    : [`external-dns filters domains ${JSON.stringify(filters)}, expected exactly ["${domain}"]`];
}

/** The GatewayClass names the controller that Envoy Gateway's configuration says it is. */
export function gatewayClassProblems(renders: PlatformRenders): string[] {
  const config = ofKind(renders.get('envoy-gateway') ?? [], 'ConfigMap').find(
    (c) => c.metadata.name === 'envoy-gateway-config',
  );
  if (!config) return ['envoy-gateway renders no ConfigMap envoy-gateway-config'];
  const controllerName = /controllerName:\s*(\S+)/.exec(config.data['envoy-gateway.yaml'])?.[1];
  return ofKind(renders.get('platform-resources') ?? [], 'GatewayClass')
    .filter((c) => c.spec.controllerName !== controllerName)
    .map(
      (c) =>
        `GatewayClass ${c.metadata.name} names controller ${c.spec.controllerName}, Envoy Gateway is ${controllerName}`,
    );
}

/** A ClusterSecretStore that authenticates as a service account names the one the operator's chart creates. */
export function secretStoreAccountProblems(renders: PlatformRenders): string[] {
  const operator = renders.get('external-secrets') ?? [];
  const accounts = new Set(ofKind(operator, 'ServiceAccount').map((a) => `${a.metadata.namespace}/${a.metadata.name}`));
  const refs = ofKind(renders.get('platform-resources') ?? [], 'ClusterSecretStore').flatMap(
    (store) => JSON.stringify(store.spec.provider).match(/"serviceAccountRef":\{[^}]*\}/g) ?? [],
  );
  return refs
    .map((text) => JSON.parse(`{${text}}`).serviceAccountRef)
    .filter((ref) => !accounts.has(`${ref.namespace}/${ref.name}`))
    .map((ref) => `the ClusterSecretStore authenticates as ${ref.namespace}/${ref.name}, which no chart creates`);
}

/**
 * external-dns publishes a route without host names under its listener's host name (`*.<domain>` for the platform
 * Gateway's listener): every platform route must name its hosts or opt out with the controller annotation.
 */
export function platformRouteProblems(renders: PlatformRenders): string[] {
  if (!renders.has('external-dns')) return [];
  return [...renders.values()]
    .flat()
    .filter((o) => o.kind === 'HTTPRoute' && !(o.spec.hostnames ?? []).length)
    .filter((o) => {
      const controller = o.metadata.annotations?.['external-dns.alpha.kubernetes.io/controller'];
      return controller === undefined || controller === 'dns-controller';
    })
    .map(
      (o) =>
        `HTTPRoute ${o.metadata.namespace}/${o.metadata.name} names no host: external-dns would publish its listener's`,
    );
}

/**
 * A tenant policy whose conditions read `request.namespace` must not match cluster-scoped objects: those requests
 * have no namespace, the condition errors, and with `failurePolicy: Fail` every controller's write to a
 * cluster-scoped object (a GatewayClass finalizer, a webhook's CA bundle) is denied.
 */
export function clusterScopeProblems(renders: PlatformRenders): string[] {
  return (renders.get('tenant-policies') ?? [])
    .filter((o) => o.kind === 'ValidatingAdmissionPolicy')
    .filter((p) => JSON.stringify(p.spec.matchConditions ?? []).includes('request.namespace'))
    .flatMap((p) =>
      (p.spec.matchConstraints?.resourceRules ?? [])
        .filter((r: any) => r.resources?.includes('*') && r.scope !== 'Namespaced')
        .map(
          () =>
            `ValidatingAdmissionPolicy ${p.metadata.name} reads request.namespace but matches cluster-scoped objects`,
        ),
    );
}
