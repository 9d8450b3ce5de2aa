// A team on Google Cloud only: the root package and `sandboxkit/gcp`, with only the Google provider installed.
import { App, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { SandboxInstance, addInstanceProviders } from 'sandboxkit';
import { GkeClusterLookup } from 'sandboxkit/gcp';

const app = new App({ outdir: 'cdktf.out' });
const stack = new TerraformStack(app, 'gke-sandbox');
new GoogleProvider(stack, 'google', { project: 'team-sandbox-1', region: 'europe-west1' });
const cluster = new GkeClusterLookup(stack, 'Cluster', {
  clusterName: 'team',
  project: 'team-sandbox-1',
  region: 'europe-west1',
});
const instance = new SandboxInstance(stack, 'Sandbox', {
  cluster,
  instanceName: 'gke-pr-1',
  owner: 'ci-bot',
  blocks: [{ name: 'valkey' }],
});
// Kubernetes, Helm (as the instance's own deployer), Random and Time, from the lookup's connection.
addInstanceProviders(instance);
app.synth();
