import {
  buildStacks,
  configFromYaml,
  configIssues,
  onlyResource,
  resources,
  synthJson,
  type TerraformJson,
} from '../fixtures';

const config = (platform: string, instance: string, extraCluster = '') => `
clusters:
  - name: kind
    cloud: existing
    connection: { kind: env }
    storageClasses: { blockRwo: standard }
    platform: { ${platform} }
${extraCluster}
instances:
  - name: preview
    cluster: kind
    owner: dev
    blocks: [postgresql]
${instance}
`;

const releases = (j: TerraformJson) =>
  Object.fromEntries(Object.values(resources(j, 'helm_release')).map((r: any) => [r.name, r]));
const values = (j: TerraformJson, name: string) => JSON.parse(releases(j)[name].values[0]);
const platform = (text: string) => synthJson(buildStacks(configFromYaml(text)).platforms.get('platform-kind')!);
const namespaceOf = (text: string) =>
  onlyResource(
    synthJson(buildStacks(configFromYaml(text)).instances.get('instance-preview')!),
    'kubernetes_namespace_v1',
  ).metadata;

describe('idle reaping', () => {
  it("gives the reaper the idle hours and the platform's Prometheus, which scrapes the gateway's proxies", () => {
    const j = platform(config('monitoring: true, idleHours: 24', ''));
    expect(values(j, 'instance-reaper').idle).toEqual({
      hours: 24,
      prometheusUrl: 'http://monitoring-kube-prometheus-prometheus.monitoring.svc:9090',
      // Only the series of the proxies' own scrape job, in the gateway's namespace, count.
      proxyNamespace: 'sandbox-gateway',
      proxyJob: 'monitoring/envoy-gateway-proxies',
    });
    expect(values(j, 'monitoring').prometheus.additionalPodMonitors).toEqual([
      {
        name: 'envoy-gateway-proxies',
        namespaceSelector: { matchNames: ['sandbox-gateway'] },
        selector: {
          matchLabels: {
            'app.kubernetes.io/name': 'envoy',
            'app.kubernetes.io/component': 'proxy',
            'app.kubernetes.io/managed-by': 'envoy-gateway',
          },
        },
        podMetricsEndpoints: [{ port: 'metrics', path: '/stats/prometheus' }],
      },
    ]);
  });

  it('uses a Prometheus the config names instead, without the platform monitoring', () => {
    const j = platform(config('idleHours: 72, prometheusUrl: "http://prometheus.observability.svc:9090"', ''));
    expect(values(j, 'instance-reaper').idle).toEqual({
      hours: 72,
      prometheusUrl: 'http://prometheus.observability.svc:9090',
      // Another Prometheus names its scrape jobs its own way: only the proxies' namespace is held.
      proxyNamespace: 'sandbox-gateway',
      proxyJob: '',
    });
    expect(releases(j)).not.toHaveProperty('monitoring');
  });

  it('is off unless asked for, even with monitoring', () => {
    expect(values(platform(config('monitoring: true', '')), 'instance-reaper')).not.toHaveProperty('idle');
  });

  it("puts an instance's own idle hours, or never, on its namespace for the reaper, and nothing else of idleness", () => {
    expect(namespaceOf(config('monitoring: true', '    idleHours: 8')).annotations['sandbox.dev/idle-hours']).toBe('8');
    expect(
      namespaceOf(config('monitoring: true, idleHours: 24', '    idleHours: never')).annotations[
        'sandbox.dev/idle-hours'
      ],
    ).toBe('never');
    const plain = namespaceOf(config('monitoring: true, idleHours: 24', ''));
    expect(plain.annotations).not.toHaveProperty(['sandbox.dev/idle-hours']);
    // The apply stamp comes from the CLI after each apply: a synthesized stack holds no clock.
    expect(plain.annotations).not.toHaveProperty(['sandbox.dev/last-applied-at']);
  });

  it('is refused without a Prometheus, past its retention, or on a protected instance, at the field with its line', () => {
    expect(configIssues(config('idleHours: 24', ''))).toEqual([
      expect.stringMatching(
        /^7 clusters\[0\]\.platform\.idleHours: idle reaping counts requests with Prometheus: set platform\.monitoring: true or platform\.prometheusUrl on cluster "kind"/,
      ),
    ]);
    expect(configIssues(config('monitoring: true, idleHours: 200', ''))).toEqual([
      expect.stringMatching(
        /clusters\[0\]\.platform\.idleHours: must be at most 168: the platform's Prometheus keeps 168 hours/,
      ),
    ]);
    expect(configIssues(config('', '    idleHours: 12'))).toEqual([
      expect.stringMatching(/^14 instances\[0\]\.idleHours: idle reaping counts requests with Prometheus/),
    ]);
    expect(configIssues(config('monitoring: true', '    idleHours: 0'))).toEqual([
      expect.stringMatching(/instances\[0\]\.idleHours: must be/),
    ]);
    expect(configIssues(config('monitoring: true', '    idleHours: soon'))).toEqual([
      expect.stringMatching(/instances\[0\]\.idleHours: must be a whole number of hours from 1 to 720, or "never"/),
    ]);
    expect(
      configIssues(
        config('monitoring: true', '    protected: true\n    idleHours: 12', '    allowProtectedInstances: true'),
      ),
    ).toEqual([
      expect.stringMatching(
        /instances\[0\]\.idleHours: a protected instance is never reaped; remove idleHours or protected/,
      ),
    ]);
  });
});
