import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { assertDnsLabel } from '../names';

export interface WorkloadIdentityProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** The cluster's OIDC issuer URL. */
  readonly oidcIssuerUrl: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Role assignments the identity gets, each at its own scope. @default [] */
  readonly roles?: readonly { readonly role: string; readonly scope: string }[];
}

/**
 * A user-assigned identity that exactly one Kubernetes service account can
 * use, by a federated credential on `system:serviceaccount:<ns>:<sa>`.
 */
export class WorkloadIdentity extends Construct {
  readonly identity: UserAssignedIdentity;
  readonly clientId: string;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    assertDnsLabel(`WorkloadIdentity "${id}": namespace`, props.namespace);
    assertDnsLabel(`WorkloadIdentity "${id}": serviceAccount`, props.serviceAccount, 253);
    this.identity = new UserAssignedIdentity(this, 'Identity', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    this.clientId = this.identity.clientId;
    new FederatedIdentityCredential(this, 'Federation', {
      name: `${props.namespace}-${props.serviceAccount}`,
      resourceGroupName: props.resourceGroupName,
      parentId: this.identity.id,
      issuer: props.oidcIssuerUrl,
      subject: `system:serviceaccount:${props.namespace}:${props.serviceAccount}`,
      audience: ['api://AzureADTokenExchange'],
    });
    (props.roles ?? []).forEach((r, i) => {
      new RoleAssignment(this, `Role${i}`, {
        scope: r.scope,
        roleDefinitionName: r.role,
        principalId: this.identity.principalId,
      });
    });
  }
}
