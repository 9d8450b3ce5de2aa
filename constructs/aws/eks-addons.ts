import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { Construct } from 'constructs';
import { ServiceAccountRole, type OidcProviderRef } from './service-account-role';

export type AddonName =
  'vpc-cni' | 'coredns' | 'kube-proxy' | 'aws-ebs-csi-driver' | 'aws-efs-csi-driver' | 'eks-pod-identity-agent';
export type AddonVersions = Readonly<Partial<Record<AddonName, string>>>;

/** Versions pinned for Kubernetes 1.33; override per cluster when the version changes. */
export const DEFAULT_ADDON_VERSIONS: Readonly<Record<AddonName, string>> = {
  'vpc-cni': 'v1.19.5-eksbuild.1',
  coredns: 'v1.12.1-eksbuild.2',
  'kube-proxy': 'v1.33.0-eksbuild.2',
  'aws-ebs-csi-driver': 'v1.44.0-eksbuild.1',
  'aws-efs-csi-driver': 'v2.1.8-eksbuild.1',
  'eks-pod-identity-agent': 'v1.3.7-eksbuild.2',
};

export interface EksAddonsProps {
  readonly clusterName: string;
  readonly oidcProvider: OidcProviderRef;
  /** @default DEFAULT_ADDON_VERSIONS */
  readonly versions?: AddonVersions;
  /** CoreDNS on Fargate when there are no nodes. @default false */
  readonly fargateOnly?: boolean;
  /** Install the EFS CSI driver. @default true */
  readonly efs?: boolean;
}

const awsManaged = (name: string) => `arn:aws:iam::aws:policy/${name}`;

/**
 * EKS managed add-ons at pinned versions. The VPC CNI enforces NetworkPolicy,
 * and every add-on that calls AWS does so with its own IRSA role.
 */
export class EksAddons extends Construct {
  readonly vpcCni: EksAddon;
  /** The EFS CSI driver's role, which its controller and its node plugin (which mounts) assume. */
  readonly efsCsiRole?: ServiceAccountRole;
  readonly addons: Map<AddonName, EksAddon> = new Map();

  constructor(scope: Construct, id: string, props: EksAddonsProps) {
    super(scope, id);
    const versions = { ...DEFAULT_ADDON_VERSIONS, ...props.versions };
    const efs = props.efs ?? true;
    const role = (name: string, namespace: string, serviceAccount: string, policy: string, more: string[] = []) =>
      new ServiceAccountRole(this, `${name}Role`, {
        oidcProvider: props.oidcProvider,
        namespace,
        serviceAccount,
        additionalServiceAccounts: more,
        managedPolicyArns: [awsManaged(policy)],
      });

    const add = (name: AddonName, extra: { serviceAccountRoleArn?: string; configurationValues?: object } = {}) => {
      const addon = new EksAddon(this, name, {
        clusterName: props.clusterName,
        addonName: name,
        addonVersion: versions[name],
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'OVERWRITE',
        serviceAccountRoleArn: extra.serviceAccountRoleArn,
        configurationValues: extra.configurationValues ? JSON.stringify(extra.configurationValues) : undefined,
      });
      this.addons.set(name, addon);
      return addon;
    };

    this.vpcCni = add('vpc-cni', {
      serviceAccountRoleArn: role('VpcCni', 'kube-system', 'aws-node', 'AmazonEKS_CNI_Policy').arn,
      // Strict: a new pod starts with every connection denied until the policies that select it are in place (the
      // standard mode lets it talk to anything for that while), and a pod no policy selects is denied too.
      configurationValues: { enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'strict' } },
    });
    add('kube-proxy');
    add('coredns', props.fargateOnly ? { configurationValues: { computeType: 'Fargate' } } : {});
    add('eks-pod-identity-agent');
    add('aws-ebs-csi-driver', {
      serviceAccountRoleArn: role(
        'EbsCsi',
        'kube-system',
        'ebs-csi-controller-sa',
        'service-role/AmazonEBSCSIDriverPolicy',
      ).arn,
    });
    if (efs) {
      // The add-on gives its role to the controller and to the node plugin, which mounts with IAM authorization.
      this.efsCsiRole = role(
        'EfsCsi',
        'kube-system',
        'efs-csi-controller-sa',
        'service-role/AmazonEFSCSIDriverPolicy',
        ['efs-csi-node-sa'],
      );
      add('aws-efs-csi-driver', { serviceAccountRoleArn: this.efsCsiRole.arn });
    }
  }
}
