import { clusterLabels } from '../../config/cluster-labels';
import { parseConfig } from '../../config/load';
import type { SandboxConfig } from '../../config/types';
import { matchesExpression } from '../../constructs/instance/match';
import { buildStacks, configFromYaml, configIssues, exampleConfig } from '../fixtures';

const config = (clusterExtra: string, operator = 'Ge') => `
clusters:
  - name: kind
    cloud: existing
    connection: { kind: env }
    storageClasses: { blockRwo: standard }
${clusterExtra}
catalog:
  - name: ledger
    labels: { kind: ledger, version: 1.0.0 }
    chart: { repository: https://charts.example.org, name: ledger, version: 1.0.0 }
    resources: { cpu: 100m, memory: 128Mi }
    images: []
    requires:
      cluster:
        - description: a recent cluster with shared storage
          matchExpressions:
            - { key: kubernetes-version, operator: ${operator}, values: ["1.33"] }
            - { key: storage-rwx, operator: In, values: ["true"] }
instances:
  - name: books
    cluster: kind
    owner: dev
    blocks: [ledger]
`;

describe('requirements on the cluster', () => {
  it.each([
    ['Ge', '1.33', true],
    ['Ge', '1.32', false],
    ['Ge', '1.34.1', true],
    ['Le', '1.33', true],
    ['Le', '1.33.1', false],
    ['Gt', '1.33', false],
    ['Lt', '1.33', false],
  ] as const)('%s 1.33 against %s: %s', (operator, value, expected) => {
    expect(
      matchesExpression({ 'kubernetes-version': value }, { key: 'kubernetes-version', operator, values: ['1.33'] }),
    ).toBe(expected);
  });

  it('publishes cloud, version, region, storage and node pool labels of a cluster, its own labels winning', () => {
    const aws = exampleConfig().clusters.find((c) => c.cloud === 'aws')!;
    const labels = clusterLabels({
      ...aws,
      nodePools: [{ name: 'gpu', labels: { accelerator: 'nvidia' } }],
      labels: { tier: 'gold' },
    });
    expect(labels).toMatchObject({
      cloud: 'aws',
      'kubernetes-version': aws.kubernetesVersion,
      region: aws.region,
      'storage-rwx': 'true',
      'nodes/accelerator': 'nvidia',
      tier: 'gold',
    });
  });

  it('refuses a block whose cluster requirement the cluster does not meet, at the block with its line, naming the cluster facts', () => {
    expect(configIssues(config(''))).toEqual([
      expect.stringMatching(
        /^24 instances\[0\]\.blocks\[0\]: block "ledger" requires a cluster with a recent cluster with shared storage \(kubernetes-version Ge 1\.33, storage-rwx In true\); cluster "kind" has cloud=existing, storage-rwx=false, storage-class=standard; choose another cluster or set its labels$/,
      ),
    ]);
  });

  it('accepts it once the cluster says what it offers', () => {
    const ok = `    storageClasses: { blockRwo: standard, sharedRwx: nfs }\n    labels: { kubernetes-version: "1.34" }`;
    expect(() =>
      parseConfig(config(ok).replace('    storageClasses: { blockRwo: standard }\n', ''), 'reqs.yaml'),
    ).not.toThrow();
    expect(() =>
      parseConfig(config(ok, 'Le').replace('    storageClasses: { blockRwo: standard }\n', ''), 'reqs.yaml'),
    ).toThrow(/kubernetes-version Le 1\.33/);
  });

  it('asks for exactly one version with Ge and Le', () => {
    const text = config('').replace('operator: Ge, values: ["1.33"]', 'operator: Ge, values: ["1.33", "1.34"]');
    expect(configIssues(text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/matchExpressions\[0\]\.values: Ge needs exactly one version/)]),
    );
  });

  it('is checked by the instance construct too, for configs built in code', () => {
    const ok = `    storageClasses: { blockRwo: standard, sharedRwx: nfs }\n    labels: { kubernetes-version: "1.34" }`;
    const valid = configFromYaml(config(ok).replace('    storageClasses: { blockRwo: standard }\n', ''));
    const older: SandboxConfig = {
      ...valid,
      clusters: valid.clusters.map((c) => ({ ...c, labels: { 'kubernetes-version': '1.30' } })),
    };
    expect(() => buildStacks(older)).toThrow(
      /SandboxInstance "books": block "ledger" requires a cluster with .*kubernetes-version Ge 1\.33.*cluster "kind" has .*kubernetes-version=1\.30/,
    );
  });
});
