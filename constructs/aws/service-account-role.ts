import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { assertDnsLabel } from '../names';

/** The cluster's IAM OIDC provider, by ARN and issuer URL. */
export interface OidcProviderRef {
  readonly arn: string;
  /** `https://oidc.eks.<region>.amazonaws.com/id/<id>` */
  readonly issuerUrl: string;
}

export interface IamStatement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** @default [] */
  readonly conditions?: readonly {
    readonly test: string;
    readonly variable: string;
    readonly values: readonly string[];
  }[];
}

export interface ServiceAccountRoleProps {
  readonly oidcProvider: OidcProviderRef;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Further service accounts of the same namespace that may assume the role. @default [] */
  readonly additionalServiceAccounts?: readonly string[];
  /** Exact IAM role name, so other stacks can find it. @default - generated */
  readonly roleName?: string;
  /** AWS managed policies to attach. @default [] */
  readonly managedPolicyArns?: readonly string[];
  /** Inline statements, the least-privilege way. @default [] */
  readonly statements?: readonly IamStatement[];
}

/**
 * An IAM role that exactly the named Kubernetes service accounts can assume (IRSA):
 * the trust policy pins both the audience and the `system:serviceaccount:<ns>:<sa>` subjects.
 */
export class ServiceAccountRole extends Construct {
  readonly role: IamRole;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: ServiceAccountRoleProps) {
    super(scope, id);
    assertDnsLabel(`ServiceAccountRole "${id}": namespace`, props.namespace);
    const accounts = [props.serviceAccount, ...(props.additionalServiceAccounts ?? [])];
    for (const account of accounts) assertDnsLabel(`ServiceAccountRole "${id}": serviceAccount`, account, 253);
    const issuer = Fn.replace(props.oidcProvider.issuerUrl, 'https://', '');
    const trust = new DataAwsIamPolicyDocument(this, 'Trust', {
      statement: [
        {
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [props.oidcProvider.arn] }],
          condition: [
            {
              test: 'StringEquals',
              variable: `${issuer}:sub`,
              values: accounts.map((a) => `system:serviceaccount:${props.namespace}:${a}`),
            },
            { test: 'StringEquals', variable: `${issuer}:aud`, values: ['sts.amazonaws.com'] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, 'Role', { name: props.roleName, assumeRolePolicy: trust.json });
    this.arn = this.role.arn;
    (props.managedPolicyArns ?? []).forEach((policyArn, i) => {
      new IamRolePolicyAttachment(this, `Managed${i}`, { role: this.role.name, policyArn });
    });
    if (props.statements?.length) {
      const doc = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
        statement: props.statements.map((s) => ({
          actions: [...s.actions],
          resources: [...s.resources],
          condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
        })),
      });
      new IamRolePolicy(this, 'Policy', { role: this.role.id, policy: doc.json });
    }
  }
}
