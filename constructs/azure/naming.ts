import { boundedName, instanceCloudName } from '../names';

/** Names of one instance's managed identities and database server, unambiguous across clusters (see instanceCloudName). */
export const azureInstanceNames = (cluster: string, instance: string) => {
  const id = { cluster, instance };
  return {
    secretsIdentity: instanceCloudName(id, ['id', cluster, instance], 128),
    cloudIdentity: instanceCloudName(id, ['id', cluster, instance, 'cloud'], 128),
    databaseIdentity: instanceCloudName(id, ['id', cluster, instance, 'db'], 128),
    /** PostgreSQL flexible server name (global), before the suffix drawn at apply time. */
    databaseServer: instanceCloudName(id, ['sandbox', cluster, instance], 56),
  };
};

/** Names shared by the Azure cluster stack and the stacks that look the cluster up by name. */
export const azureNames = (cluster: string) => ({
  resourceGroup: `rg-sandbox-${cluster}`,
  aksCluster: `aks-${cluster}`,
  /** Key Vault names: 3-24 alphanumerics and dashes, globally unique. */
  keyVault: boundedName(['kv', cluster], 24),
  /** The vault of the etcd key, which has no firewall (the KMS plugin cannot pass one). */
  etcdKeyVault: boundedName(['kvk', cluster], 24),
  controlPlaneIdentity: `id-${cluster}-control-plane`,
  externalDnsIdentity: `id-${cluster}-external-dns`,
  secretOperatorIdentity: `id-${cluster}-secret-operator`,
  diskEncryptionSet: `des-${cluster}`,
  vnet: `vnet-${cluster}`,
  nodeSubnet: 'nodes',
  /** Instances' managed databases (`managedDatabases`): their subnet, private DNS zone, key and the identity that uses it. */
  databaseSubnet: 'databases',
  databaseDnsZone: `${cluster}.private.postgres.database.azure.com`,
  databaseKey: 'database-encryption',
  databaseIdentity: `id-${cluster}-databases`,
  blockStorageClass: 'managed-csi-premium-encrypted',
  sharedStorageClass: 'azurefile-csi-premium',
});

/** The Entra ID application every AKS cluster with Entra ID integration uses as token audience. */
export const AKS_AAD_SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

/** The blob service URL of a storage account in Azure's public cloud, as blocks take it (`cloudStorageAccount`). */
export const azureBlobEndpoint = (account: string) => `https://${account}.blob.core.windows.net`;
