import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { Aspects, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { GcpClusterConfig, StateBackendConfig } from '../config/types';
import { GkeCluster } from '../constructs/gcp/gke-cluster';
import { ManagedDatabaseNetwork } from '../constructs/gcp/managed-database-network';
import { GkeNetwork } from '../constructs/gcp/network';
import { TagAspect } from '../constructs/tag-aspect';
import { configureBackend } from './backend';
import { clusterStackName } from './names';
import { addCloudProvider, clusterTags, googleLabels } from './providers';

export interface GcpClusterStackProps {
  readonly cluster: GcpClusterConfig;
  readonly state: StateBackendConfig;
}

/** APIs of managed databases (`managedDatabases`). */
const DATABASE_APIS = ['sqladmin.googleapis.com', 'servicenetworking.googleapis.com'];
/** APIs the cluster stack uses; enabling them is idempotent and never disables them on destroy. */
const APIS = [
  'container.googleapis.com',
  'cloudkms.googleapis.com',
  'secretmanager.googleapis.com',
  'compute.googleapis.com',
  'file.googleapis.com',
  'storage.googleapis.com',
  'pubsub.googleapis.com',
  'firestore.googleapis.com',
];

/** The long-lived Google side: network, GKE and its pools, KMS keys, Secret Manager identity. */
export class GcpClusterStack extends TerraformStack {
  readonly cluster: GkeCluster;

  constructor(scope: Construct, props: GcpClusterStackProps) {
    super(scope, clusterStackName(props.cluster.name));
    const config = props.cluster;
    const tags = clusterTags(config);
    configureBackend(this, props.state, { clusterName: config.name, stackName: this.node.id });
    addCloudProvider(this, config, tags);
    // The provider's default labels cover most resources; the cluster's own resource labels need the aspect.
    Aspects.of(this).add(new TagAspect(tags, 'labels', googleLabels));

    const apis = [...APIS, ...(config.managedDatabases ? DATABASE_APIS : [])].map(
      (service) => new ProjectService(this, `Api-${service.split('.')[0]}`, { service, disableOnDestroy: false }),
    );
    const network = new GkeNetwork(this, 'Network', {
      clusterName: config.name,
      region: config.region,
      ...config.network,
      dependsOn: apis,
    });
    this.cluster = new GkeCluster(this, 'Cluster', {
      clusterName: config.name,
      project: config.project,
      region: config.region,
      network,
      mode: config.mode,
      releaseChannel: config.releaseChannel,
      kubernetesVersion: config.kubernetesVersion,
      privateEndpoint: config.privateEndpoint,
      masterAuthorizedNetworks: config.masterAuthorizedNetworks,
      publicAccessMinPrefixLength: config.publicAccessMinPrefixLength,
      filestore: config.filestore,
      ingressDomain: config.ingressDomain,
      externalDnsZone: config.platform?.externalDns?.managedZone,
      managedDatabases: config.managedDatabases !== undefined,
    });
    if (config.managedDatabases)
      new ManagedDatabaseNetwork(this, 'ManagedDatabases', {
        clusterName: config.name,
        network,
        cidr: config.managedDatabases.cidr,
      });
    this.cluster.gke.resourceLabels = googleLabels(tags);
    if (this.cluster.mode === 'standard') {
      for (const pool of config.nodePools ?? [{ name: 'general' }]) {
        const { name, ...options } = pool;
        this.cluster.addNodePool(name, options);
      }
    }

    new TerraformOutput(this, 'cluster_name', { value: this.cluster.gke.name });
    new TerraformOutput(this, 'cluster_endpoint', { value: this.cluster.gke.endpoint, sensitive: true });
    new TerraformOutput(this, 'secret_operator_email', { value: this.cluster.secretOperator.email });
    new TerraformOutput(this, 'secret_manager_kms_key', { value: this.cluster.keys.keys['secret-manager'].id });
    new TerraformOutput(this, 'network_name', { value: network.network.name });
  }
}
