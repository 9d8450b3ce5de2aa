import { buildStacks, configFromYaml, configIssues, resources, synthJson, type TerraformJson } from '../fixtures';

/* What a team's own catalog entries can say: indexed injection paths, placeholders in keys, outputs as inputs. */

const values = (json: TerraformJson, name: string) =>
  JSON.parse(Object.values<any>(resources(json, 'helm_release')).find((r) => r.name === name).values[0]);

const CLUSTER = `
clusters:
  - name: kind
    cloud: existing
    connection: { kind: kubeconfig, path: /tmp/kubeconfig, context: kind }
    storageClasses: { blockRwo: standard }
`;
const ENTRY = (name: string, extra: string) => `
  - name: ${name}
    labels: { kind: ${name}, version: 1.0.0, provides-${name}: "true" }
    chart: { repository: https://charts.example.org, name: ${name}, version: 1.0.0 }
    resources: { cpu: 100m, memory: 128Mi }
    images: [registry.example.org/${name}:1.0.0]${extra}`;

describe('catalog entries of a config', () => {
  it('inject into indexed paths, such as an item of an env list', () => {
    const config = configFromYaml(`${CLUSTER}
catalog:${ENTRY(
      'mailer',
      `
    values: { env: [{ name: SMTP_URL, value: "" }] }
    inject: { smtpUrl: "env[0].value" }`,
    )}
instances:
  - { name: one, cluster: kind, owner: dev, blocks: [mailer], mocks: [email] }
`);
    const json = synthJson(buildStacks(config).instances.get('instance-one')!);
    expect(values(json, 'mailer').env).toEqual([
      { name: 'SMTP_URL', value: 'smtp://mock-email.one.svc.cluster.local:1025' },
    ]);
  });

  it('fill placeholders in mapping keys of their values', () => {
    const config = configFromYaml(`${CLUSTER}
catalog:${ENTRY('app', `\n    values: { configs: { "{block}-{instance}.yaml": { owner: "{block}" } } }`)}
instances:
  - { name: one, cluster: kind, owner: dev, blocks: [app] }
`);
    const json = synthJson(buildStacks(config).instances.get('instance-one')!);
    expect(values(json, 'app').configs).toEqual({ 'app-one.yaml': { owner: 'app' } });
  });

  it("take one block's outputs as another's inputs, through the requirement that links them", () => {
    const config = configFromYaml(`${CLUSTER}
catalog:${ENTRY('registry', `\n    outputs: { registryUrl: "http://{block}.{namespace}.svc.cluster.local:5000" }`)}${ENTRY(
      'builder',
      `
    requires: { strong: [{ matchExpressions: [{ key: provides-registry, operator: Exists }] }] }
    inputs: { "push.targets[0].url": registryUrl }`,
    )}
instances:
  - { name: one, cluster: kind, owner: dev, blocks: [registry, builder] }
`);
    const json = synthJson(buildStacks(config).instances.get('instance-one')!);
    expect(values(json, 'builder').push).toEqual({ targets: [{ url: 'http://registry.one.svc.cluster.local:5000' }] });
  });

  it('warn when no required block offers an input, and refuse two that both do', () => {
    const warned = buildStacks(
      configFromYaml(`${CLUSTER}
catalog:${ENTRY('registry', '')}${ENTRY(
        'builder',
        `
    requires: { weak: [{ matchExpressions: [{ key: provides-registry, operator: Exists }] }] }
    inputs: { registry: registryUrl }`,
      )}
instances:
  - { name: one, cluster: kind, owner: dev, blocks: [registry, builder] }
`),
    ).instances.get('instance-one')!;
    synthJson(warned);
    const messages = warned.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
    expect(messages).toContainEqual(
      expect.stringMatching(/block "builder" takes output registryUrl, which no block it requires offers/),
    );

    const two = `${CLUSTER}
catalog:${ENTRY('registry', `\n    outputs: { url: a }`)}${ENTRY('mirror', `\n    outputs: { url: b }`)}${ENTRY(
      'builder',
      `
    requires: { strong: [{ matchExpressions: [{ key: version, operator: Exists }] }] }
    inputs: { url: url }`,
    )}
instances:
  - { name: one, cluster: kind, owner: dev, blocks: [registry, mirror, builder] }
`;
    expect(() => buildStacks(configFromYaml(two))).toThrow(
      /block "builder" takes output "url", which "registry" and "mirror" both offer/,
    );
  });

  it('refuse an input path that is not a dot path', () => {
    const text = `${CLUSTER}
catalog:${ENTRY('builder', `\n    inputs: { "push..url": registryUrl }`)}
`;
    expect(configIssues(text)).toEqual([
      expect.stringMatching(/catalog\[0\]\.inputs\.push\.\.url: must be a dot path such as/),
    ]);
  });
});
