import { Testing, TerraformStack } from 'cdktf';
import { EksCluster } from '../../constructs/aws/eks-cluster';
import { DEFAULT_ADDON_VERSIONS } from '../../constructs/aws/eks-addons';
import { SandboxVpc } from '../../constructs/aws/vpc';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { AwsClusterStack } from '../../stacks/aws-cluster-stack';
import { join } from 'path';
import { loadConfig } from '../../config/load';
import { buildStacks, exampleWith, onlyResource, resources, synthJson, type TerraformJson } from '../fixtures';

const stack = buildStacks().clusters.get('cluster-aws-main') as AwsClusterStack;
const json = synthJson(stack);
/** The resource whose construct path contains `fragment` (logical ids join path parts with "_"). */
const addons = Object.values(resources(json, 'aws_eks_addon')) as any[];
const byPath = (type: string, fragment: string) =>
  Object.entries(resources(json, type)).find(([id]) => id.includes(fragment.replace(/\//g, '_')))?.[1];

/** A bare stack with a provider, for construct-level error tests. */
function bareCluster(overrides: Partial<ConstructorParameters<typeof EksCluster>[2]> = {}) {
  const app = Testing.app();
  const s = new TerraformStack(app, 'test');
  new AwsProvider(s, 'aws', { region: 'eu-west-1' });
  const vpc = new SandboxVpc(s, 'Vpc', {
    clusterName: 't',
    region: 'eu-west-1',
    logKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/x',
  });
  const cluster = new EksCluster(s, 'Cluster', {
    clusterName: 't',
    kubernetesVersion: '1.33',
    network: vpc,
    adminPrincipalArns: ['arn:aws:iam::111122223333:role/a'],
    ...overrides,
  });
  return { stack: s, cluster };
}

describe('AWS cluster stack', () => {
  it('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  describe('network', () => {
    it('spans three zones with private and public subnets tagged for EKS load balancers', () => {
      const subnets = Object.values(resources(json, 'aws_subnet'));
      expect(subnets).toHaveLength(6);
      const priv = subnets.filter((s: any) => s.tags['kubernetes.io/role/internal-elb'] === '1');
      const pub = subnets.filter((s: any) => s.tags['kubernetes.io/role/elb'] === '1');
      expect(priv).toHaveLength(3);
      expect(pub).toHaveLength(3);
      for (const s of subnets as any[]) expect(s.tags['kubernetes.io/cluster/aws-main']).toBe('shared');
      expect(priv.every((s: any) => s.map_public_ip_on_launch !== true)).toBe(true);
    });

    it('uses one NAT gateway when asked for single, one per zone for per-az', () => {
      expect(Object.keys(resources(json, 'aws_nat_gateway'))).toHaveLength(1);
      const perAz = exampleWith((c) => (c.clusters[0].network.natGateways = 'per-az'));
      expect(
        Object.keys(resources(synthJson(buildStacks(perAz).clusters.get('cluster-aws-main')!), 'aws_nat_gateway')),
      ).toHaveLength(3);
    });

    it('logs flows to an encrypted group and leaves the default security group empty', () => {
      expect(onlyResource(json, 'aws_flow_log')).toMatchObject({ traffic_type: 'ALL' });
      expect(byPath('aws_cloudwatch_log_group', 'FlowLogGroup').kms_key_id).toMatch(/aws_kms_key\./);
      const sg = onlyResource(json, 'aws_default_security_group');
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
    });

    it('brings an existing VPC by id instead of creating one', () => {
      const config = exampleWith((c) => {
        c.clusters[0].network = { existing: { vpcId: 'vpc-0abc', privateSubnetIds: ['subnet-01', 'subnet-02'] } };
      });
      const own = synthJson(buildStacks(config).clusters.get('cluster-aws-main')!);
      expect(resources(own, 'aws_vpc')).toEqual({});
      expect(onlyResource(own, 'aws_eks_cluster').vpc_config.subnet_ids).toEqual(['subnet-01', 'subnet-02']);
    });
  });

  describe('control plane', () => {
    const eks = onlyResource(json, 'aws_eks_cluster');

    it('pins the version and encrypts Secrets with a rotating customer key', () => {
      expect(eks.version).toBe('1.33');
      expect(eks.encryption_config).toEqual({
        provider: { key_arn: expect.stringMatching(/^\$\{aws_kms_key\./) },
        resources: ['secrets'],
      });
      for (const key of Object.values(resources(json, 'aws_kms_key')) as any[])
        expect(key.enable_key_rotation).toBe(true);
    });

    it('sends all five log types to a log group with retention, created first', () => {
      expect(eks.enabled_cluster_log_types).toEqual([
        'api',
        'audit',
        'authenticator',
        'controllerManager',
        'scheduler',
      ]);
      const logs = byPath('aws_cloudwatch_log_group', 'ControlPlaneLogs');
      expect(logs).toMatchObject({ name: '/aws/eks/aws-main/cluster', retention_in_days: 90 });
      expect(eks.depends_on).toEqual([expect.stringMatching(/^aws_cloudwatch_log_group\.Cluster_ControlPlaneLogs/)]);
    });

    it('has a private endpoint and no public one by default', () => {
      expect(eks.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
      expect(eks.vpc_config.public_access_cidrs).toBeUndefined();
    });

    it('opens the public endpoint only to listed CIDRs', () => {
      const config = exampleWith((c) => (c.clusters[0].publicAccessCidrs = ['203.0.113.0/24']));
      const own = onlyResource(synthJson(buildStacks(config).clusters.get('cluster-aws-main')!), 'aws_eks_cluster');
      expect(own.vpc_config).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] });
    });

    it('grants admins through access entries in API mode, not the creator', () => {
      expect(eks.access_config).toEqual({
        authentication_mode: 'API',
        bootstrap_cluster_creator_admin_permissions: false,
      });
      expect(onlyResource(json, 'aws_eks_access_entry').principal_arn).toBe(
        'arn:aws:iam::111122223333:role/sandbox-admins',
      );
      expect(onlyResource(json, 'aws_eks_access_policy_association')).toMatchObject({
        policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
        access_scope: { type: 'cluster' },
      });
    });
  });

  describe('node pools', () => {
    const templates = Object.values(resources(json, 'aws_launch_template')) as any[];
    const groups = Object.values(resources(json, 'aws_eks_node_group')) as any[];

    it('require IMDSv2 with a hop limit of 1 and encrypted gp3 root volumes', () => {
      expect(templates).toHaveLength(2);
      for (const t of templates) {
        expect(t.metadata_options).toEqual({
          http_endpoint: 'enabled',
          http_tokens: 'required',
          http_put_response_hop_limit: 1,
        });
        expect(t.block_device_mappings[0].ebs).toMatchObject({
          volume_type: 'gp3',
          encrypted: 'true',
          kms_key_id: expect.stringMatching(/aws_kms_key/),
        });
        expect(t.key_name).toBeUndefined();
      }
    });

    it('carry capacity type, sizes, labels and taints, with no SSH access', () => {
      const batch = groups.find((g) => g.capacity_type === 'SPOT');
      expect(batch).toMatchObject({
        instance_types: ['m6i.xlarge', 'm5.xlarge', 'm6a.xlarge'],
        scaling_config: { min_size: 0, max_size: 10, desired_size: 0 },
        labels: { 'sandbox.dev/pool': 'batch', workload: 'batch' },
        taint: [{ key: 'workload', value: 'batch', effect: 'NO_SCHEDULE' }],
      });
      for (const g of groups) expect(g.remote_access).toBeUndefined();
    });

    it('give nodes only the worker and registry policies', () => {
      const attachments = Object.values(resources(json, 'aws_iam_role_policy_attachment')) as any[];
      const nodeRole = attachments
        .filter((a) => a.role.includes('Cluster_NodeRole'))
        .map((a) => a.policy_arn)
        .sort();
      expect(nodeRole).toEqual([
        'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
        'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      ]);
    });
  });

  describe('Fargate', () => {
    it('runs profiles in private subnets only, for platform namespaces', () => {
      const profile = onlyResource(json, 'aws_eks_fargate_profile');
      expect(profile.subnet_ids).toEqual([
        expect.stringMatching(/Network_Private0/),
        expect.stringMatching(/Network_Private1/),
        expect.stringMatching(/Network_Private2/),
      ]);
      expect(profile.selector).toEqual([
        { namespace: 'sandbox-platform', labels: { 'app.kubernetes.io/name': 'instance-reaper' } },
      ]);
    });

    it.each(['*', '**', '?*'])(
      'refuses a selector matching every namespace ("%s"), which would take instance pods',
      (namespace) => {
        expect(() =>
          bareCluster().cluster.addFargateProfile('f', {
            selectors: [{ namespace, labels: { 'sandbox.dev/compute': 'fargate' } }],
          }),
        ).toThrow(/FargateProfile "f": selectors\[0\]\.namespace must name platform namespaces, not every namespace/);
      },
    );

    it('warns that a Fargate-only cluster can hold no instances', () => {
      const warnings = (stack: TerraformStack) =>
        stack.node
          .findAll()
          .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
      expect(warnings(bareCluster({ fargateOnly: true }).stack)).toEqual([
        expect.stringMatching(/a Fargate-only cluster can hold no instances: Fargate enforces no NetworkPolicy/),
      ]);
      expect(warnings(bareCluster().stack)).toEqual([]);
    });
  });

  describe('owner access', () => {
    const owners = [
      {
        principalArn: 'arn:aws:iam::111122223333:role/alice',
        username: 'alice@example.org',
        groups: ['payments-team'],
      },
    ];

    it('lets owners sign in as their Kubernetes user, with no access policy of their own', () => {
      const own = synthJson(bareCluster({ ownerAccess: owners }).stack);
      const entries = Object.values(resources(own, 'aws_eks_access_entry')) as any[];
      expect(entries.find((e) => e.principal_arn === owners[0].principalArn)).toMatchObject({
        type: 'STANDARD',
        user_name: 'alice@example.org',
        kubernetes_groups: ['payments-team'],
      });
      const policies = Object.values(resources(own, 'aws_eks_access_policy_association')) as any[];
      expect(policies.map((p) => p.principal_arn)).toEqual([expect.stringMatching(/AdminEntry0/)]);
    });

    it('maps the example owner through the config', () => {
      const everything = buildStacks(loadConfig(join(__dirname, '..', '..', 'examples', 'everything.yaml')));
      const entries = Object.values(
        resources(synthJson(everything.clusters.get('cluster-aws-all')!), 'aws_eks_access_entry'),
      ) as any[];
      expect(entries.map((e) => e.user_name)).toContain('alice@example.org');
    });

    it.each([
      [{ username: 'system:masters' }, /ownerAccess\[0\]\.username must not be a Kubernetes system identity/],
      [{ username: 'eks:admin' }, /ownerAccess\[0\]\.username must not start with system:, eks:, aws:, amazon:, iam:/],
      [{ groups: ['system:masters'] }, /ownerAccess\[0\]\.groups\[0\] must not be a Kubernetes system identity/],
      [{ principalArn: 'arn:aws:iam::111122223333:role/a' }, /ownerAccess\[0\]\.principalArn .* is an admin already/],
    ])('refuses owner access %p', (change, message) => {
      expect(() => bareCluster({ ownerAccess: [{ ...owners[0], ...change }] })).toThrow(message);
    });
  });

  describe('add-ons', () => {
    it('are all present at pinned versions', () => {
      expect(Object.fromEntries(addons.map((a) => [a.addon_name, a.addon_version]))).toEqual(DEFAULT_ADDON_VERSIONS);
    });

    it('enable network policy enforcement in the VPC CNI, strict from the first packet of a pod', () => {
      expect(JSON.parse(addons.find((a) => a.addon_name === 'vpc-cni').configuration_values)).toEqual({
        enableNetworkPolicy: 'true',
        env: { NETWORK_POLICY_ENFORCING_MODE: 'strict' },
      });
    });

    it('give the storage drivers IRSA roles trusted by their own service accounts only', () => {
      const trusts = Object.values(json.data!.aws_iam_policy_document) as any[];
      const subjects = trusts.flatMap((d) =>
        (d.statement ?? []).flatMap((s: any) =>
          (s.condition ?? []).filter((c: any) => c.variable.endsWith(':sub')).flatMap((c: any) => c.values),
        ),
      );
      expect(subjects).toEqual(
        expect.arrayContaining([
          'system:serviceaccount:kube-system:ebs-csi-controller-sa',
          'system:serviceaccount:kube-system:efs-csi-controller-sa',
          'system:serviceaccount:kube-system:efs-csi-node-sa',
          'system:serviceaccount:kube-system:aws-node',
          'system:serviceaccount:external-secrets:external-secrets',
        ]),
      );
      const ebs = addons.find((a) => a.addon_name === 'aws-ebs-csi-driver');
      expect(ebs.service_account_role_arn).toMatch(/aws_iam_role\.Cluster_Addons_EbsCsiRole/);
    });
  });

  describe('shared file system', () => {
    const efsTrust = () =>
      Object.entries(json.data!.aws_iam_policy_document as Record<string, any>).find(([id]) =>
        id.includes('Addons_EfsCsiRole_Trust'),
      )![1];

    it('is encrypted with the data key, its mount targets taking NFS from the cluster security group only', () => {
      expect(onlyResource(json, 'aws_efs_file_system')).toMatchObject({
        encrypted: true,
        kms_key_id: expect.stringMatching(/aws_kms_key/),
      });
      expect(Object.keys(resources(json, 'aws_efs_mount_target'))).toHaveLength(3);
      const sg = onlyResource(json, 'aws_security_group');
      expect(sg.ingress).toEqual([
        {
          description: 'NFS from the cluster nodes',
          protocol: 'tcp',
          from_port: 2049,
          to_port: 2049,
          security_groups: [expect.stringMatching(/aws_eks_cluster\.\S+\.vpc_config\[0\]\.cluster_security_group_id/)],
          cidr_blocks: null,
          ipv6_cidr_blocks: null,
          prefix_list_ids: null,
          self: null,
        },
      ]);
      expect(sg.egress).toEqual([]);
      for (const target of Object.values(resources(json, 'aws_efs_mount_target')) as any[])
        expect(target.security_groups).toEqual([expect.stringMatching(/aws_security_group\.Cluster_SharedStorage/)]);
    });

    it('refuses unencrypted transport and anyone but the CSI driver mounting through a mount target', () => {
      const policy = onlyResource(json, 'aws_efs_file_system_policy');
      expect(policy.file_system_id).toMatch(/aws_efs_file_system\./);
      const doc = Object.entries(json.data!.aws_iam_policy_document as Record<string, any>).find(([id]) =>
        id.includes('SharedStorage_AccessPolicy'),
      )![1];
      expect(policy.policy).toContain('SharedStorage_AccessPolicy');
      const fs = expect.stringMatching(/aws_efs_file_system\.\S+\.arn/);
      expect(doc.statement).toEqual([
        {
          sid: 'DenyUnencryptedTransport',
          effect: 'Deny',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['*'],
          resources: [fs],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          sid: 'MountThroughTheCsiDriver',
          effect: 'Allow',
          principals: [
            { type: 'AWS', identifiers: [expect.stringMatching(/aws_iam_role\.Cluster_Addons_EfsCsiRole/)] },
          ],
          actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
          resources: [fs],
          condition: [{ test: 'Bool', variable: 'elasticfilesystem:AccessedViaMountTarget', values: ['true'] }],
        },
      ]);
      // No statement names an anonymous principal: an NFS client without IAM is refused.
      expect(JSON.stringify(doc)).not.toMatch(/"Principal"|anonymous/);
    });

    it('is mounted by the CSI driver, controller and node plugin, with its role, over TLS and IAM', () => {
      expect(efsTrust().statement[0].condition[0].values).toEqual([
        'system:serviceaccount:kube-system:efs-csi-controller-sa',
        'system:serviceaccount:kube-system:efs-csi-node-sa',
      ]);
      const efs = addons.find((a) => a.addon_name === 'aws-efs-csi-driver');
      expect(efs.service_account_role_arn).toMatch(/aws_iam_role\.Cluster_Addons_EfsCsiRole/);
    });
  });

  it('lets the secret operator read only this cluster secrets, decrypting with their key', () => {
    const docs = json.data!.aws_iam_policy_document as Record<string, any>;
    const policy = Object.entries(docs).find(([id]) => id.includes('SecretStore_OperatorRole_PolicyDocument'))![1];
    expect(policy.statement[0]).toEqual({
      actions: [
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
        'secretsmanager:ListSecretVersionIds',
      ],
      resources: [expect.stringMatching(/:secret:sandbox\/aws-main\/\*$/)],
    });
    expect(policy.statement[1]).toEqual({
      actions: ['kms:Decrypt'],
      resources: [expect.stringMatching(/aws_kms_key\.Cluster_SecretStore_Key/)],
      // Only through Secrets Manager, and only for this cluster's secrets.
      condition: [
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: [expect.stringMatching(/^secretsmanager\.\$\{data\.aws_region\.\S+\.region\}\.amazonaws\.com$/)],
        },
        { test: 'StringLike', variable: 'kms:EncryptionContext:SecretARN', values: policy.statement[0].resources },
      ],
    });
    expect(byPath('aws_iam_role', 'SecretStore/OperatorRole').name).toBe('sandbox-aws-main-secret-operator');
  });

  it('tags every taggable resource with sandbox, cluster and owner', () => {
    const tagged = Object.entries(json.resource!)
      .flatMap(([, byId]) => Object.values(byId))
      .filter((r: any) => r.tags);
    expect(tagged.length).toBeGreaterThan(30);
    for (const r of tagged as any[])
      expect(r.tags).toMatchObject({ sandbox: 'sandboxkit', 'sandbox-cluster': 'aws-main', owner: 'platform-team' });
  });

  it('names its outputs for separate runs', () => {
    expect(Object.keys(json.output!).sort()).toEqual([
      'cluster_endpoint',
      'cluster_name',
      'efs_file_system_id',
      'oidc_provider_arn',
      'secret_operator_role_arn',
      'secrets_kms_key_arn',
      'vpc_id',
    ]);
  });

  describe('validation', () => {
    it.each([
      [{ minSize: 5, maxSize: 2 }, /NodePool "p": minSize must be between 0 and maxSize \(2\), got 5/],
      [
        { minSize: 1, maxSize: 3, desiredSize: 4 },
        /NodePool "p": desiredSize must be between minSize \(1\) and maxSize \(3\), got 4/,
      ],
      [
        { capacity: 'spot' as const, instanceTypes: ['m6i.large'] },
        /NodePool "p": spot capacity needs at least two instanceTypes/,
      ],
    ])('refuses node pool %p', (options, message) => {
      expect(() => bareCluster().cluster.addNodePool('p', options)).toThrow(message);
    });

    it('refuses a Fargate profile with more than five selectors', () => {
      const selectors = Array.from({ length: 6 }, (_, i) => ({ namespace: `ns${i}` }));
      expect(() => bareCluster().cluster.addFargateProfile('f', { selectors })).toThrow(
        /FargateProfile "f": selectors must number 1 to 5, got 6/,
      );
    });

    it('refuses a public endpoint CIDR that does not parse or opens everything', () => {
      expect(() => bareCluster({ publicAccessCidrs: ['10.0.0/8'] })).toThrow(
        /EksCluster "Cluster": publicAccessCidrs\[0\] must be an IPv4 CIDR such as 10.0.0.0\/16, got "10.0.0\/8"/,
      );
      expect(() => bareCluster({ publicAccessCidrs: ['0.0.0.0/0'] })).toThrow(
        /publicAccessCidrs\[0\] must not be wider than \/8, got 0.0.0.0\/0/,
      );
    });

    it('refuses ranges that open everything when split in halves, or wider than the bound', () => {
      expect(() => bareCluster({ publicAccessCidrs: ['203.0.113.0/24', '0.0.0.0/1', '128.0.0.0/1'] })).toThrow(
        /publicAccessCidrs\[1\] must not be wider than \/8, got 0.0.0.0\/1/,
      );
      expect(() => bareCluster({ publicAccessCidrs: ['10.0.0.0/8'], publicAccessMinPrefixLength: 16 })).toThrow(
        /publicAccessCidrs\[0\] must not be wider than \/16/,
      );
      const own = onlyResource(synthJson(bareCluster({ publicAccessCidrs: ['10.0.0.0/8'] }).stack), 'aws_eks_cluster');
      expect(own.vpc_config.public_access_cidrs).toEqual(['10.0.0.0/8']);
    });

    it('refuses a network with private subnets in fewer than two zones', () => {
      const network = { vpcId: 'vpc-1', vpcCidr: '10.0.0.0/16', privateSubnetIds: ['subnet-1'], publicSubnetIds: [] };
      expect(() => bareCluster({ network })).toThrow(/network must have private subnets in at least two zones, got 1/);
    });

    it('refuses a version that is not a minor version', () => {
      expect(() => bareCluster({ kubernetesVersion: '1.33.2' })).toThrow(
        /kubernetesVersion must be a minor version such as "1.33", got "1.33.2"/,
      );
    });

    it('refuses a VPC CIDR that is too small or a zone count outside 2-3', () => {
      const app = Testing.app();
      const s = new TerraformStack(app, 'v');
      expect(
        () => new SandboxVpc(s, 'A', { clusterName: 't', region: 'eu-west-1', cidr: '10.0.0.0/24', logKeyArn: 'k' }),
      ).toThrow(/cidr must be a \/16 or larger/);
      expect(
        () => new SandboxVpc(s, 'B', { clusterName: 't', region: 'eu-west-1', azCount: 4, logKeyArn: 'k' }),
      ).toThrow(/azCount must be 2 or 3, got 4/);
    });
  });
});

export type { TerraformJson };
