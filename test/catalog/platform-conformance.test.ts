import { existsSync } from 'fs';
import { join } from 'path';
import { loadConfig } from '../../config/load';
import { buildStacks, resources, synthJson, type TerraformJson } from '../fixtures';
import {
  clusterScopeProblems,
  domainFilterProblems,
  gatewayClassProblems,
  issuerSecretProblems,
  listenerSetProblems,
  platformRouteProblems,
  routeEventProblems,
  secretStoreAccountProblems,
  type PlatformRenders,
} from './platform-wiring';
import { CHART_MIRROR, helmTemplate, prefetchTemplates, rendered, withoutPath } from './render';

/**
 * Wiring conformance of the platform: every release of each cloud's platform stack rendered from the
 * real chart (the mirror's archive, or our packaged chart) with the values sandboxkit computed, and
 * what one release relies on of another checked in those renders, as test/catalog does for instances.
 */

const CHARTS_DIR = join(__dirname, '..', '..', 'charts');
const config = loadConfig(join(__dirname, '..', '..', 'examples', 'everything.yaml'));
const stacks = buildStacks(config);
const CLUSTERS = ['aws-all', 'azure-all', 'gcp-all', 'onprem'];

interface Release {
  readonly cluster: string;
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly values: Record<string, unknown>;
}

/** The chart a synthesized release installs: our packaged chart's folder, or the mirror's archive. */
function chartOf(r: any): string {
  const packaged = /SandboxkitChart-(.+)-[0-9a-f]{12}\//.exec(String(r.chart));
  if (packaged) return join(CHARTS_DIR, packaged[1]);
  return join(CHART_MIRROR, `${r.chart}-${r.version}.tgz`);
}

function releasesOf(cluster: string, json: TerraformJson): Release[] {
  return Object.values(resources(json, 'helm_release')).map((r: any) => ({
    cluster,
    name: r.name,
    namespace: r.namespace,
    chart: chartOf(r),
    values: JSON.parse(String(r.values?.[0] ?? '{}').replace(/\$\$\{/g, '${')) as Record<string, unknown>,
  }));
}

const platforms = new Map(
  CLUSTERS.map((c) => [c, releasesOf(c, synthJson(stacks.platforms.get(`platform-${c}`)!))] as const),
);
const all = [...platforms.values()].flat();
const render = (r: Release, values = r.values) => helmTemplate(r.name, r.chart, r.namespace, values);
const rendersOf = (cluster: string, change?: (r: Release) => Record<string, unknown>): PlatformRenders =>
  new Map(platforms.get(cluster)!.map((r) => [r.name, rendered(r.name, render(r, change ? change(r) : r.values))]));
const domainOf = (cluster: string) => config.clusters.find((c) => c.name === cluster)!.ingressDomain!;

/** The kinds instance routes attach to, from a synthesized instance stack. */
const routeParentKinds = [
  ...new Set(
    Object.values(resources(synthJson(stacks.instances.get('instance-open-payments')!), 'kubernetes_manifest'))
      .map((m: any) => m.manifest)
      .filter((m) => m.kind === 'HTTPRoute')
      .flatMap((m) => m.spec.parentRefs.map((p: any) => p.kind ?? 'Gateway')),
  ),
];

/** A copy of a release's values with one path set. */
function withValue(values: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(values)) as Record<string, any>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] ??= {};
  node[path[path.length - 1]] = value;
  return copy;
}

describe('platform conformance with the real charts', () => {
  beforeAll(() => prefetchTemplates(all.map((r) => ({ ...r, release: r.name }))));

  it('renders every platform release of every cloud from a chart the mirror or this repository holds', () => {
    expect(all.filter((r) => !existsSync(r.chart)).map((r) => `${r.cluster}: ${r.chart}`)).toEqual([]);
    for (const r of all) expect(() => rendered(`${r.cluster} ${r.name}`, render(r))).not.toThrow();
    expect(routeParentKinds).toEqual(['ListenerSet']);
  });

  describe.each(CLUSTERS)('platform of %s', (cluster) => {
    it("keeps the sandbox CA's key pair where cert-manager's ClusterIssuers read it", () => {
      expect(issuerSecretProblems(rendersOf(cluster))).toEqual([]);
    });

    it('lets controllers write cluster-scoped objects: no tenant policy reads a namespace they do not have', () => {
      expect(clusterScopeProblems(rendersOf(cluster))).toEqual([]);
    });

    it('names the controller Envoy Gateway is in its GatewayClass', () => {
      expect(gatewayClassProblems(rendersOf(cluster))).toEqual([]);
    });

    it('authenticates the platform secret store as an account the operator chart creates', () => {
      expect(secretStoreAccountProblems(rendersOf(cluster))).toEqual([]);
    });

    it('runs external-dns, where installed, on instance routes through their ListenerSets and in the domain only', () => {
      const renders = rendersOf(cluster);
      expect(renders.has('external-dns')).toBe(cluster !== 'onprem');
      expect(listenerSetProblems(renders, routeParentKinds)).toEqual([]);
      expect(domainFilterProblems(renders, domainOf(cluster))).toEqual([]);
      expect(platformRouteProblems(renders)).toEqual([]);
      expect(routeEventProblems(renders)).toEqual([]);
    });
  });

  describe('fails on a wiring mutation', () => {
    it('of the CA Secret namespace', () => {
      const moved = rendersOf('onprem', (r) =>
        r.name === 'platform-resources'
          ? withValue(r.values, ['issuer', 'clusterResourceNamespace'], 'sandbox-gateway')
          : r.values,
      );
      expect(issuerSecretProblems(moved)).toEqual([
        'ClusterIssuer sandbox-issuer reads Secret sandbox-ca in cert-manager\'s cluster resource namespace "cert-manager", but sandbox-gateway/sandbox-ca writes it',
      ]);
      const elsewhere = rendersOf('onprem', (r) =>
        r.name === 'cert-manager' ? withValue(r.values, ['clusterResourceNamespace'], 'kube-system') : r.values,
      );
      expect(issuerSecretProblems(elsewhere)).toHaveLength(1);
    });

    it('of the listener-set flag', () => {
      const without = rendersOf('aws-all', (r) =>
        r.name === 'external-dns' ? withoutPath(r.values, ['enableGatewayListenerSets']) : r.values,
      );
      expect(listenerSetProblems(without, routeParentKinds)).toEqual([
        'instance routes attach to ListenerSets, but external-dns runs without --gateway-listener-sets',
        'external-dns may not list and watch ListenerSets (its ClusterRole)',
      ]);
    });

    it('of the event trigger', () => {
      const without = rendersOf('aws-all', (r) =>
        r.name === 'external-dns' ? withoutPath(r.values, ['triggerLoopOnEvent']) : r.values,
      );
      expect(routeEventProblems(without)).toEqual([
        'external-dns publishes or removes an instance route only at its next interval (no --events)',
      ]);
    });
  });
});
