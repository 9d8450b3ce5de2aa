import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterConfig, InstanceConfig } from '../config/types';
import type { AwsInstanceResources } from '../constructs/aws/instance-resources';
import type { AzureInstanceResources } from '../constructs/azure/instance-resources';
import { azureBlobEndpoint } from '../constructs/azure/naming';
import { instanceResourceNames } from '../constructs/cloud-resources';
import type { SandboxCluster } from '../constructs/cluster';
import type { GcpInstanceResources } from '../constructs/gcp/instance-resources';
import type { CloudResourceFacts } from '../constructs/instance/wiring';
import { aksLookup, eksLookup } from './cloud-lookups';

/* Each cloud's resources (and its provider package) are loaded only for an instance on that cloud. */
/* eslint-disable @typescript-eslint/no-require-imports */
const awsResources = () =>
  (require('../constructs/aws/instance-resources') as { AwsInstanceResources: typeof AwsInstanceResources })
    .AwsInstanceResources;
const azureResources = () =>
  (require('../constructs/azure/instance-resources') as { AzureInstanceResources: typeof AzureInstanceResources })
    .AzureInstanceResources;
const gcpResources = () =>
  (require('../constructs/gcp/instance-resources') as { GcpInstanceResources: typeof GcpInstanceResources })
    .GcpInstanceResources;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Service account of the instance's workloads that may use its cloud resources; blocks take it through `cloudServiceAccount`. */
export const CLOUD_SERVICE_ACCOUNT = 'sandbox-cloud';
/** Region the cloud mock answers for. */
const MOCK_REGION = 'us-east-1';

export interface InstanceCloudResourcesProps {
  readonly clusterConfig: ClusterConfig;
  readonly cluster: SandboxCluster;
  readonly instance: InstanceConfig;
}

/**
 * An instance's `cloudResources`: created in the cluster's cloud (AWS, Azure, Google) with a workload identity bound
 * to the `sandbox-cloud` service account, or, with `source: mock`, the same names for the cloud mock. Its `facts` are
 * what the instance wires into its blocks.
 */
export class InstanceCloudResources extends Construct {
  readonly facts: CloudResourceFacts;
  readonly aws?: AwsInstanceResources;
  readonly azure?: AzureInstanceResources;
  readonly gcp?: GcpInstanceResources;
  private readonly namespace: string;
  private readonly annotations?: Record<string, string>;

  constructor(scope: Construct, id: string, props: InstanceCloudResourcesProps) {
    super(scope, id);
    const wanted = props.instance.cloudResources!;
    const c = props.clusterConfig;
    this.namespace = props.instance.namespace ?? props.instance.name;
    const common = {
      clusterName: c.name,
      instanceName: props.instance.name,
      namespace: this.namespace,
      serviceAccountName: CLOUD_SERVICE_ACCOUNT,
      ...wanted,
    };
    if ((wanted.source ?? 'cloud') === 'cloud' && props.instance.mocks?.includes('cloud'))
      throw new Error(
        `Instance "${props.instance.name}": cloudResources come from the cloud, yet the instance runs the cloud mock, whose endpoint blocks would get with the real names; set source: mock, or drop the cloud mock`,
      );
    if ((wanted.source ?? 'cloud') === 'mock') {
      const names = instanceResourceNames(c.name, props.instance.name, wanted);
      this.facts = {
        objectStorageBucket: names.bucket,
        queueName: names.queue,
        tableName: names.table,
        cloudRegion: MOCK_REGION,
      };
      return;
    }
    if (c.cloud === 'aws' && props.cluster instanceof eksLookup()) {
      this.aws = new (awsResources())(this, 'Aws', {
        ...common,
        oidcIssuerUrl: props.cluster.eks.identity.get(0).oidc.get(0).issuer,
      });
      const n = this.aws.names;
      this.facts = {
        objectStorageBucket: n.bucket,
        queueName: n.queue,
        tableName: n.table,
        cloudRegion: c.region,
        cloudServiceAccount: CLOUD_SERVICE_ACCOUNT,
      };
      this.annotations = { 'eks.amazonaws.com/role-arn': this.aws.roleArn };
    } else if (c.cloud === 'azure' && props.cluster instanceof aksLookup()) {
      this.azure = new (azureResources())(this, 'Azure', {
        ...common,
        location: c.location,
        oidcIssuerUrl: props.cluster.aks.oidcIssuerUrl,
        allowedIpRanges: c.keyVaultAllowedIpRanges,
      });
      const n = this.azure.names;
      this.facts = {
        objectStorageBucket: n.container,
        queueName: n.queue,
        tableName: n.table,
        cloudRegion: c.location,
        cloudServiceAccount: CLOUD_SERVICE_ACCOUNT,
        cloudStorageAccount: azureBlobEndpoint(n.account),
      };
      this.annotations = { 'azure.workload.identity/client-id': this.azure.identity.clientId };
    } else if (c.cloud === 'gcp') {
      this.gcp = new (gcpResources())(this, 'Gcp', { ...common, project: c.project, region: c.region });
      const n = this.gcp.names;
      this.facts = {
        objectStorageBucket: n.bucket,
        queueName: n.topic,
        queueSubscription: n.subscription,
        tableName: n.database,
        cloudRegion: c.region,
        cloudServiceAccount: CLOUD_SERVICE_ACCOUNT,
        cloudProject: c.project,
      };
      this.annotations = { 'iam.gke.io/gcp-service-account': this.gcp.account.email };
    } else {
      throw new Error(
        `Instance "${props.instance.name}": cloudResources are created on aws, azure and gcp clusters; cluster "${c.name}" is ${c.cloud} (use source: mock)`,
      );
    }
  }

  /** The workload service account bound to the resources' identity, once the namespace exists. */
  addServiceAccount(dependsOn: readonly ITerraformDependable[]): void {
    if (!this.annotations) return;
    new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: {
        name: CLOUD_SERVICE_ACCOUNT,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'sandboxkit' },
        annotations: this.annotations,
      },
      automountServiceAccountToken: false,
      dependsOn: [...dependsOn],
    });
  }
}
