import { parseConfig } from '../../config/load';
import { configIssues } from '../fixtures';

/** Every issue of a config that must fail, as `line:col path: message`. */
const problems = (text: string) => configIssues(text, (i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);

const KIND = `clusters:
  - name: kind
    cloud: existing
    connection: { kind: env }
    storageClasses: { blockRwo: standard }
`;

const entry = (name: string, provides: string, needs: string) => `  - name: ${name}
    labels: { kind: ${name}, version: 1.0.0, provides-${provides}: "true" }
    chart: { repository: https://charts.example.org, name: ${name}, version: 1.0.0 }
    resources: { cpu: 100m, memory: 128Mi }
    images: []
    requires: { strong: [{ matchExpressions: [{ key: provides-${needs}, operator: Exists }] }] }
`;

describe('config checks across parts of the file', () => {
  it('reports requirement cycles, unmet requirements, RWX and quota problems at once, each at its block or field with a line', () => {
    const text = `${KIND}catalog:
${entry('ping', 'ping', 'pong')}${entry('pong', 'pong', 'ping')}  - name: files
    labels: { kind: files, version: 1.0.0 }
    chart: { repository: https://charts.example.org, name: files, version: 1.0.0 }
    resources: { cpu: "4", memory: 1Gi }
    needs: { storage: rwx }
    images: []
instances:
  - name: loop
    cluster: kind
    owner: dev
    blocks: [ping, pong]
  - name: lonely
    cluster: kind
    owner: dev
    blocks: [workflow]
  - name: big
    cluster: kind
    owner: dev
    blocks: [files, postgresql, valkey]
    mocks: [email, sms]
`;
    expect(problems(text)).toEqual([
      '29:14 instances[0].blocks[0]: blocks "ping" and "pong" require each other (cycle ping -> pong -> ping); one of them must not need the other',
      '33:14 instances[1].blocks[0]: block "workflow" requires a PostgreSQL database, version 14 or newer (provides-postgresql Exists, version Gt 14.0.0), which no other block of the instance (workflow) provides; add a block that does',
      expect.stringMatching(
        /^34:5 instances\[2\]\.size: \d+ blocks, 2 mocks and 0 seed jobs need requests .* CPU .*; the quota of size "small" allows requests 4 CPU and 8Gi, limits 8 CPU and 16Gi, 40 pods \(over: .*\); choose a larger size or set quota$/,
      ),
      '37:14 instances[2].blocks[0]: block "files" needs shared (RWX) storage, which cluster "kind" does not offer (existing clusters: storageClasses.sharedRwx; Google: filestore: true)',
    ]);
  });

  it('reports a quota overrun at size, or at quota when the instance sets one', () => {
    const text = `${KIND}instances:
  - name: big
    cluster: kind
    owner: dev
    size: small
    quota: { cpu: 500m }
    blocks: [postgresql, keycloak]
`;
    expect(problems(text)).toEqual([
      expect.stringMatching(
        /^11:12 instances\[0\]\.quota: 2 blocks, 0 mocks and 0 seed jobs need requests .*; the quota \(size "small" with overrides\) allows requests 0\.5 CPU and 8Gi, limits 1 CPU and 16Gi, 40 pods \(over: requests\.cpu, limits\.cpu\); choose a larger size or set quota$/,
      ),
    ]);
  });

  it('refuses CIDRs with host bits and overlapping ranges, naming both, with the config path', () => {
    const text = `clusters:
  - name: az
    cloud: azure
    location: westeurope
    kubernetesVersion: "1.33"
    tenantId: 00000000-0000-4000-8000-000000000001
    adminGroupObjectIds: [00000000-0000-4000-8000-000000000002]
    authorizedIpRanges: [203.0.113.7/24]
    network:
      vnetCidr: 10.10.0.0/16
      podCidr: 10.10.128.0/17
      nodeSubnetCidr: 10.11.0.0/20
  - name: gke
    cloud: gcp
    project: demo-project-1
    region: europe-west1
    network: { masterCidr: 172.16.0.0/27 }
`;
    expect(problems(text)).toEqual([
      '8:26 clusters[0].authorizedIpRanges[0]: has host bits set: 203.0.113.7/24 is inside network 203.0.113.0/24; write the network address, e.g. 203.0.113.0/24',
      '11:16 clusters[0].network.podCidr: podCidr (10.10.128.0/17) overlaps vnetCidr (10.10.0.0/16); the ranges must be disjoint',
      '12:23 clusters[0].network.nodeSubnetCidr: nodeSubnetCidr (10.11.0.0/20) must lie inside vnetCidr (10.10.0.0/16)',
      '17:28 clusters[1].network.masterCidr: must be a /28, got 172.16.0.0/27',
    ]);
  });

  it('resolves YAML merge keys, so one instance can build on another', () => {
    const config = parseConfig(`${KIND}instances:
  - &base
    name: one
    cluster: kind
    owner: dev
    blocks: [valkey]
  - <<: *base
    name: two
`);
    expect(config.instances?.map((i) => [i.name, i.owner, i.blocks])).toEqual([
      ['one', 'dev', ['valkey']],
      ['two', 'dev', ['valkey']],
    ]);
  });

  it('names a duplicate key and where it is', () => {
    expect(
      problems(
        `${KIND}instances:\n  - name: one\n    cluster: kind\n    owner: dev\n    owner: eve\n    blocks: [valkey]\n`,
      ),
    ).toEqual(['10:5 : duplicate key "owner": a key may appear once in a mapping']);
  });

  it('suggests the block meant', () => {
    expect(problems(`${KIND}instances:\n  - { name: one, cluster: kind, owner: dev, blocks: [postgress] }\n`)).toEqual([
      '7:54 instances[0].blocks[0]: unknown building block "postgress"; did you mean "postgresql"?',
    ]);
  });
});
