import { parseConfig } from '../../config/load';
import { configIssues, MINIMAL_YAML } from '../fixtures';

/** The issues of a config that must fail, as `path: message` lines. */
const problems = (text: string) => configIssues(text, (i) => `${i.path}: ${i.message}`);

const instance = (fields: string) =>
  `${MINIMAL_YAML.replace(/instances:[\s\S]*/, '')}instances:\n  - name: one\n    cluster: kind\n    blocks: [postgresql]\n${fields}`;
const owned = (fields = '') => instance(`    owner: dev\n${fields}`);

const AWS = `
clusters:
  - name: eks
    cloud: aws
    region: eu-west-1
    kubernetesVersion: "1.33"
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admins]
`;

describe('hostile tenant input', () => {
  describe('instance namespaces', () => {
    it.each([
      'default',
      'kube-system',
      'kube-anything',
      'sandbox-platform',
      'sandbox-gateway',
      'cert-manager',
      'external-secrets',
      'cnpg-system',
      'external-dns',
      'monitoring',
    ])('refuses %s as an instance namespace', (ns) => {
      expect(problems(owned(`    namespace: ${ns}\n`))).toEqual([
        expect.stringMatching(
          new RegExp(`^instances\\[0\\]\\.namespace: must not be a (Kubernetes )?system .*got "${ns}"`),
        ),
      ]);
    });

    it('refuses an instance whose name would make it a platform namespace', () => {
      expect(problems(owned().replace('name: one', 'name: monitoring'))).toEqual([
        expect.stringMatching(/^instances\[0\]\.name: must not be a system or platform namespace/),
      ]);
    });

    it('accepts a namespace of its own', () => {
      expect(parseConfig(owned('    namespace: sandbox-dave\n')).instances![0].namespace).toBe('sandbox-dave');
    });
  });

  describe('owners', () => {
    it.each([
      ['owner', 'system:masters'],
      ['owner', 'system:serviceaccount:kube-system:default'],
      ['ownerGroup', 'system:authenticated'],
    ])('refuses the Kubernetes system identity %s "%s"', (field, name) => {
      const fields = field === 'owner' ? `    owner: "${name}"\n` : `    owner: dev\n    ownerGroup: "${name}"\n`;
      expect(problems(instance(fields))).toEqual([
        expect.stringMatching(new RegExp(`^instances\\[0\\]\\.${field}: must not be a Kubernetes system identity`)),
      ]);
    });

    it.each(['"dev\\nroot"', '"dev\\u0000"', '"dev\\tx"', '"\\u001b[31mred"'])(
      'refuses control characters in owner %s',
      (owner) => {
        expect(problems(instance(`    owner: ${owner}\n`))).toEqual([
          'instances[0].owner: must not contain control characters',
        ]);
        expect(problems(instance(`    owner: dev\n    ownerGroup: ${owner}\n`))).toEqual([
          'instances[0].ownerGroup: must not contain control characters',
        ]);
      },
    );
  });

  describe('block values', () => {
    const withValues = (values: string) =>
      owned().replace('blocks: [postgresql]', `blocks:\n      - name: postgresql\n        values: ${values}`);

    it('refuses credentials written as literals, naming each and the way to pass them', () => {
      const found = problems(
        withValues(
          '{ auth: { password: hunter2, postgresPassword: "s3cret", existingSecret: my-secret }, users: [{ apiKey: 12345 }] }',
        ),
      );
      expect(found.map((p) => p.split(': ')[0]).sort()).toEqual([
        'instances[0].blocks[0].values.auth.password',
        'instances[0].blocks[0].values.auth.postgresPassword',
        'instances[0].blocks[0].values.users[0].apiKey',
      ]);
      for (const p of found)
        expect(p).toMatch(
          /looks like a credential .*Terraform state.*catalog `credentials`.*`<block>-credentials` Secret/,
        );
    });

    it('accepts references to Secrets and empty credential fields', () => {
      const ok = parseConfig(
        withValues(
          '{ auth: { existingSecret: pg, usersExistingSecret: pg-users, secretKeys: { adminPasswordKey: password }, password: "" }, tokenFile: /run/token }',
        ),
      );
      expect(ok.instances![0].blocks).toHaveLength(1);
    });

    it('refuses credentials in the values of a catalog entry too', () => {
      const catalog = `${owned()}catalog:\n  - name: custom\n    labels: { kind: x, version: 1.0.0 }\n    chart: { repository: "https://charts.example.org", name: c, version: 1.0.0 }\n    values: { admin: { token: abc } }\n    resources: { cpu: 100m, memory: 64Mi }\n    images: [x:1]\n`;
      expect(problems(catalog)).toEqual([
        expect.stringMatching(/^catalog\[0\]\.values\.admin\.token: looks like a credential/),
      ]);
    });
  });

  it('refuses working hours in a time zone that does not exist', () => {
    expect(problems(owned('    workingHours: Mon-Fri 07:00-19:00 Mars/Olympus\n'))).toEqual([
      'instances[0].workingHours: must end in a known IANA time zone such as Europe/Berlin',
    ]);
    // Aliases the reaper has a rule for are zones like any other.
    expect(
      parseConfig(owned('    workingHours: Mon-Fri 07:00-19:00 US/Pacific\n'), 'ok.yaml').instances?.[0].workingHours,
    ).toBe('Mon-Fri 07:00-19:00 US/Pacific');
  });

  describe('public API endpoints', () => {
    it('refuses EKS ranges wider than /8, however they are split', () => {
      expect(problems(`${AWS}    publicAccessCidrs: [0.0.0.0/1, 128.0.0.0/1, 203.0.113.0/24]\n`)).toEqual([
        'clusters[0].publicAccessCidrs[0]: must not be wider than /8 (publicAccessMinPrefixLength), got 0.0.0.0/1',
        'clusters[0].publicAccessCidrs[1]: must not be wider than /8 (publicAccessMinPrefixLength), got 128.0.0.0/1',
      ]);
    });

    it('takes a tighter bound per cluster', () => {
      expect(problems(`${AWS}    publicAccessMinPrefixLength: 24\n    publicAccessCidrs: [198.51.100.0/22]\n`)).toEqual(
        [
          'clusters[0].publicAccessCidrs[0]: must not be wider than /24 (publicAccessMinPrefixLength), got 198.51.100.0/22',
        ],
      );
    });

    const azure = (fields: string) => `
clusters:
  - name: aks
    cloud: azure
    location: westeurope
    kubernetesVersion: "1.33"
    tenantId: 00000000-0000-4000-8000-000000000001
    adminGroupObjectIds: [00000000-0000-4000-8000-000000000002]
${fields}`;

    it('refuses a public AKS API server without authorized ranges', () => {
      expect(problems(azure('    privateCluster: false\n'))).toEqual([
        expect.stringMatching(/^clusters\[0\]\.authorizedIpRanges: is required when privateCluster is false/),
      ]);
      expect(problems(azure('    privateCluster: false\n    authorizedIpRanges: [0.0.0.0/2]\n'))).toEqual([
        'clusters[0].authorizedIpRanges[0]: must not be wider than /8 (publicAccessMinPrefixLength), got 0.0.0.0/2',
      ]);
    });

    it('refuses a public GKE endpoint without authorized networks, or with wide ones', () => {
      const gcp = (fields: string) => `
clusters:
  - name: gke
    cloud: gcp
    project: sandboxkit-demo
    region: europe-west1
${fields}`;
      expect(problems(gcp('    privateEndpoint: false\n'))).toEqual([
        expect.stringMatching(/^clusters\[0\]\.masterAuthorizedNetworks: is required when privateEndpoint is false/),
      ]);
      expect(
        problems(gcp('    privateEndpoint: false\n    masterAuthorizedNetworks: [{ cidr: 0.0.0.0/4, name: most }]\n')),
      ).toEqual([
        'clusters[0].masterAuthorizedNetworks[0].cidr: must not be wider than /8 (publicAccessMinPrefixLength), got 0.0.0.0/4',
      ]);
    });
  });

  describe('Fargate profiles', () => {
    const fargate = (namespace: string, instances = '') =>
      `${AWS}    fargateProfiles:\n      - name: p\n        selectors: [{ namespace: "${namespace}", labels: { sandbox.dev/compute: fargate } }]\n${instances}`;

    it.each(['*', '**', '?*'])('refuses a selector that matches every namespace (%s)', (pattern) => {
      expect(problems(fargate(pattern))).toEqual([
        expect.stringMatching(
          /^clusters\[0\]\.fargateProfiles\[0\]\.selectors\[0\]\.namespace: must name platform namespaces, not every namespace/,
        ),
      ]);
    });

    it('refuses a selector that matches the namespace of an instance on the cluster', () => {
      const instances = 'instances:\n  - { name: team-a, cluster: eks, owner: dev, blocks: [postgresql] }\n';
      expect(problems(fargate('team-*', instances))).toEqual([
        'clusters[0].fargateProfiles[0].selectors[0].namespace: "team-*" matches the namespace of instance "team-a"; Fargate enforces no NetworkPolicy, so instance pods must stay on node pools',
      ]);
      expect(parseConfig(fargate('sandbox-platform', instances)).clusters).toHaveLength(1);
    });
  });

  describe('EKS owner access', () => {
    it.each([
      ['system:admin', 'must not be a Kubernetes system identity'],
      ['eks:node', 'must not start with eks:, aws:, amazon: or iam:'],
    ])('refuses the user name %s', (username, message) => {
      const text = `${AWS}    ownerAccess: [{ principalArn: "arn:aws:iam::111122223333:role/owner", username: "${username}" }]\n`;
      expect(problems(text)).toEqual([expect.stringContaining(`clusters[0].ownerAccess[0].username: ${message}`)]);
    });
  });
});
