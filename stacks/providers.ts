import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { TerraformStack } from 'cdktf';
import type { ClusterConfig } from '../config/types';

/** Tags every cloud resource of a cluster carries, whatever stack creates it. */
export function clusterTags(cluster: ClusterConfig, extra: Record<string, string> = {}): Record<string, string> {
  return {
    sandbox: 'sandboxkit',
    'sandbox-cluster': cluster.name,
    owner: cluster.owner ?? 'platform',
    ...cluster.tags,
    ...extra,
  };
}

/*
 * Each cloud's provider package is loaded only when a cluster on that cloud needs it: the
 * packages are optional peers, and loading one costs a noticeable part of a small synth.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const awsProvider = () =>
  (require('@cdktf/provider-aws/lib/provider') as { AwsProvider: typeof AwsProvider }).AwsProvider;
const azurermProvider = () =>
  (require('@cdktf/provider-azurerm/lib/provider') as { AzurermProvider: typeof AzurermProvider }).AzurermProvider;
const googleProvider = () =>
  (require('@cdktf/provider-google/lib/provider') as { GoogleProvider: typeof GoogleProvider }).GoogleProvider;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The cloud provider a stack needs to create or look up a cluster's resources; none for existing clusters. */
export function addCloudProvider(stack: TerraformStack, cluster: ClusterConfig, tags: Record<string, string>): void {
  switch (cluster.cloud) {
    case 'aws':
      new (awsProvider())(stack, 'aws', { region: cluster.region, defaultTags: [{ tags }] });
      return;
    case 'azure':
      new (azurermProvider())(stack, 'azurerm', {
        features: [{}],
        subscriptionId: cluster.subscriptionId,
        storageUseAzuread: true,
      });
      return;
    case 'gcp': {
      const google = new (googleProvider())(stack, 'google', { project: cluster.project, region: cluster.region });
      // cdktf snake-cases the keys of provider maps (sandbox-instance would become sandbox_instance); an override does not.
      google.addOverride('default_labels', googleLabels(tags));
      return;
    }
    case 'existing':
      return;
  }
}

/** Google labels allow lower-case letters, digits, "-" and "_" only. */
export function googleLabels(tags: Record<string, string>): Record<string, string> {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '_')
      .slice(0, 63);
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [clean(k), clean(v)]));
}
