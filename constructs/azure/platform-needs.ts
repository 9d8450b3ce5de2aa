import { DataAzurermDiskEncryptionSet } from '@cdktf/provider-azurerm/lib/data-azurerm-disk-encryption-set';
import { DataAzurermKeyVault } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault';
import { DataAzurermUserAssignedIdentity } from '@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity';
import type { Construct } from 'constructs';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { PLATFORM_DEFAULTS, type PlatformNeeds, type SecretOperatorIdentity, type StorageClassSpec } from '../cluster';
import { azureNames } from './naming';

/** What the platform needs on AKS: it autoscales and ships metrics-server itself. */
export class AzurePlatformNeeds implements PlatformNeeds {
  readonly internalLoadBalancerAnnotations = { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' };
  readonly needsMetricsServer = false;

  constructor(
    private readonly clusterName: string,
    /** Resource group and name of the DNS zone external-dns writes to. @default - no external-dns */
    private readonly externalDnsZone?: { readonly resourceGroupName: string; readonly zoneName: string },
  ) {}

  externalDns(scope: Construct): Record<string, unknown> | undefined {
    if (!this.externalDnsZone) return undefined;
    const names = azureNames(this.clusterName);
    const identity = new DataAzurermUserAssignedIdentity(scope, 'ExternalDnsIdentity', {
      name: names.externalDnsIdentity,
      resourceGroupName: names.resourceGroup,
    });
    const client = new DataAzurermClientConfig(scope, 'ExternalDnsClient');
    // The ids are GUIDs, so the references can sit inside a JSON string that Helm values carry as text.
    const azureJson = JSON.stringify({
      tenantId: client.tenantId,
      subscriptionId: client.subscriptionId,
      resourceGroup: this.externalDnsZone.resourceGroupName,
      useWorkloadIdentityExtension: true,
    });
    return {
      provider: { name: 'azure' },
      podLabels: { 'azure.workload.identity/use': 'true' },
      serviceAccount: {
        labels: { 'azure.workload.identity/use': 'true' },
        annotations: { 'azure.workload.identity/client-id': identity.clientId },
      },
      secretConfiguration: { enabled: true, mountPath: '/etc/kubernetes/', data: { 'azure.json': azureJson } },
    };
  }

  storageClasses(scope: Construct): StorageClassSpec[] {
    const names = azureNames(this.clusterName);
    const des = new DataAzurermDiskEncryptionSet(scope, 'DiskEncryptionSet', {
      name: names.diskEncryptionSet,
      resourceGroupName: names.resourceGroup,
    });
    return [
      {
        name: names.blockStorageClass,
        provisioner: 'disk.csi.azure.com',
        parameters: {
          skuName: 'Premium_LRS',
          diskEncryptionSetID: des.id,
          diskEncryptionType: 'EncryptionAtRestWithCustomerKey',
        },
        isDefault: true,
      },
      {
        name: names.sharedStorageClass,
        provisioner: 'file.csi.azure.com',
        parameters: { skuName: 'Premium_LRS', protocol: 'nfs' },
      },
    ];
  }

  secretOperator(scope: Construct): SecretOperatorIdentity {
    const names = azureNames(this.clusterName);
    const identity = new DataAzurermUserAssignedIdentity(scope, 'SecretOperatorIdentity', {
      name: names.secretOperatorIdentity,
      resourceGroupName: names.resourceGroup,
    });
    const vault = new DataAzurermKeyVault(scope, 'KeyVault', {
      name: names.keyVault,
      resourceGroupName: names.resourceGroup,
    });
    return {
      serviceAccountAnnotations: { 'azure.workload.identity/client-id': identity.clientId },
      podLabels: { 'azure.workload.identity/use': 'true' },
      clusterStoreProvider: {
        azurekv: {
          vaultUrl: vault.vaultUri,
          authType: 'WorkloadIdentity',
          serviceAccountRef: { name: 'external-secrets', namespace: PLATFORM_DEFAULTS.externalSecretsNamespace },
        },
      },
    };
  }

  clusterAutoscaler(): undefined {
    return undefined;
  }
}
