import { DataAzurermKeyVault } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault';
import { DataAzurermKeyVaultSecret } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault-secret';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { InstanceSecretBackend, InstanceSecretBinding, InstanceSecretRequest } from '../cluster';
import { boundedName } from '../names';
import { secretManagerKeyProblem } from '../secret-manager-keys';
import { azureInstanceNames, azureNames } from './naming';
import { WorkloadIdentity } from './workload-identity';

export interface AzureInstanceSecretsProps {
  readonly clusterName: string;
  readonly location: string;
  /** The AKS cluster's OIDC issuer URL. */
  readonly oidcIssuerUrl: string;
}

/**
 * Key Vault secrets named `<instance>--<secret>`, and a federated identity
 * with "Key Vault Secrets User" on each of those secrets only, not on the vault.
 */
export class AzureInstanceSecrets implements InstanceSecretBackend {
  constructor(private readonly props: AzureInstanceSecretsProps) {}

  bind(scope: Construct, request: InstanceSecretRequest): InstanceSecretBinding {
    const c = new Construct(scope, 'AzureSecrets');
    const names = azureNames(this.props.clusterName);
    const vault = new DataAzurermKeyVault(c, 'Vault', { name: names.keyVault, resourceGroupName: names.resourceGroup });
    const identity = new WorkloadIdentity(c, 'Identity', {
      name: azureInstanceNames(this.props.clusterName, request.instanceName).secretsIdentity,
      resourceGroupName: names.resourceGroup,
      location: this.props.location,
      oidcIssuerUrl: this.props.oidcIssuerUrl,
      namespace: request.namespace,
      serviceAccount: request.serviceAccountName,
    });
    const remoteKeys: Record<string, string> = {};
    for (const secret of request.secrets) {
      const name = boundedName([request.instanceName, '', secret.name], 127);
      const stored = new KeyVaultSecret(c, `Secret-${secret.name}`, {
        name,
        keyVaultId: vault.id,
        value: Fn.jsonencode(secret.data),
        contentType: 'application/json',
        // The instance's credentials end with the instance, even if nothing destroys it.
        expirationDate: request.expiresAt,
      });
      new RoleAssignment(c, `Read-${secret.name}`, {
        scope: stored.resourceVersionlessId,
        roleDefinitionName: 'Key Vault Secrets User',
        principalId: identity.identity.principalId,
      });
      remoteKeys[secret.name] = name;
    }
    (request.broughtKeys ?? []).forEach((name, i) => {
      const problem = secretManagerKeyProblem('azure', name);
      if (problem)
        throw new Error(`AzureInstanceSecrets of instance "${request.instanceName}": brought secret ${problem}`);
      const brought = new DataAzurermKeyVaultSecret(c, `Brought-${i}`, { name, keyVaultId: vault.id });
      new RoleAssignment(c, `ReadBrought-${i}`, {
        scope: brought.resourceVersionlessId,
        roleDefinitionName: 'Key Vault Secrets User',
        principalId: identity.identity.principalId,
      });
    });
    return {
      kind: 'external-secrets',
      provider: {
        azurekv: {
          vaultUrl: vault.vaultUri,
          authType: 'WorkloadIdentity',
          serviceAccountRef: { name: request.serviceAccountName },
        },
      },
      serviceAccountAnnotations: { 'azure.workload.identity/client-id': identity.clientId },
      remoteKeys,
    };
  }
}
