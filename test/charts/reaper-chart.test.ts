import { parseAllDocuments } from 'yaml';
import { REAPER_IDENTITY } from '../../constructs/platform/instance-reaper';
import { CHARTS_DIR, KUBE_VERSION } from './render';
import { requireTool, run } from '../tools';
import { join } from 'path';

/** The reaper chart as the platform installs it: release `instance-reaper` in the platform namespace. */
const objects: any[] = parseAllDocuments(
  run(requireTool('helm'), [
    'template',
    REAPER_IDENTITY.serviceAccount,
    join(CHARTS_DIR, 'instance-reaper'),
    '--kube-version',
    KUBE_VERSION,
    '--namespace',
    REAPER_IDENTITY.namespace,
  ]),
)
  .map((d) => d.toJS())
  .filter((o) => o);
const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const verbsOn = (rules: any[], resource: string) =>
  rules.filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs);

describe('instance reaper chart', () => {
  it('defines the service account and instance role the instances bind', () => {
    expect(find('ServiceAccount', REAPER_IDENTITY.serviceAccount)).toBeTruthy();
    expect(find('ClusterRole', REAPER_IDENTITY.instanceClusterRole)).toBeTruthy();
  });

  it('only reads namespaces cluster-wide', () => {
    const bindings = objects.filter((o) => o.kind === 'ClusterRoleBinding');
    const rules = bindings.flatMap((b) => find('ClusterRole', b.roleRef.name).rules);
    expect(rules).toEqual([{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] }]);
  });

  it('may scale workloads in an instance namespace, and patch CloudNativePG clusters, but never edit workloads', () => {
    const rules = find('ClusterRole', REAPER_IDENTITY.instanceClusterRole).rules;
    for (const workload of ['deployments', 'statefulsets']) {
      expect(verbsOn(rules, workload)).toEqual(['get', 'list']);
      expect(verbsOn(rules, `${workload}/scale`)).toEqual(['get', 'patch', 'update']);
    }
    expect(verbsOn(rules, 'namespaces')).toEqual(['get', 'delete']);
    // The admission policy lets the patch change the hibernation annotation only (test/cluster: instance reaper).
    expect(verbsOn(rules, 'clusters')).toEqual(['get', 'list', 'patch']);
    expect(rules.flatMap((r: any) => r.resources).sort()).toEqual([
      'clusters',
      'deployments',
      'deployments/scale',
      'namespaces',
      'statefulsets',
      'statefulsets/scale',
    ]);
  });

  it('writes only its own state ConfigMap in its own namespace', () => {
    const role = find('Role', 'instance-reaper-state');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['instance-reaper-state'], verbs: ['get', 'patch'] },
    ]);
    expect(find('ConfigMap', 'instance-reaper-state').data).toBeUndefined();
  });

  it('runs a maintained kubectl image with a shell, pinned to an exact release', () => {
    const cron = find('CronJob', 'instance-reaper');
    const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
    expect(container.image).toMatch(/^docker\.io\/alpine\/kubectl:1\.34\.\d+$/);
    expect(container.command).toEqual(['sh', '/scripts/reap.sh']);
    expect(Object.keys(find('ConfigMap', 'instance-reaper').data).sort()).toEqual(['reap.sh', 'zones.tab']);
  });

  it('keeps deletes and scales of the reaper to labelled instance namespaces at admission as well', () => {
    const policy = find('ValidatingAdmissionPolicy', 'instance-reaper-instances-only');
    expect(policy.spec.matchConditions[0].expression).toBe(
      `request.userInfo.username == "system:serviceaccount:${REAPER_IDENTITY.namespace}:${REAPER_IDENTITY.serviceAccount}"`,
    );
    expect(policy.spec.validations[0].expression).toContain(`"sandbox.dev/instance" in oldObject.metadata.labels`);
    expect(find('ValidatingAdmissionPolicyBinding', 'instance-reaper-instances-only').spec.validationActions).toEqual([
      'Deny',
    ]);
  });

  describe('idle reaping', () => {
    const template = (...set: string[]) =>
      parseAllDocuments(
        run(requireTool('helm'), [
          'template',
          REAPER_IDENTITY.serviceAccount,
          join(CHARTS_DIR, 'instance-reaper'),
          '--kube-version',
          KUBE_VERSION,
          '--namespace',
          REAPER_IDENTITY.namespace,
          ...set.flatMap((v) => ['--set', v]),
        ]),
      )
        .map((d) => d.toJS())
        .filter((o) => o);
    const env = (docs: any[]) =>
      Object.fromEntries(
        docs
          .find((o) => o.kind === 'CronJob')
          .spec.jobTemplate.spec.template.spec.containers[0].env.filter((e: any) => 'value' in e)
          .map((e: any) => [e.name, e.value]),
      );

    it('is off by default and passes its hours and Prometheus to the script when on', () => {
      expect(env(objects)).toMatchObject({ IDLE_HOURS: '0', PROMETHEUS_URL: '' });
      expect(env(template('idle.hours=24', 'idle.prometheusUrl=http://prometheus.monitoring.svc:9090'))).toMatchObject({
        IDLE_HOURS: '24',
        PROMETHEUS_URL: 'http://prometheus.monitoring.svc:9090',
      });
    });

    it("holds the request count to the gateway proxies' namespace, and to their scrape job when given", () => {
      expect(env(objects)).toMatchObject({ PROXY_NAMESPACE: 'sandbox-gateway', PROXY_JOB: '' });
      expect(env(template('idle.proxyJob=monitoring/envoy-gateway-proxies'))).toMatchObject({
        PROXY_JOB: 'monitoring/envoy-gateway-proxies',
      });
      expect(() => template('idle.proxyJob=a"b')).toThrow(/proxyJob/);
    });

    it('refuses idle hours without a Prometheus to count requests with', () => {
      expect(() => template('idle.hours=24')).toThrow(/idle\/prometheusUrl/);
    });

    it('needs no right beyond reading namespaces to find idle ones: their annotations and creation are on the namespace', () => {
      const on = template('idle.hours=24', 'idle.prometheusUrl=http://p:9090');
      const rules = on.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role').flatMap((r) => r.rules);
      expect(rules).toEqual(
        objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role').flatMap((r) => r.rules),
      );
    });
  });

  it('bounds a run: seconds per namespace, per API call and for the whole Job', () => {
    const cron = find('CronJob', 'instance-reaper');
    const env = Object.fromEntries(
      cron.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]),
    );
    expect(env).toMatchObject({ NAMESPACE_SECONDS: '60', REQUEST_TIMEOUT: '20s' });
    expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(600);
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].resources.limits.memory).toBe('128Mi');
  });
});
