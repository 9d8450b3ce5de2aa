import { EksFargateProfile } from '@cdktf/provider-aws/lib/eks-fargate-profile';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { fargateNamespaceProblem } from './fargate-selectors';

export interface FargateSelector {
  /** Namespace, or a pattern with `*` and `?` that names platform namespaces only; never one that matches any namespace. */
  readonly namespace: string;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What `EksCluster.addFargateProfile` accepts. */
export interface FargateProfileOptions {
  /** One to five selectors; a pod matching any runs on Fargate. */
  readonly selectors: readonly FargateSelector[];
}

export interface FargateProfileProps extends FargateProfileOptions {
  readonly clusterName: string;
  readonly podExecutionRoleArn: string;
  /** Private subnets only: Fargate pods get no public IP. */
  readonly privateSubnetIds: readonly string[];
  /** The control plane, when clusterName is a literal. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** EKS allows at most five selectors per Fargate profile. */
export const FARGATE_MAX_SELECTORS = 5;

/**
 * Serverless pods for selected platform namespaces. Fargate has no EBS volumes,
 * no DaemonSets and does not enforce NetworkPolicy, so instance namespaces never
 * run there: a selector may not match every namespace, the config refuses one
 * that matches an instance's namespace, and the platform's admission policies
 * deny instance pods the compute label and any scheduler but the default one.
 */
export class FargateProfile extends Construct {
  readonly profile: EksFargateProfile;

  constructor(scope: Construct, id: string, props: FargateProfileProps) {
    super(scope, id);
    const where = `FargateProfile "${id}"`;
    if (props.selectors.length === 0 || props.selectors.length > FARGATE_MAX_SELECTORS) {
      throw new Error(`${where}: selectors must number 1 to ${FARGATE_MAX_SELECTORS}, got ${props.selectors.length}`);
    }
    if (props.privateSubnetIds.length === 0) throw new Error(`${where}: privateSubnetIds must not be empty`);
    props.selectors.forEach((s, i) => {
      const problem = fargateNamespaceProblem(s.namespace);
      if (problem) throw new Error(`${where}: selectors[${i}].namespace ${problem}`);
    });
    this.profile = new EksFargateProfile(this, 'Profile', {
      clusterName: props.clusterName,
      fargateProfileName: id,
      podExecutionRoleArn: props.podExecutionRoleArn,
      subnetIds: [...props.privateSubnetIds],
      selector: props.selectors.map((s) => ({
        namespace: s.namespace,
        labels: s.labels ? { ...s.labels } : undefined,
      })),
      dependsOn: props.dependsOn,
    });
  }
}
