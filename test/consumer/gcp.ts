// A team on Google Cloud only: the root package and `sandboxkit/gcp`, with only the Google provider installed.
import { App, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { BUILTIN_CATALOG, SandboxInstance, mergeCatalog } from 'sandboxkit';
import { GkeClusterLookup } from 'sandboxkit/gcp';
import { connectProviders } from './providers';

const app = new App({ outdir: 'cdktf.out' });
const stack = new TerraformStack(app, 'gke-sandbox');
new GoogleProvider(stack, 'google', { project: 'team-sandbox-1', region: 'europe-west1' });
const cluster = new GkeClusterLookup(stack, 'Cluster', {
  clusterName: 'team',
  project: 'team-sandbox-1',
  region: 'europe-west1',
});
connectProviders(stack, cluster.connection);
new RandomProvider(stack, 'random');
new TimeProvider(stack, 'time');
new SandboxInstance(stack, 'Sandbox', {
  cluster,
  instanceName: 'gke-pr-1',
  owner: 'ci-bot',
  blocks: [{ name: 'valkey' }],
  catalog: mergeCatalog(BUILTIN_CATALOG, []),
});
app.synth();
