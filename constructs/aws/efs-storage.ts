import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Construct } from 'constructs';

export interface EfsStorageProps {
  readonly clusterName: string;
  readonly vpcId: string;
  readonly privateSubnetIds: readonly string[];
  readonly kmsKeyArn: string;
  /** Security groups of what mounts the file system: the nodes (the cluster security group). */
  readonly clientSecurityGroupIds: readonly string[];
  /** The only IAM role that may mount and write: the EFS CSI driver's. */
  readonly mountRoleArn: string;
}

/**
 * Shared ReadWriteMany storage for stateful blocks: an encrypted EFS file system whose mount targets take NFS from the
 * cluster's nodes only, and whose file system policy refuses anonymous clients and unencrypted transport, so that only
 * the CSI driver, mounting with TLS and its IAM role, gets in. A pod in the VPC reaches no other tenant's files.
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
    // Mount targets answer and never call out; security groups are stateful, so no egress rule is needed.
    const sg = new SecurityGroup(this, 'SecurityGroup', {
      name: `${props.clusterName}-efs`,
      description: 'NFS from the cluster nodes to the shared file system',
      vpcId: props.vpcId,
      ingress: [
        {
          description: 'NFS from the cluster nodes',
          protocol: 'tcp',
          fromPort: 2049,
          toPort: 2049,
          securityGroups: [...props.clientSecurityGroupIds],
        },
      ],
      egress: [],
    });
    const policy = new DataAwsIamPolicyDocument(this, 'AccessPolicy', {
      statement: [
        {
          sid: 'DenyUnencryptedTransport',
          effect: 'Deny',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['*'],
          resources: [this.fileSystem.arn],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          sid: 'MountThroughTheCsiDriver',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [props.mountRoleArn] }],
          actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
          resources: [this.fileSystem.arn],
          condition: [{ test: 'Bool', variable: 'elasticfilesystem:AccessedViaMountTarget', values: ['true'] }],
        },
      ],
    });
    new EfsFileSystemPolicy(this, 'Policy', { fileSystemId: this.fileSystem.id, policy: policy.json });
    props.privateSubnetIds.forEach((subnetId, i) => {
      new EfsMountTarget(this, `MountTarget${i}`, {
        fileSystemId: this.fileSystem.id,
        subnetId,
        securityGroups: [sg.id],
      });
    });
  }
}
