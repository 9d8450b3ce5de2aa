import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ClusterConfig, StateBackendConfig } from '../config/types';
import type { CatalogEntry } from '../constructs/catalog/types';
import type { SandboxCluster } from '../constructs/cluster';
import { ChartMirror } from '../constructs/chart-mirror';
import { fillPlaceholders, mergeValues } from '../constructs/instance/values';
import { SharedBlock } from '../constructs/shared/shared-block';
import { sharedNamespace } from '../constructs/shared/shared-names';
import { configureBackend } from './backend';
import { lookupCluster } from './cluster-lookup';
import { addCloudProvider, clusterTags } from './providers';
import { addClusterProviders } from '../constructs/providers';

/** Stack of a cluster's shared blocks: `shared-<cluster>`. */
export const sharedStackName = (cluster: string) => `shared-${cluster}`;

export interface SharedStackProps {
  readonly cluster: ClusterConfig;
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
  readonly state: StateBackendConfig;
}

/**
 * The blocks a cluster shares with the instances that use them. A stack of its
 * own: shared services live longer than any instance and change on their own
 * schedule, and a platform change never replans them; instances find them by
 * their fixed namespace and never read this stack's state.
 */
export class SharedStack extends TerraformStack {
  readonly cluster: SandboxCluster;
  readonly blocks = new Map<string, SharedBlock>();

  constructor(scope: Construct, props: SharedStackProps) {
    super(scope, sharedStackName(props.cluster.name));
    configureBackend(this, props.state, { clusterName: props.cluster.name, stackName: this.node.id });
    const chartMirror = props.cluster.platform?.chartMirror;
    if (chartMirror) ChartMirror.use(this, ChartMirror.parse(chartMirror, process.cwd()));
    addCloudProvider(this, props.cluster, clusterTags(props.cluster, { 'sandbox-stack': this.node.id }));
    new RandomProvider(this, 'random');
    this.cluster = lookupCluster(this, props.cluster);
    addClusterProviders(this, this.cluster.connection);

    for (const ref of props.cluster.sharedBlocks ?? []) {
      const { name, values } =
        typeof ref === 'string' ? { name: ref, values: {} } : { name: ref.name, values: ref.values ?? {} };
      const entry = props.catalog.get(name);
      if (!entry) throw new Error(`cluster "${props.cluster.name}": shared block "${name}" is not in the catalog`);
      const namespace = sharedNamespace(name);
      const defaults = fillPlaceholders(entry.values ?? {}, {
        instance: namespace,
        namespace,
        domain: this.cluster.ingress.domain,
        block: name,
      });
      this.blocks.set(
        name,
        new SharedBlock(this, `Shared-${name}`, {
          name,
          entry,
          values: mergeValues(defaults, values),
          storageClass: entry.needs?.storage === 'rwx' ? this.cluster.storage.sharedRwx : this.cluster.storage.blockRwo,
          domain: this.cluster.ingress.domain,
        }),
      );
    }
    new TerraformOutput(this, 'namespaces', { value: [...this.blocks.keys()].map(sharedNamespace) });
  }
}
