import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { platformIngress, platformSecretStore, type ClusterConnection, type SandboxCluster } from '../cluster';
import { AwsInstanceSecrets } from './instance-secrets';
import { AwsPlatformNeeds } from './platform-needs';
import { awsNames } from './naming';

export interface EksClusterLookupProps {
  readonly clusterName: string;
  readonly region: string;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /** Whether the cluster stack created the EFS storage class. @default true */
  readonly sharedStorage?: boolean;
}

/** Finds an EKS cluster by name, so stacks above the cloud layer never read the cluster stack's state. */
export class EksClusterLookup extends Construct implements SandboxCluster {
  readonly clusterName: string;
  readonly cloud = 'aws' as const;
  readonly connection: ClusterConnection;
  readonly storage: SandboxCluster['storage'];
  readonly secretStore: SandboxCluster['secretStore'];
  readonly ingress: SandboxCluster['ingress'];
  readonly secretBackend: SandboxCluster['secretBackend'];
  readonly platformNeeds: SandboxCluster['platformNeeds'];
  /** The looked-up cluster, for its OIDC issuer and ARN. */
  readonly eks: DataAwsEksCluster;

  constructor(scope: Construct, id: string, props: EksClusterLookupProps) {
    super(scope, id);
    const names = awsNames(props.clusterName);
    this.clusterName = props.clusterName;
    this.eks = new DataAwsEksCluster(this, 'Cluster', { name: names.eksCluster });
    this.connection = {
      host: this.eks.endpoint,
      clusterCaCertificate: Fn.base64decode(this.eks.certificateAuthority.get(0).data),
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'aws',
        args: ['eks', 'get-token', '--cluster-name', names.eksCluster, '--region', props.region, '--output', 'json'],
      },
    };
    this.storage = {
      blockRwo: names.blockStorageClass,
      sharedRwx: props.sharedStorage === false ? undefined : names.sharedStorageClass,
    };
    this.secretStore = platformSecretStore('aws-secrets-manager', props.clusterName);
    this.secretBackend = new AwsInstanceSecrets({
      clusterName: props.clusterName,
      region: props.region,
      oidcIssuerUrl: this.eks.identity.get(0).oidc.get(0).issuer,
    });
    this.platformNeeds = new AwsPlatformNeeds({ clusterName: props.clusterName, region: props.region, sharedStorage: props.sharedStorage });
    this.ingress = platformIngress(props.ingressDomain ?? `${props.clusterName}.sandbox.internal`);
  }
}
