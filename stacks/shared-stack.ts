import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Annotations, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ClusterConfig, StateBackendConfig } from '../config/types';
import type { CatalogEntry } from '../constructs/catalog/types';
import type { SandboxCluster } from '../constructs/cluster';
import { ChartMirror } from '../constructs/chart-mirror';
import { SharedBlock } from '../constructs/shared/shared-block';
import { sharedNamespace } from '../constructs/shared/shared-names';
import { planSharedBlocks, type SharedBlockUser } from '../constructs/shared/shared-plan';
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
  /** Instances that use the cluster's shared blocks: their blocks' influences reach those. @default [] */
  readonly users?: readonly SharedBlockUser[];
}

/**
 * The blocks a cluster shares with the instances that use them. A stack of its
 * own: shared services live longer than any instance and change on their own
 * schedule, and a platform change never replans them; instances find them by
 * their fixed namespace and never read this stack's state. The blocks form one graph (planSharedBlocks): they may
 * require each other, hold their databases on the shared database block, serve a hostname, and learn what the
 * blocks of the instances that use them ask of them (influences), so adding such a user changes this stack.
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

    const plan = planSharedBlocks({
      cluster: props.cluster.name,
      domain: this.cluster.ingress.domain,
      blocks: (props.cluster.sharedBlocks ?? []).map((b) => (typeof b === 'string' ? { name: b } : b)),
      catalog: props.catalog,
      users: props.users ?? [],
    });
    plan.warnings.forEach((w) => Annotations.of(this).addWarning(w));
    for (const b of plan.blocks) {
      const database = b.database && {
        ...b.database,
        providerNamespace: this.blocks.get(b.database.provider)!.namespace,
      };
      this.blocks.set(
        b.name,
        new SharedBlock(this, `Shared-${b.name}`, {
          name: b.name,
          entry: b.entry,
          values: b.values,
          storageClass:
            b.entry.needs?.storage === 'rwx' ? this.cluster.storage.sharedRwx : this.cluster.storage.blockRwo,
          ingress: this.cluster.ingress,
          database,
          dependsOn: b.dependsOn.map((d) => this.blocks.get(d)!.block.release.release),
        }),
      );
    }
    new TerraformOutput(this, 'namespaces', { value: [...this.blocks.keys()].map(sharedNamespace) });
  }
}
