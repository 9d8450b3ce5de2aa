import type { App, TerraformStack } from 'cdktf';
import { poolMembership } from '../config/instance-groups';
import type { ClusterConfig, SandboxConfig, StateBackendConfig } from '../config/types';
import { mergeCatalog } from '../constructs/catalog/merge';
import type { CatalogEntry } from '../constructs/catalog/types';
import type { SharedBlockUser } from '../constructs/shared/shared-plan';
import { BUILTIN_CATALOG } from '../constructs/catalog/builtin';
import type { AwsClusterStack } from './aws-cluster-stack';
import type { AzureClusterStack } from './azure-cluster-stack';
import { ExistingClusterStack } from './existing-cluster-stack';
import type { GcpClusterStack } from './gcp-cluster-stack';
import { InstanceStack } from './instance-stack';
import { PlatformStack } from './platform-stack';
import { SharedStack } from './shared-stack';
import { StateStack, stateStackName } from './state-stack';
import type { StackSelection } from '../synth/shards';

const LOCAL_STATE: StateBackendConfig = { backend: 'local' };

/** The stacks built from one config, by stack name. */
export interface SandboxStacks {
  readonly clusters: ReadonlyMap<string, TerraformStack>;
  readonly platforms: ReadonlyMap<string, PlatformStack>;
  readonly instances: ReadonlyMap<string, InstanceStack>;
  /** Stacks that create remote state locations the config asks to create. */
  readonly states: ReadonlyMap<string, StateStack>;
  /** Shared blocks of each cluster that declares some. */
  readonly shared: ReadonlyMap<string, SharedStack>;
}

/**
 * Adds one cluster stack and one platform stack per cluster, and one instance stack
 * per instance; with `selection`, only the stacks it names (instance stacks never
 * depend on each other or on the base stacks' objects, so any subset builds alone).
 */
export function buildSandbox(app: App, config: SandboxConfig, selection?: StackSelection): SandboxStacks {
  const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
  const clusters = new Map<string, TerraformStack>();
  const platforms = new Map<string, PlatformStack>();
  const instances = new Map<string, InstanceStack>();
  const states = new Map<string, StateStack>();
  const shared = new Map<string, SharedStack>();
  const byName = new Map(config.clusters.map((c) => [c.name, c]));
  const stateOf = (cluster: ClusterConfig) => cluster.state ?? config.state ?? LOCAL_STATE;

  const base = selection?.base ?? true;
  for (const state of base ? [config.state, ...config.clusters.map((c) => c.state)] : []) {
    if (!state || state.backend === 'local' || !state.create || states.has(stateStackName(state))) continue;
    states.set(stateStackName(state), new StateStack(app, { state }));
  }
  for (const cluster of base ? config.clusters : []) {
    const state = stateOf(cluster);
    const stack = clusterStack(app, cluster, state);
    clusters.set(stack.node.id, stack);
    const platform = new PlatformStack(app, { cluster, state });
    platforms.set(platform.node.id, platform);
    if (cluster.sharedBlocks?.length) {
      const sharedStack = new SharedStack(app, {
        cluster,
        catalog,
        state,
        users: sharedBlockUsers(config, cluster, catalog),
      });
      shared.set(sharedStack.node.id, sharedStack);
    }
  }
  for (const instance of config.instances ?? []) {
    if (selection && !selection.instances.has(instance.name)) continue;
    const cluster = byName.get(instance.cluster);
    if (!cluster) throw new Error(`instance "${instance.name}": cluster "${instance.cluster}" is not declared`);
    const stack = new InstanceStack(app, {
      cluster,
      instance,
      catalog,
      state: stateOf(cluster),
      pool: poolMembership(config, instance.name),
    });
    instances.set(stack.node.id, stack);
  }
  return { clusters, platforms, instances, states, shared };
}

/** The instances of `cluster` that use some of its shared blocks, with the catalog entries of their blocks. */
function sharedBlockUsers(
  config: SandboxConfig,
  cluster: ClusterConfig,
  catalog: ReadonlyMap<string, CatalogEntry>,
): SharedBlockUser[] {
  return (config.instances ?? [])
    .filter((i) => i.cluster === cluster.name && i.uses?.length)
    .map((i) => ({
      instance: i.name,
      namespace: i.namespace ?? i.name,
      uses: i.uses!,
      blocks: i.blocks.flatMap((b) => {
        const name = typeof b === 'string' ? b : b.name;
        const entry = catalog.get(name);
        return entry ? [{ name, entry }] : [];
      }),
    }));
}

/* Each cloud's cluster stack (its provider package and constructs) is loaded only for a cluster on that cloud. */
/* eslint-disable @typescript-eslint/no-require-imports */
const awsClusterStack = () =>
  (require('./aws-cluster-stack') as { AwsClusterStack: typeof AwsClusterStack }).AwsClusterStack;
const azureClusterStack = () =>
  (require('./azure-cluster-stack') as { AzureClusterStack: typeof AzureClusterStack }).AzureClusterStack;
const gcpClusterStack = () =>
  (require('./gcp-cluster-stack') as { GcpClusterStack: typeof GcpClusterStack }).GcpClusterStack;
/* eslint-enable @typescript-eslint/no-require-imports */

function clusterStack(app: App, cluster: ClusterConfig, state: StateBackendConfig): TerraformStack {
  switch (cluster.cloud) {
    case 'aws':
      return new (awsClusterStack())(app, { cluster, state });
    case 'azure':
      return new (azureClusterStack())(app, { cluster, state });
    case 'gcp':
      return new (gcpClusterStack())(app, { cluster, state });
    case 'existing':
      return new ExistingClusterStack(app, { cluster, state });
  }
}
