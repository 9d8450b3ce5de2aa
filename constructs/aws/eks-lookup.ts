import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { Construct } from 'constructs';
import type { ClusterFacts, SandboxCluster } from '../cluster';
import { eksFacts } from './cluster-facts';
import { awsNames } from './naming';

export interface EksClusterLookupProps {
  readonly clusterName: string;
  readonly region: string;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /** Whether the cluster stack created the EFS storage class. @default true */
  readonly sharedStorage?: boolean;
  /** Route 53 hosted zone the cluster stack granted external-dns. @default - none */
  readonly externalDnsZoneId?: string;
}

/** Finds an EKS cluster by name, so stacks above the cloud layer never read the cluster stack's state. */
export class EksClusterLookup extends Construct implements SandboxCluster {
  readonly clusterName: string;
  readonly cloud = 'aws' as const;
  declare readonly connection: ClusterFacts['connection'];
  declare readonly storage: ClusterFacts['storage'];
  declare readonly secretStore: ClusterFacts['secretStore'];
  declare readonly ingress: ClusterFacts['ingress'];
  declare readonly secretBackend: ClusterFacts['secretBackend'];
  declare readonly platformNeeds: ClusterFacts['platformNeeds'];
  /** The looked-up cluster, for its OIDC issuer and ARN. */
  readonly eks: DataAwsEksCluster;

  constructor(scope: Construct, id: string, props: EksClusterLookupProps) {
    super(scope, id);
    this.clusterName = props.clusterName;
    this.eks = new DataAwsEksCluster(this, 'Cluster', { name: awsNames(props.clusterName).eksCluster });
    Object.assign(
      this,
      eksFacts({
        ...props,
        endpoint: this.eks.endpoint,
        certificateAuthority: this.eks.certificateAuthority.get(0).data,
        oidcIssuerUrl: this.eks.identity.get(0).oidc.get(0).issuer,
      }),
    );
  }
}
