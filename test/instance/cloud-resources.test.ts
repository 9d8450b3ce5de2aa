import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformResource, TerraformStack, Testing } from 'cdktf';
import type { IConstruct } from 'constructs';
import { parseConfig } from '../../config/load';
import { AzureInstanceResources, azureInstanceResourceNames } from '../../constructs/azure/instance-resources';
import { GcpInstanceResources, gcpInstanceResourceNames } from '../../constructs/gcp/instance-resources';
import { buildStacks, configFromYaml, onlyResource, resources, synthJson, type TerraformJson } from '../fixtures';

const CONFIG = `clusters:
  - name: az
    cloud: azure
    location: westeurope
    kubernetesVersion: "1.33"
    tenantId: 00000000-0000-4000-8000-000000000001
    subscriptionId: 00000000-0000-4000-8000-000000000003
    adminGroupObjectIds: [00000000-0000-4000-8000-000000000002]
    keyVaultAllowedIpRanges: [203.0.113.10/32, 198.51.100.0/24]
  - name: gk
    cloud: gcp
    project: sandbox-proj
    region: europe-west1
  - name: aw
    cloud: aws
    region: eu-west-2
    kubernetesVersion: "1.33"
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admin]
instances:
  - name: az-team
    cluster: az
    owner: ann@example.org
    blocks: [app]
    cloudResources: { objectStorage: true, queue: true, table: true }
  - name: gk-team
    cluster: gk
    owner: gus@example.org
    blocks: [app]
    cloudResources: { objectStorage: true, queue: true, table: true }
  - name: gk-mock
    cluster: gk
    owner: gus@example.org
    blocks: [app]
    mocks: [cloud]
    cloudResources: { source: mock, objectStorage: true, queue: true }
  - name: aw-team
    cluster: aw
    owner: al@example.org
    blocks: [app]
    cloudResources: { objectStorage: true, queue: true, table: true }
catalog:
  - name: app
    labels: { kind: app, version: 1.0.0 }
    chart: { repository: "oci://registry.example.org/charts", name: app, version: 1.0.0 }
    resources: { cpu: 100m, memory: 128Mi }
    inject:
      objectStorageBucket: cloud.bucket
      queueName: cloud.queue
      queueSubscription: cloud.subscription
      tableName: cloud.table
      cloudRegion: cloud.region
      cloudServiceAccount: serviceAccount.name
      cloudProject: cloud.project
      cloudStorageAccount: cloud.storageAccount
      cloudApiUrl: cloud.endpointUrl
    images: [registry.example.org/app:1.0.0]
`;

const stacks = buildStacks(configFromYaml(CONFIG));
const az = synthJson(stacks.instances.get('instance-az-team')!);
const gk = synthJson(stacks.instances.get('instance-gk-team')!);
const gkMock = synthJson(stacks.instances.get('instance-gk-mock')!);
const values = (json: TerraformJson) =>
  JSON.parse(Object.values<any>(resources(json, 'helm_release')).find((r) => r.name === 'app').values[0]);
const sandboxCloudAccount = (json: TerraformJson) =>
  Object.values<any>(resources(json, 'kubernetes_service_account_v1')).find((a) => a.metadata.name === 'sandbox-cloud');
const address = (json: TerraformJson, type: string, attr = 'id') =>
  `\${${type}.${Object.keys(resources(json, type))[0]}.${attr}}`;

