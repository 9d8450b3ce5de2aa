import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Construct } from 'constructs';

export interface EfsStorageProps {
  readonly clusterName: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly privateSubnetIds: readonly string[];
  readonly kmsKeyArn: string;
}

/**
 * Shared ReadWriteMany storage for stateful blocks and for Fargate pods:
 * an encrypted EFS file system reachable over NFS from inside the VPC only.
 */
export class EfsStorage extends Construct {
  readonly fileSystem: EfsFileSystem;

  constructor(scope: Construct, id: string, props: EfsStorageProps) {
    super(scope, id);
    this.fileSystem = new EfsFileSystem(this, 'FileSystem', {
      creationToken: `${props.clusterName}-shared`,
      encrypted: true,
      kmsKeyId: props.kmsKeyArn,
      performanceMode: 'generalPurpose',
      throughputMode: 'elastic',
      lifecyclePolicy: [{ transitionToIa: 'AFTER_30_DAYS' }],
      tags: { Name: `${props.clusterName}-shared` },
    });
    const sg = new SecurityGroup(this, 'SecurityGroup', {
      name: `${props.clusterName}-efs`,
      description: 'NFS from inside the cluster VPC to the shared file system',
      vpcId: props.vpcId,
      ingress: [
        { description: 'NFS from the VPC', protocol: 'tcp', fromPort: 2049, toPort: 2049, cidrBlocks: [props.vpcCidr] },
      ],
      egress: [
        { description: 'Replies inside the VPC', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: [props.vpcCidr] },
      ],
    });
    props.privateSubnetIds.forEach((subnetId, i) => {
      new EfsMountTarget(this, `MountTarget${i}`, {
        fileSystemId: this.fileSystem.id,
        subnetId,
        securityGroups: [sg.id],
      });
    });
  }
}
