import { Aspects, TerraformOutput, TerraformStack } from 'cdktf';
import { TagAspect } from '../constructs/tag-aspect';
import type { Construct } from 'constructs';
import { clusterLabels } from '../config/cluster-labels';
import type { ClusterConfig, InstanceConfig, StateBackendConfig } from '../config/types';
import type { PoolMembership } from '../constructs/instance/pool-member';
import type { CatalogEntry } from '../constructs/catalog/types';
import type { SandboxCluster } from '../constructs/cluster';
import { SandboxInstance } from '../constructs/instance/sandbox-instance';
import { ChartMirror } from '../constructs/chart-mirror';
import { configureBackend } from './backend';
import { InstanceCloudResources } from './instance-cloud-resources';
import { InstanceDatabaseBackup } from './instance-database-backup';
import { instanceManagedDatabase } from './instance-managed-database';
import { lookupCluster } from './cluster-lookup';
import { instanceStackName } from './names';
import { addCloudProvider, clusterTags } from './providers';
import { addInstanceProviders } from '../constructs/providers';

export interface InstanceStackProps {
  readonly cluster: ClusterConfig;
  readonly instance: InstanceConfig;
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
  readonly state: StateBackendConfig;
  /** The instance's place in an instance group. @default - none */
  readonly pool?: PoolMembership;
}

/** One short-lived sandbox instance with its own state; it reads nothing of other instances. */
export class InstanceStack extends TerraformStack {
  readonly cluster: SandboxCluster;
  readonly instance: SandboxInstance;

  constructor(scope: Construct, props: InstanceStackProps) {
    super(scope, instanceStackName(props.instance.name));
    const config = props.instance;
    const shared = (props.cluster.sharedBlocks ?? []).map((b) => (typeof b === 'string' ? b : b.name));
    const unknown = (config.uses ?? []).filter((b) => !shared.includes(b));
    if (unknown.length)
      throw new Error(
        `instance "${config.name}": uses ${unknown.join(', ')}, which cluster "${props.cluster.name}" does not share (sharedBlocks: ${shared.join(', ') || 'none'})`,
      );
    if (config.protected && !props.cluster.allowProtectedInstances) {
      throw new Error(
        `instance "${config.name}": cluster "${props.cluster.name}" does not allow protected instances (allowProtectedInstances)`,
      );
    }
    if (props.pool && !props.cluster.allowTcpExposure) {
      throw new Error(
        `instance "${config.name}": cluster "${props.cluster.name}" does not allow TCP exposure (allowTcpExposure), which instance group "${props.pool.group}" needs`,
      );
    }
    configureBackend(this, props.state, {
      clusterName: props.cluster.name,
      stackName: this.node.id,
      instanceName: config.name,
    });
    const chartMirror = props.cluster.platform?.chartMirror;
    if (chartMirror) ChartMirror.use(this, ChartMirror.parse(chartMirror, process.cwd()));
    const tags = clusterTags(props.cluster, { 'sandbox-instance': config.name, 'sandbox-owner': config.owner });
    addCloudProvider(this, props.cluster, tags);
    // azurerm has no provider-wide default tags: every Azure resource of the instance is tagged for cost reports.
    if (props.cluster.cloud === 'azure') Aspects.of(this).add(new TagAspect(tags));
    this.cluster = lookupCluster(this, props.cluster);

    const cloudResources = config.cloudResources
      ? new InstanceCloudResources(this, 'CloudResources', {
          clusterConfig: props.cluster,
          cluster: this.cluster,
          instance: config,
        })
      : undefined;
    const backup =
      config.backup || config.restoreFrom
        ? new InstanceDatabaseBackup(this, 'Backup', {
            clusterConfig: props.cluster,
            cluster: this.cluster,
            instance: config,
            catalog: props.catalog,
          })
        : undefined;
    this.instance = new SandboxInstance(this, 'Instance', {
      cluster: this.cluster,
      instanceName: config.name,
      namespace: config.namespace,
      owner: config.owner,
      ownerGroup: config.ownerGroup,
      ttlHours: config.ttlHours,
      protected: config.protected,
      size: config.size,
      quota: config.quota,
      blocks: backup?.blocks ?? config.blocks.map((b) => (typeof b === 'string' ? { name: b } : b)),
      catalog: backup?.catalog ?? props.catalog,
      mocks: config.mocks,
      datasets: config.datasets,
      allowInternetEgress: config.allowInternetEgress,
      workingHours: config.workingHours,
      idleHours: config.idleHours,
      registryMirror: props.cluster.platform?.registryMirror,
      cloudResources: cloudResources?.facts,
      managedDatabase: instanceManagedDatabase(this, props.cluster, this.cluster, config),
      clusterLabels: clusterLabels(props.cluster),
      uses: config.uses,
      secrets: config.secrets,
      pool: props.pool,
    });
    cloudResources?.addServiceAccount([this.instance.namespace.namespace]);
    addInstanceProviders(this.instance);

    new TerraformOutput(this, 'namespace', { value: this.instance.namespace.name });
    new TerraformOutput(this, 'created_at', { value: this.instance.namespace.createdAt });
    const expiry = this.instance.namespace.expiry;
    if (expiry) new TerraformOutput(this, 'expires_at', { value: expiry.rfc3339 });
    else new TerraformOutput(this, 'protected', { value: true });
    new TerraformOutput(this, 'hostnames', {
      value: [...this.instance.blocks.values()].flatMap((b) => (b.route ? [b.route.host] : [])),
    });
    if (props.pool) new TerraformOutput(this, 'pool_join', { value: props.pool.join });
  }
}