describe('Azure instance cloud resources', () => {
  it('creates one storage account named from cluster and instance, Entra ID only, encrypted with the cluster key', () => {
    const account = onlyResource(az, 'azurerm_storage_account');
    expect(account).toMatchObject({
      name: azureInstanceResourceNames('az', 'az-team', {}).account,
      resource_group_name: 'rg-sandbox-az',
      account_replication_type: 'LRS',
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      allow_nested_items_to_be_public: false,
      min_tls_version: 'TLS1_2',
      infrastructure_encryption_enabled: true,
      queue_encryption_key_type: 'Account',
      table_encryption_key_type: 'Account',
      local_user_enabled: false,
      customer_managed_key: {
        key_vault_key_id: expect.stringMatching(/^\$\{data\.azurerm_key_vault_key\.\w+\.versionless_id\}$/),
        user_assigned_identity_id: expect.stringMatching(/^\$\{data\.azurerm_user_assigned_identity\.\w+\.id\}$/),
      },
    });
    expect(Object.values<any>(az.data!.azurerm_key_vault_key)[0].name).toBe('instance-data');
    expect(Object.values<any>(az.data!.azurerm_key_vault).map((v) => v.name)).toContain('kv-az');
    expect(Object.values<any>(az.data!.azurerm_user_assigned_identity)[0].name).toBe('id-az-instance-data');
  });

  it('lets in only the cluster node subnet and the Terraform run, by firewall', () => {
    const rules = onlyResource(az, 'azurerm_storage_account').network_rules;
    expect(rules).toEqual({
      default_action: 'Deny',
      bypass: ['AzureServices'],
      virtual_network_subnet_ids: [expect.stringMatching(/^\$\{data\.azurerm_subnet\.\w+\.id\}$/)],
      ip_rules: ['203.0.113.10', '198.51.100.0/24'],
    });
    expect(Object.values<any>(az.data!.azurerm_subnet)[0]).toMatchObject({
      name: 'nodes',
      virtual_network_name: 'vnet-az',
    });
  });

  it('creates the container, queue and table in that account', () => {
    const account = address(az, 'azurerm_storage_account');
    expect(onlyResource(az, 'azurerm_storage_container')).toMatchObject({
      name: 'sandbox-az-team',
      storage_account_id: account,
      container_access_type: 'private',
    });
    expect(onlyResource(az, 'azurerm_storage_queue')).toMatchObject({
      name: 'sandbox-az-team',
      storage_account_id: account,
    });
    expect(onlyResource(az, 'azurerm_storage_table')).toMatchObject({
      name: 'sandboxazteam',
      storage_account_name: address(az, 'azurerm_storage_account', 'name'),
    });
  });

  it("gives only the instance's sandbox-cloud service account a data-plane role on exactly each resource", () => {
    const federation = onlyResource(az, 'azurerm_federated_identity_credential');
    expect(federation).toMatchObject({
      subject: 'system:serviceaccount:az-team:sandbox-cloud',
      audience: ['api://AzureADTokenExchange'],
    });
    const roles = Object.values<any>(resources(az, 'azurerm_role_assignment')).map((r) => ({
      role: r.role_definition_name,
      scope: r.scope,
    }));
    expect(roles.sort((a, b) => a.role.localeCompare(b.role))).toEqual([
      { role: 'Storage Blob Data Contributor', scope: address(az, 'azurerm_storage_container') },
      { role: 'Storage Queue Data Contributor', scope: address(az, 'azurerm_storage_queue') },
      { role: 'Storage Table Data Contributor', scope: address(az, 'azurerm_storage_table', 'resource_manager_id') },
    ]);
    const identity = Object.values<any>(resources(az, 'azurerm_user_assigned_identity')).find(
      (i) => i.name === 'id-az-az-team-cloud-787c61f5',
    );
    expect(identity).toBeTruthy();
    expect(sandboxCloudAccount(az).metadata.annotations).toEqual({
      'azure.workload.identity/client-id': expect.stringMatching(
        /^\$\{azurerm_user_assigned_identity\.CloudResources_Azure_Identity_\w+\.client_id\}$/,
      ),
    });
  });

  it("wires container, queue, table, region, the storage account's blob URL and service account into the block", () => {
    expect(values(az).cloud).toEqual({
      bucket: 'sandbox-az-team',
      queue: 'sandbox-az-team',
      table: 'sandboxazteam',
      region: 'westeurope',
      storageAccount: `https://${azureInstanceResourceNames('az', 'az-team', {}).account}.blob.core.windows.net`,
    });
    expect(values(az).serviceAccount).toEqual({ name: 'sandbox-cloud' });
  });

  it('creates the instance data key and the identity that uses it in the cluster stack', () => {
    const cluster = synthJson(stacks.clusters.get('cluster-az')!);
    const key = Object.values<any>(resources(cluster, 'azurerm_key_vault_key')).find((k) => k.name === 'instance-data');
    expect(key).toMatchObject({ key_type: 'RSA-HSM', key_opts: ['wrapKey', 'unwrapKey'] });
    const identity = Object.entries<any>(resources(cluster, 'azurerm_user_assigned_identity')).find(
      ([, i]) => i.name === 'id-az-instance-data',
    )!;
    const grant = Object.values<any>(resources(cluster, 'azurerm_role_assignment')).find(
      (r) => r.principal_id === `\${azurerm_user_assigned_identity.${identity[0]}.principal_id}`,
    );
    expect(grant).toMatchObject({
      role_definition_name: 'Key Vault Crypto Service Encryption User',
      scope: expect.stringMatching(/azurerm_key_vault_key\.InstanceData_Key_\w+\.resource_versionless_id/),
    });
    expect(Object.values<any>(resources(cluster, 'azurerm_virtual_network'))[0].name).toBe('vnet-az');
  });
});

