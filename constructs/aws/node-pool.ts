import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { NodeTaint } from '../cluster';
import { assertPoolSize } from '../pool-size';

export type CapacityType = 'on-demand' | 'spot';

/** What `EksCluster.addNodePool` accepts. */
export interface NodePoolOptions {
  /** @default ['m6i.large'] */
  readonly instanceTypes?: readonly string[];
  /** Spot pools need two or more instance types so that one shortage does not empty the pool. @default 'on-demand' */
  readonly capacity?: CapacityType;
  /** @default 1 */
  readonly minSize?: number;
  /** @default 3 */
  readonly maxSize?: number;
  /** Initial size; the cluster autoscaler owns it afterwards. @default minSize */
  readonly desiredSize?: number;
  /** Encrypted gp3 root volume. @default 50 */
  readonly diskSizeGiB?: number;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly taints?: readonly NodeTaint[];
}

export interface NodePoolProps extends NodePoolOptions {
  /** The cluster's name as a literal: it prefixes resource names. */
  readonly clusterName: string;
  readonly nodeRoleArn: string;
  readonly subnetIds: readonly string[];
  /** KMS key of the root volumes. */
  readonly volumeKeyArn: string;
  /** What must exist before nodes join, such as the CNI add-on. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const EKS_TAINT_EFFECT = {
  NoSchedule: 'NO_SCHEDULE',
  PreferNoSchedule: 'PREFER_NO_SCHEDULE',
  NoExecute: 'NO_EXECUTE',
} as const;

/**
 * A managed node group on a launch template that requires IMDSv2 with a hop
 * limit of 1 (pods cannot reach the node's credentials) and encrypts the root volume.
 * There is no SSH access: no key pair and no remote-access block.
 */
export class NodePool extends Construct {
  readonly nodeGroup: EksNodeGroup;

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    const instanceTypes = props.instanceTypes ?? ['m6i.large'];
    const capacity = props.capacity ?? 'on-demand';
    const minSize = props.minSize ?? 1;
    const maxSize = props.maxSize ?? 3;
    const desiredSize = props.desiredSize ?? minSize;
    const diskSizeGiB = props.diskSizeGiB ?? 50;
    const where = `NodePool "${id}"`;

    assertPoolSize(where, { min: minSize, max: maxSize, minName: 'minSize', maxName: 'maxSize' });
    if (desiredSize < minSize || desiredSize > maxSize) {
      throw new Error(
        `${where}: desiredSize must be between minSize (${minSize}) and maxSize (${maxSize}), got ${desiredSize}`,
      );
    }
    if (instanceTypes.length === 0) throw new Error(`${where}: instanceTypes must list at least one type`);
    if (capacity === 'spot' && instanceTypes.length < 2) {
      throw new Error(
        `${where}: spot capacity needs at least two instanceTypes to survive a shortage, got ${instanceTypes.length}`,
      );
    }
    if (props.subnetIds.length === 0) throw new Error(`${where}: subnetIds must not be empty`);

    const template = new LaunchTemplate(this, 'LaunchTemplate', {
      namePrefix: `${props.clusterName}-${id}-`,
      updateDefaultVersion: true,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: diskSizeGiB,
            volumeType: 'gp3',
            encrypted: 'true',
            kmsKeyId: props.volumeKeyArn,
            deleteOnTermination: 'true',
          },
        },
      ],
      monitoring: { enabled: true },
    });
    this.nodeGroup = new EksNodeGroup(this, 'NodeGroup', {
      clusterName: props.clusterName,
      nodeGroupNamePrefix: `${id}-`,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: [...props.subnetIds],
      capacityType: capacity === 'spot' ? 'SPOT' : 'ON_DEMAND',
      instanceTypes: [...instanceTypes],
      scalingConfig: { minSize, maxSize, desiredSize },
      updateConfig: { maxUnavailable: 1 },
      labels: { 'sandbox.dev/pool': id, ...props.labels },
      taint: (props.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECT[t.effect] })),
      launchTemplate: { id: template.id, version: template.latestVersion.toString() },
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: true },
      dependsOn: props.dependsOn,
    });
  }
}
