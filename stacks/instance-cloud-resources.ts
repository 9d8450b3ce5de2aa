import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterConfig, InstanceConfig } from '../config/types';
import { AwsInstanceResources, instanceResourceNames } from '../constructs/aws/instance-resources';
import { EksClusterLookup } from '../constructs/aws/eks-lookup';
import type { SandboxCluster } from '../constructs/cluster';
import type { CloudResourceFacts } from '../constructs/instance/wiring';

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
 * An instance's `cloudResources`: created in the cloud account (AWS) with a workload identity bound to the
 * `sandbox-cloud` service account, or, with `source: mock`, the same names for the cloud mock. Its `facts` are
 * what the instance wires into its blocks.
 */
export class InstanceCloudResources extends Construct {
  readonly facts: CloudResourceFacts;
  readonly aws?: AwsInstanceResources;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: InstanceCloudResourcesProps) {
    super(scope, id);
    const wanted = props.instance.cloudResources!;
    const c = props.clusterConfig;
    this.namespace = props.instance.namespace ?? props.instance.name;
    const names = instanceResourceNames(c.name, props.instance.name, wanted);
    const named = { objectStorageBucket: names.bucket, queueName: names.queue, tableName: names.table };
    if ((wanted.source ?? 'cloud') === 'mock') {
      this.facts = { ...named, cloudRegion: MOCK_REGION };
      return;
    }
    if (c.cloud !== 'aws' || !(props.cluster instanceof EksClusterLookup)) {
      throw new Error(`Instance "${props.instance.name}": cloudResources are created on aws clusters; cluster "${c.name}" is ${c.cloud} (use source: mock)`);
    }
    this.aws = new AwsInstanceResources(this, 'Aws', {
      clusterName: c.name,
      instanceName: props.instance.name,
      namespace: this.namespace,
      oidcIssuerUrl: props.cluster.eks.identity.get(0).oidc.get(0).issuer,
      serviceAccountName: CLOUD_SERVICE_ACCOUNT,
      ...wanted,
    });
    this.facts = { ...named, cloudRegion: c.region, cloudServiceAccount: CLOUD_SERVICE_ACCOUNT };
  }

  /** The workload service account that assumes the resources' identity, once the namespace exists. */
  addServiceAccount(dependsOn: readonly ITerraformDependable[]): void {
    if (!this.aws) return;
    new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: {
        name: CLOUD_SERVICE_ACCOUNT,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'sandboxkit' },
        annotations: { 'eks.amazonaws.com/role-arn': this.aws.roleArn },
      },
      automountServiceAccountToken: false,
      dependsOn: [...dependsOn],
    });
  }
}
