import { buildStacks, configFromYaml, configIssues, onlyResource, resources, synthJson } from '../fixtures';

const config = (cluster: string, instance: string) => `
clusters:
  - name: kind
    cloud: existing
    connection: { kind: env }
    storageClasses: { blockRwo: standard }
${cluster}
instances:
  - name: staging
    cluster: kind
    owner: dev
    blocks: [postgresql]
${instance}
`;

describe('protected instances', () => {
  it('are refused on a cluster that does not allow them, at the field with its line', () => {
    expect(configIssues(config('', '    protected: true'))).toEqual([
      expect.stringMatching(
        /^13 instances\[0\]\.protected: cluster "kind" does not allow protected instances; set allowProtectedInstances: true/,
      ),
    ]);
  });

  it('are refused with a ttlHours', () => {
    expect(configIssues(config('    allowProtectedInstances: true', '    protected: true\n    ttlHours: 24'))).toEqual([
      expect.stringMatching(
        /instances\[0\]\.ttlHours: a protected instance never expires; remove ttlHours or protected/,
      ),
    ]);
  });

  it('carry the protected label, no expiry and a protected output', () => {
    const stacks = buildStacks(configFromYaml(config('    allowProtectedInstances: true', '    protected: true')));
    const json = synthJson(stacks.instances.get('instance-staging')!);
    const ns = onlyResource(json, 'kubernetes_namespace_v1').metadata;
    expect(ns.labels['sandbox.dev/protected']).toBe('true');
    expect(ns.annotations).not.toHaveProperty(['sandbox.dev/expires-at']);
    expect(ns.annotations).not.toHaveProperty(['sandbox.dev/ttl-hours']);
    expect(resources(json, 'time_offset')).toEqual({});
    expect(Object.keys(resources(json, 'time_static'))).toHaveLength(1);
    expect(json.output?.protected.value).toBe(true);
    expect(json.output).not.toHaveProperty('expires_at');
    expect(json.output?.created_at.value).toMatch(/time_static\..*\.rfc3339/);
  });

  it('leave ordinary instances as they were: an expiry and no protected label', () => {
    const json = synthJson(
      buildStacks(configFromYaml(config('    allowProtectedInstances: true', ''))).instances.get('instance-staging')!,
    );
    const ns = onlyResource(json, 'kubernetes_namespace_v1').metadata;
    expect(ns.labels).not.toHaveProperty(['sandbox.dev/protected']);
    expect(ns.annotations['sandbox.dev/expires-at']).toMatch(/time_offset/);
    expect(json.output).not.toHaveProperty('protected');
  });
});