describe('Google instance cloud resources', () => {
  const key = 'projects/sandbox-proj/locations/europe-west1/keyRings/gk-keys/cryptoKeys/gk-instance-data';

  it('creates a bucket with uniform access, public access prevention and the cluster key', () => {
    expect(onlyResource(gk, 'google_storage_bucket')).toMatchObject({
      name: 'sandbox-gk-gk-team-089c9255',
      location: 'europe-west1',
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      versioning: { enabled: true },
      encryption: { default_kms_key_name: key },
      force_destroy: true,
    });
  });

  it('creates a Pub/Sub topic under the cluster key kept in the region, and one subscription', () => {
    expect(onlyResource(gk, 'google_pubsub_topic')).toMatchObject({
      name: 'sandbox-gk-gk-team-089c9255',
      kms_key_name: key,
      message_storage_policy: { allowed_persistence_regions: ['europe-west1'] },
    });
    expect(onlyResource(gk, 'google_pubsub_subscription')).toMatchObject({
      name: 'sandbox-gk-gk-team-089c9255',
      topic: address(gk, 'google_pubsub_topic'),
    });
  });

  it('creates a Firestore database in Datastore mode under the cluster key, deletable with the instance', () => {
    expect(onlyResource(gk, 'google_firestore_database')).toMatchObject({
      name: 'sandbox-gk-gk-team-089c9255',
      location_id: 'europe-west1',
      type: 'DATASTORE_MODE',
      cmek_config: { kms_key_name: key },
      delete_protection_state: 'DELETE_PROTECTION_DISABLED',
      deletion_policy: 'DELETE',
    });
  });

  it("binds a Google service account to the instance's sandbox-cloud service account only, with a role on exactly each resource", () => {
    const account = onlyResource(gk, 'google_service_account');
    expect(account.account_id).toBe('sbc-gk-gk-team-a20c0737');
    const member = address(gk, 'google_service_account', 'member');
    expect(onlyResource(gk, 'google_service_account_iam_member')).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: 'serviceAccount:sandbox-proj.svc.id.goog[gk-team/sandbox-cloud]',
    });
    expect(onlyResource(gk, 'google_storage_bucket_iam_member')).toEqual(
      expect.objectContaining({
        bucket: address(gk, 'google_storage_bucket', 'name'),
        role: 'roles/storage.objectUser',
        member,
      }),
    );
    expect(onlyResource(gk, 'google_pubsub_topic_iam_member')).toEqual(
      expect.objectContaining({
        topic: address(gk, 'google_pubsub_topic', 'name'),
        role: 'roles/pubsub.publisher',
        member,
      }),
    );
    expect(onlyResource(gk, 'google_pubsub_subscription_iam_member')).toEqual(
      expect.objectContaining({
        subscription: address(gk, 'google_pubsub_subscription', 'name'),
        role: 'roles/pubsub.subscriber',
        member,
      }),
    );
    expect(onlyResource(gk, 'google_project_iam_member')).toEqual(
      expect.objectContaining({
        role: 'roles/datastore.user',
        member,
        condition: expect.objectContaining({
          expression: 'resource.name == "projects/sandbox-proj/databases/sandbox-gk-gk-team-089c9255"',
        }),
      }),
    );
    expect(sandboxCloudAccount(gk).metadata.annotations).toEqual({
      'iam.gke.io/gcp-service-account': address(gk, 'google_service_account', 'email'),
    });
  });

  it('wires bucket, topic, subscription, database, region and project into the block', () => {
    expect(values(gk).cloud).toEqual({
      bucket: 'sandbox-gk-gk-team-089c9255',
      queue: 'sandbox-gk-gk-team-089c9255',
      subscription: 'sandbox-gk-gk-team-089c9255',
      table: 'sandbox-gk-gk-team-089c9255',
      region: 'europe-west1',
      project: 'sandbox-proj',
    });
  });

  it('switches the same block to the cloud mock with source: mock, creating nothing in the project', () => {
    expect(
      Object.keys(gkMock.resource!).filter((t) => /^google_(storage|pubsub|firestore|service_account)/.test(t)),
    ).toEqual([]);
    expect(values(gkMock).cloud).toEqual({
      bucket: 'sandbox-gk-gk-mock-7a4dc9b8',
      queue: 'sandbox-gk-gk-mock-7a4dc9b8',
      region: 'us-east-1',
      endpointUrl: expect.stringMatching(/^http:\/\/mock-cloud\./),
    });
    expect(sandboxCloudAccount(gkMock)).toBeUndefined();
  });

  it('lets the storage, Pub/Sub and Firestore service agents use the instance data key of the cluster stack', () => {
    const cluster = synthJson(stacks.clusters.get('cluster-gk')!);
    const keyEntry = Object.entries<any>(resources(cluster, 'google_kms_crypto_key')).find(
      ([, k]) => k.name === 'gk-instance-data',
    )!;
    const users = Object.values<any>(resources(cluster, 'google_kms_crypto_key_iam_member')).filter(
      (m) => m.crypto_key_id === `\${google_kms_crypto_key.${keyEntry[0]}.id}`,
    );
    expect(users).toHaveLength(3);
    expect(users.map((u) => u.member)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^serviceAccount:\$\{data\.google_storage_project_service_account\.\w+\.email_address\}$/,
        ),
        expect.stringMatching(
          /^serviceAccount:service-\$\{data\.google_project\.\w+\.number\}@gcp-sa-firestore\.iam\.gserviceaccount\.com$/,
        ),
        expect.stringMatching(
          /^serviceAccount:service-\$\{data\.google_project\.\w+\.number\}@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/,
        ),
      ]),
    );
    const apis = Object.values<any>(resources(cluster, 'google_project_service')).map((s) => s.service);
    expect(apis).toEqual(
      expect.arrayContaining(['storage.googleapis.com', 'pubsub.googleapis.com', 'firestore.googleapis.com']),
    );
  });
});

