// A team's own composition: the cluster in one stack, one sandbox instance in another,
// a building block of their own in the catalog, and only the AWS provider loaded.
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BUILTIN_CATALOG, SandboxInstance, addInstanceProviders, mergeCatalog, type CatalogEntry } from 'sandboxkit';
import { EksCluster, EksClusterLookup, SandboxKmsKey, SandboxVpc } from 'sandboxkit/aws';

const app = new App({ outdir: 'cdktf.out' });

const clusterStack = new TerraformStack(app, 'team-cluster');
new AwsProvider(clusterStack, 'aws', { region: 'eu-central-1' });
const logKey = new SandboxKmsKey(clusterStack, 'LogKey', { alias: 'team-logs', description: 'flow logs' });
const vpc = new SandboxVpc(clusterStack, 'Vpc', {
  clusterName: 'team',
  region: 'eu-central-1',
  cidr: '10.90.0.0/16',
  azCount: 2,
  natGateways: 'per-az',
  logKeyArn: logKey.arn,
});
const cluster = new EksCluster(clusterStack, 'Eks', {
  clusterName: 'team',
  kubernetesVersion: '1.33',
  network: vpc,
  adminPrincipalArns: ['arn:aws:iam::111122223333:role/team-admins'],
  publicAccessCidrs: ['198.51.100.0/24'],
  sharedStorage: false,
});
cluster.addNodePool('arm', { instanceTypes: ['m7g.large', 'm6g.large'], capacity: 'spot', minSize: 0, maxSize: 4 });

const ledger: CatalogEntry = {
  name: 'ledger',
  labels: { kind: 'ledger', version: '2.1.0' },
  chart: { repository: 'oci://registry.example.org/charts', name: 'ledger', version: '2.1.0' },
  resources: { cpu: '200m', memory: '256Mi' },
  needs: { database: 'postgresql' },
  credentials: ['api-key'],
  inject: { databaseHost: 'db.host', credentialsSecret: 'auth.secret', smsApiUrl: 'notify.smsUrl' },
  requires: { strong: [{ matchExpressions: [{ key: 'provides-postgresql', operator: 'Exists' }] }] },
  images: ['registry.example.org/ledger:2.1.0'],
};

const instanceStack = new TerraformStack(app, 'team-sandbox');
new AwsProvider(instanceStack, 'aws', { region: 'eu-central-1' });
const found = new EksClusterLookup(instanceStack, 'Cluster', {
  clusterName: 'team',
  region: 'eu-central-1',
  sharedStorage: false,
});
const sandbox = new SandboxInstance(instanceStack, 'Sandbox', {
  cluster: found,
  instanceName: 'ledger-pr-42',
  owner: 'ci-bot',
  ttlHours: 6,
  blocks: [{ name: 'postgresql' }, { name: 'ledger', values: { replicas: 1 } }],
  catalog: mergeCatalog(BUILTIN_CATALOG, [ledger]),
  mocks: ['sms'],
});
addInstanceProviders(sandbox);

app.synth();