describe('instance cloud resource names', () => {
  it('keeps Azure storage account names within 3-24 lower-case letters and digits, and distinct where dashes alone differ', () => {
    const long = azureInstanceResourceNames(
      'a-very-long-cluster-name-here',
      'an-even-longer-instance-name-that-goes-on-and-on',
      { table: true },
    );
    for (const n of [long, azureInstanceResourceNames('a', 'b', {})]) expect(n.account).toMatch(/^[a-z0-9]{3,24}$/);
    expect(azureInstanceResourceNames('ab', 'c-d', {}).account).not.toBe(
      azureInstanceResourceNames('a-bc', 'd', {}).account,
    );
    expect(long.table).toMatch(/^[A-Za-z][A-Za-z0-9]{2,62}$/);
    expect(azureInstanceResourceNames('c', 'a--b', { objectStorage: true }).container).toBe('sandbox-a-b');
  });

  it('keeps Google names within their services’ limits for the longest cluster and instance names', () => {
    const n = gcpInstanceResourceNames('c'.repeat(40), 'i'.repeat(63), {
      objectStorage: true,
      queue: true,
      table: true,
    });
    expect(n.bucket).toMatch(/^[a-z0-9][-a-z0-9]{1,61}[a-z0-9]$/);
    expect(n.database).toMatch(/^[a-z][-a-z0-9]{2,61}[a-z0-9]$/);
    expect(n.account).toMatch(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
    expect(n.topic!.length).toBeLessThanOrEqual(255);
    expect(gcpInstanceResourceNames('c', 'x', {}).account).toMatch(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
  });
});

describe('cost attribution tags', () => {
  /** Every resource of the stack whose type takes `tags` (Azure) or `labels` (Google). */
  const taggable = (stack: IConstruct, field: 'tags' | 'labels') =>
    stack.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource && `${field}Input` in c);
  const configFor = (json: TerraformJson, r: TerraformResource) =>
    (json.resource as any)[r.terraformResourceType][r.friendlyUniqueId];

  it('tags every taggable Azure resource of an instance with its instance and owner', () => {
    const stack = stacks.instances.get('instance-az-team')!;
    const found = taggable(stack, 'tags');
    expect(found.map((r) => r.terraformResourceType)).toEqual(
      expect.arrayContaining(['azurerm_storage_account', 'azurerm_user_assigned_identity']),
    );
    for (const r of found)
      expect({ type: r.terraformResourceType, tags: configFor(az, r).tags }).toEqual({
        type: r.terraformResourceType,
        tags: expect.objectContaining({ 'sandbox-instance': 'az-team', 'sandbox-owner': 'ann@example.org' }),
      });
  });

  it('labels every labelled Google resource of an instance through the provider default labels, which no resource overrides', () => {
    expect(gk.provider!.google[0].default_labels).toMatchObject({
      'sandbox-instance': 'gk-team',
      'sandbox-owner': 'gus_example_org',
    });
    const found = taggable(stacks.instances.get('instance-gk-team')!, 'labels');
    expect(found.map((r) => r.terraformResourceType)).toEqual(
      expect.arrayContaining(['google_storage_bucket', 'google_pubsub_topic', 'google_pubsub_subscription']),
    );
    for (const r of found)
      expect([configFor(gk, r).labels?.['sandbox-instance'], configFor(gk, r).labels?.['sandbox-owner']]).toEqual([
        undefined,
        undefined,
      ]);
  });

  it('tags every AWS resource through the provider default tags', () => {
    const aw = synthJson(stacks.instances.get('instance-aw-team')!);
    expect(aw.provider!.aws[0].default_tags[0].tags).toMatchObject({
      'sandbox-instance': 'aw-team',
      'sandbox-owner': 'al@example.org',
    });
  });
});

describe('cloudResources config checks on Google and Azure', () => {
  it('accepts cloud resources on Azure and Google clusters', () => {
    expect(stacks.instances.has('instance-az-team') && stacks.instances.has('instance-gk-team')).toBe(true);
  });

  it('refuses a Google bucket whose derived name would contain "google", at the line of objectStorage', () => {
    const text = CONFIG.replace('  - name: gk-team\n', '  - name: google-team\n');
    expect(() => parseConfig(text, 'c.yaml')).toThrow(
      /c\.yaml:29:\d+: instances\[1\]\.cloudResources\.objectStorage: Cloud Storage bucket names must not contain "google"/,
    );
  });
});

describe('instance cloud resource constructs', () => {
  const common = { clusterName: 'c', instanceName: 'i', namespace: 'i', serviceAccountName: 'sandbox-cloud' };

  it('refuse to be created with nothing to create', () => {
    const stack = new TerraformStack(Testing.app(), 'empty');
    expect(
      () =>
        new AzureInstanceResources(stack, 'Az', { ...common, location: 'westeurope', oidcIssuerUrl: 'https://issuer' }),
    ).toThrow(/AzureInstanceResources "Az": ask for at least one of objectStorage, queue, table/);
    expect(() => new GcpInstanceResources(stack, 'Gcp', { ...common, project: 'p', region: 'europe-west1' })).toThrow(
      /GcpInstanceResources "Gcp": ask for at least one of objectStorage, queue, table/,
    );
  });

  it('refuses a Google bucket name containing "google" when used as a library', () => {
    const stack = new TerraformStack(Testing.app(), 'google');
    expect(
      () =>
        new GcpInstanceResources(stack, 'Gcp', {
          ...common,
          instanceName: 'googlers',
          namespace: 'googlers',
          project: 'p',
          region: 'europe-west1',
          objectStorage: true,
        }),
    ).toThrow(/bucket names must not contain "google", got "sandbox-c-googlers-82357e0a"/);
  });

  it('creates only what is asked for', () => {
    const stack = new TerraformStack(Testing.app(), 'queue-only');
    new GoogleProvider(stack, 'google', { project: 'p' });
    new GcpInstanceResources(stack, 'Gcp', { ...common, project: 'p', region: 'europe-west1', queue: true });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(Object.keys(json.resource).sort()).toEqual([
      'google_pubsub_subscription',
      'google_pubsub_subscription_iam_member',
      'google_pubsub_topic',
      'google_pubsub_topic_iam_member',
      'google_service_account',
      'google_service_account_iam_member',
    ]);
  });
});
