import { join } from 'path';
import { loadConfig, parseConfig } from '../config/load';
import { billOfMaterials } from '../cli/commands/bom';
import { usersScript } from '../constructs/instance/managed-database';
import { buildStacks, onlyResource, resources, synthJson, type TerraformJson } from './fixtures';

const EXAMPLES = join(__dirname, '..', 'examples');
const ebury = buildStacks(loadConfig(join(EXAMPLES, 'ebury.yaml')));
const risk = synthJson(ebury.instances.get('instance-risk-staging')!);
const inCluster = synthJson(ebury.instances.get('instance-fx-team')!);

const release = (json: TerraformJson, name: string) =>
  Object.values<any>(resources(json, 'helm_release')).find((r) => r.name === name);
const valuesOf = (json: TerraformJson, name: string) => JSON.parse(release(json, name).values[0]);
const address = (json: TerraformJson, type: string, attribute: string) =>
  `\${${type}.${Object.keys(resources(json, type))[0]}.${attribute}}`;
const manifest = (json: TerraformJson, kind: string, name: string) =>
  Object.values<any>(resources(json, 'kubernetes_manifest')).find(
    (m) => m.manifest.kind === kind && m.manifest.metadata.name === name,
  )?.manifest;
const secretValue = (json: TerraformJson, secret: string) =>
  Object.entries<any>(resources(json, 'aws_secretsmanager_secret_version')).find(([id]) =>
    id.includes(`Value-${secret}_`),
  )![1].secret_string as string;
/** The keys of a `${jsonencode({"k" = …, …})}` secret string. */
const keysOf = (secretString: string) => [...secretString.matchAll(/"([a-z-]+)" = /g)].map((m) => m[1]).sort();

describe('managed database on AWS (examples/ebury.yaml, instance risk-staging)', () => {
  const db = onlyResource(risk, 'aws_db_instance');
  const dbAddress = address(risk, 'aws_db_instance', 'address');

  it("creates an RDS server of the instance in the cluster's private subnets, encrypted with the cluster's data key, never public", () => {
    expect(db).toMatchObject({
      identifier: 'sandbox-ebury-risk-staging-fbc77086',
      engine: 'postgres',
      engine_version: '17',
      storage_encrypted: true,
      kms_key_id: expect.stringMatching(/^\$\{data\.aws_kms_alias\.ManagedDatabase_DataKey_\w+\.target_key_arn\}$/),
      publicly_accessible: false,
      iam_database_authentication_enabled: true,
    });
    expect(Object.values<any>(risk.data!.aws_kms_alias).map((a) => a.name)).toEqual(
      expect.arrayContaining(['alias/sandbox-ebury-data', 'alias/sandbox-ebury-secrets']),
    );
    expect(onlyResource(risk, 'aws_db_subnet_group').subnet_ids).toMatch(
      /data\.aws_eks_cluster\.Cluster_\w+\.vpc_config\[0\]\.subnet_ids/,
    );
    expect(db.db_subnet_group_name).toBe(address(risk, 'aws_db_subnet_group', 'name'));
  });

  it('leaves the master password to RDS in Secrets Manager under the secrets key: no password in the JSON', () => {
    expect(db).toMatchObject({
      manage_master_user_password: true,
      master_user_secret_kms_key_id: expect.stringContaining('ManagedDatabase_SecretsKey'),
    });
    expect(db.password).toBeUndefined();
    const text = JSON.stringify(risk);
    expect(text).not.toMatch(/"(master_)?password":/);
    expect(text).not.toMatch(/PASSWORD=[A-Za-z0-9]/);
  });

  it('goes with the instance: no final snapshot, no deletion protection, automated backups deleted', () => {
    expect(db).toMatchObject({ skip_final_snapshot: true, deletion_protection: false, delete_automated_backups: true });
    expect(db.final_snapshot_identifier).toBeUndefined();
  });

  it('requires TLS and logs DDL and slow statements through its own parameter group', () => {
    const group = onlyResource(risk, 'aws_db_parameter_group');
    expect(group.family).toBe('postgres17');
    expect(group.parameter).toEqual(
      expect.arrayContaining([
        { name: 'rds.force_ssl', value: '1' },
        { name: 'log_statement', value: 'ddl' },
      ]),
    );
    expect(db.parameter_group_name).toBe(address(risk, 'aws_db_parameter_group', 'name'));
  });

  it("admits only the cluster's security group, on the engine's port", () => {
    const group = onlyResource(risk, 'aws_security_group');
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
    expect(db.vpc_security_group_ids).toEqual([address(risk, 'aws_security_group', 'id')]);
    expect(onlyResource(risk, 'aws_vpc_security_group_ingress_rule')).toEqual({
      security_group_id: address(risk, 'aws_security_group', 'id'),
      description: 'The cluster security group',
      ip_protocol: 'tcp',
      from_port: 5432,
      to_port: 5432,
      referenced_security_group_id: expect.stringMatching(/vpc_config\[0\]\.cluster_security_group_id\}$/),
    });
    expect(resources(risk, 'aws_vpc_security_group_egress_rule')).toEqual({});
  });

  it("lets only the instance's sandbox-database service account read exactly the master secret", () => {
    const docs = risk.data!.aws_iam_policy_document;
    const trust = Object.entries<any>(docs).find(([k]) => k.startsWith('ManagedDatabase_Role_Trust'))![1];
    expect(trust.statement[0].condition).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          variable: expect.stringMatching(/:sub$/),
          values: ['system:serviceaccount:risk-staging:sandbox-database'],
        }),
      ]),
    );
    const policy = Object.entries<any>(docs).find(([k]) => k.startsWith('ManagedDatabase_Role_PolicyDocument'))![1];
    expect(policy.statement).toEqual([
      expect.objectContaining({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [address(risk, 'aws_db_instance', 'master_user_secret[0].secret_arn')],
      }),
      {
        actions: ['kms:Decrypt'],
        resources: [expect.stringContaining('ManagedDatabase_SecretsKey')],
        // Only through Secrets Manager, and only for the database's own master secret.
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-2.amazonaws.com'] },
          {
            test: 'StringLike',
            variable: 'kms:EncryptionContext:SecretARN',
            values: [address(risk, 'aws_db_instance', 'master_user_secret[0].secret_arn')],
          },
        ],
      },
    ]);
    const account = Object.values<any>(resources(risk, 'kubernetes_service_account_v1')).find(
      (a) => a.metadata.name === 'sandbox-database',
    );
    expect(account).toMatchObject({ automount_service_account_token: false, metadata: { namespace: 'risk-staging' } });
    expect(account.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(
      /^\$\{aws_iam_role\.ManagedDatabase_Role_\w+\.arn\}$/,
    );
  });

  it('syncs the master credential through a SecretStore of its own, into the instance namespace only', () => {
    expect(manifest(risk, 'SecretStore', 'sandbox-database').spec.provider.aws).toMatchObject({
      service: 'SecretsManager',
      region: 'eu-west-2',
      auth: { jwt: { serviceAccountRef: { name: 'sandbox-database' } } },
    });
    expect(manifest(risk, 'ExternalSecret', 'sandbox-database-admin')).toMatchObject({
      metadata: { namespace: 'risk-staging' },
      spec: {
        secretStoreRef: { name: 'sandbox-database' },
        dataFrom: [{ extract: { key: address(risk, 'aws_db_instance', 'master_user_secret[0].secret_arn') } }],
      },
    });
  });

  it('tags every AWS resource of the instance with its instance and owner', () => {
    expect(risk.provider!.aws[0].default_tags[0].tags).toMatchObject({
      'sandbox-instance': 'risk-staging',
      'sandbox-owner': 'risk-lead@ebury.example',
    });
  });

  it('installs no in-cluster database and gives each consumer the same Secret keys as the in-cluster provider does', () => {
    expect(release(risk, 'postgresql')).toBeUndefined();
    expect(keysOf(secretValue(risk, 'keycloak-database'))).toEqual(keysOf(secretValue(inCluster, 'keycloak-database')));
    expect(secretValue(risk, 'keycloak-database')).toContain(`"host" = ${dbAddress.slice(2, -1)}`);
    expect(secretValue(risk, 'keycloak-database')).toMatch(
      /"uri" = "postgresql:\/\/keycloak:\$\{random_password\.[\w-]+\.result\}@\$\{aws_db_instance\.\w+\.address\}:5432\/keycloak\?sslmode=require"/,
    );
    expect(manifest(risk, 'ExternalSecret', 'keycloak-database').spec.secretStoreRef.name).toBe('sandbox-secrets');
  });

  it('wires the server into the consuming blocks exactly where the in-cluster one goes', () => {
    expect(valuesOf(risk, 'keycloak').database).toEqual({
      ...valuesOf(inCluster, 'keycloak').database,
      hostname: dbAddress,
    });
    const sql = valuesOf(risk, 'workflow').server.config.persistence.datastores;
    expect(sql.default.sql).toMatchObject({
      connectAddr: `${dbAddress}:5432`,
      databaseName: 'workflow',
      user: 'workflow',
      existingSecret: 'workflow-database',
    });
    expect(sql.visibility.sql).toMatchObject({
      databaseName: 'workflow_visibility',
      existingSecret: 'workflow-database',
      tls: { enabled: true },
    });
    expect(sql.default.sql.tls).toEqual({ enabled: true });
  });

  it("creates each consumer's user and databases with a Job the consumers wait for", () => {
    const job = onlyResource(risk, 'kubernetes_job_v1');
    expect(job.wait_for_completion).toBe(true);
    const pod = job.spec.template.spec;
    const script: string = pod.container[0].command[2];
    expect(script).toContain(`ALTER ROLE "keycloak" WITH LOGIN PASSWORD :'pw_0';`);
    expect(script).toContain(`'CREATE DATABASE %I OWNER %I', 'workflow_visibility', 'workflow'`);
    expect(script).toContain('REVOKE ALL ON DATABASE "keycloak" FROM PUBLIC;');
    expect(script).not.toContain('${');
    const env = Object.fromEntries(
      pod.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from.secret_key_ref]),
    );
    expect(env).toMatchObject({
      DB_HOST: dbAddress,
      ADMIN_PASSWORD: { name: 'sandbox-database-admin', key: 'password' },
      PASSWORD_0: { name: 'keycloak-database', key: 'password' },
      PASSWORD_1: { name: 'workflow-database', key: 'password' },
    });
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } });
    expect(pod.container[0].security_context).toMatchObject({
      allow_privilege_escalation: false,
      read_only_root_filesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const jobId = `kubernetes_job_v1.${Object.keys(resources(risk, 'kubernetes_job_v1'))[0]}`;
    expect(release(risk, 'keycloak').depends_on).toContain(jobId);
    expect(release(risk, 'workflow').depends_on).toContain(jobId);
    expect(release(risk, 'ledger').depends_on).not.toContain(jobId);
  });

  it('lists the users job image in the bill of materials, and no in-cluster database chart', () => {
    const bom = billOfMaterials(loadConfig(join(EXAMPLES, 'ebury.yaml')), { instance: 'risk-staging' });
    expect(bom.images).toContain('ghcr.io/cloudnative-pg/postgresql:18.3');
    expect(bom.charts.map((c) => c.name)).not.toContain('cluster');
  });

  it('opens egress from the namespace to the VPC on the database port only', () => {
    const policy = Object.values<any>(resources(risk, 'kubernetes_network_policy_v1')).find(
      (p) => p.metadata.name === 'allow-managed-database',
    );
    expect(policy.spec).toEqual({
      pod_selector: {},
      policy_types: ['Egress'],
      egress: [
        {
          to: [
            { ip_block: { cidr: expect.stringMatching(/^\$\{data\.aws_vpc\.ManagedDatabase_Vpc_\w+\.cidr_block\}$/) } },
          ],
          ports: [{ protocol: 'TCP', port: '5432' }],
        },
      ],
    });
  });
});

const AWS_CLUSTER = `clusters:
  - name: shop
    cloud: aws
    region: eu-west-1
    kubernetesVersion: "1.33"
    owner: team
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admins]
    nodePools: [{ name: general, instanceTypes: [m6i.large], minSize: 1, maxSize: 3 }]
`;
const SHOP_CATALOG = `catalog:
  - name: shop
    labels: { kind: shop, version: 1.0.0 }
    chart: { repository: "oci://registry.example.com/charts", name: shop, version: 1.0.0 }
    resources: { cpu: 100m, memory: 128Mi }
    needs: { database: mysql }
    inject: { databaseHost: db.host, databaseSecret: db.secret }
    images: [registry.example.com/shop:1.0.0]
`;

describe('managed MySQL on AWS', () => {
  const config = parseConfig(
    `${AWS_CLUSTER}instances:
  - name: cart
    cluster: shop
    owner: dev
    blocks: [shop]
    database: { source: managed, engine: mysql, version: "8.4", instanceClass: db.t4g.small, storageGiB: 30 }
${SHOP_CATALOG}`,
    'shop.yaml',
  );
  const json = synthJson(buildStacks(config).instances.get('instance-cart')!);

  it('takes engine, version, class and storage from the config, with TLS required', () => {
    expect(onlyResource(json, 'aws_db_instance')).toMatchObject({
      engine: 'mysql',
      engine_version: '8.4',
      instance_class: 'db.t4g.small',
      allocated_storage: 30,
      port: 3306,
    });
    const group = onlyResource(json, 'aws_db_parameter_group');
    expect(group.family).toBe('mysql8.4');
    expect(group.parameter).toContainEqual({ name: 'require_secure_transport', value: '1' });
  });

  it('gives the block its mysql Secret and host, and a users job that creates them', () => {
    expect(JSON.parse(release(json, 'shop').values[0]).db).toEqual({
      host: address(json, 'aws_db_instance', 'address'),
      secret: 'shop-database',
    });
    const script: string = onlyResource(json, 'kubernetes_job_v1').spec.template.spec.container[0].command[2];
    expect(script).toContain("CREATE USER IF NOT EXISTS 'shop'@'%' IDENTIFIED BY '$PASSWORD_0' REQUIRE SSL;");
    expect(script).toContain("GRANT ALL PRIVILEGES ON \\`shop\\`.* TO 'shop'@'%';");
    expect(onlyResource(json, 'kubernetes_job_v1').spec.template.spec.container[0].image).toBe(
      'docker.io/library/mysql:8.4.8',
    );
  });
});

describe('managed database for library users (config checks bypassed)', () => {
  const parsed = parseConfig(
    `${AWS_CLUSTER}instances:
  - name: cart
    cluster: shop
    owner: dev
    blocks: [shop]
    database: { source: managed, engine: mysql }
${SHOP_CATALOG}`,
    'shop.yaml',
  );
  const withInstance = (change: (i: any) => any, cluster = parsed.clusters[0]) => ({
    ...parsed,
    clusters: [cluster],
    instances: [change(parsed.instances![0])],
  });

  it('refuses an in-cluster provider of the engine next to the managed server', () => {
    expect(() => buildStacks(withInstance((i) => ({ ...i, blocks: ['shop', 'mysql'] })))).toThrow(
      /block "shop" needs a mysql database, and both block "mysql" and the instance's managed database provide one; keep one/,
    );
  });

  it('refuses a managed server on a cluster whose cloud does not create one', () => {
    const existing = {
      name: 'shop',
      cloud: 'existing',
      connection: { kind: 'kubeconfig', path: '/tmp/kubeconfig' },
      storageClasses: { blockRwo: 'standard' },
    } as any;
    expect(() => buildStacks(withInstance((i) => i, existing))).toThrow(
      /Instance "cart": managed databases are created on aws clusters, and on gcp and azure \(PostgreSQL only\) clusters with managedDatabases; cluster "shop" is existing \(use database.source: cluster\)/,
    );
  });

  it('warns when no block needs the managed engine', () => {
    const stack = buildStacks(
      withInstance((i) => ({ ...i, database: { source: 'managed', engine: 'postgresql' } })),
    ).instances.get('instance-cart')!;
    const warnings = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
    expect(warnings).toContainEqual(
      expect.stringMatching(/no block needs a postgresql database, yet the instance has a managed one/),
    );
  });

  it('refuses a database name from an influence that the users job could not quote soundly', () => {
    const config = parseConfig(
      `${AWS_CLUSTER}instances:
  - name: bi
    cluster: shop
    owner: dev
    blocks: [analytics]
    database: { source: managed, engine: postgresql }
catalog:
  - name: analytics
    labels: { kind: analytics, version: 1.0.0 }
    chart: { repository: "oci://registry.example.com/charts", name: analytics, version: 1.0.0 }
    resources: { cpu: 100m, memory: 128Mi }
    needs: { database: postgresql }
    influences:
      - target: { matchExpressions: [{ key: provides-postgresql, operator: Exists }] }
        values: { databases: [{ name: "x'; DROP ROLE y; --", owner: "{block}" }] }
    images: [registry.example.com/analytics:1.0.0]
`,
      'bi.yaml',
    );
    expect(() => buildStacks(config)).toThrow(
      /block "analytics" asks the managed database for a database named "x'; DROP ROLE y; --"; names are lower-case letters, digits, "_" and "-"/,
    );
  });

  it('creates nothing outside the cluster with source: cluster', () => {
    const json = synthJson(
      buildStacks(
        withInstance((i) => ({ ...i, blocks: ['shop', 'mysql'], database: { source: 'cluster', engine: 'mysql' } })),
      ).instances.get('instance-cart')!,
    );
    expect(resources(json, 'aws_db_instance')).toEqual({});
    expect(resources(json, 'kubernetes_job_v1')).toEqual({});
    expect(JSON.parse(release(json, 'shop').values[0]).db).toEqual({
      host: 'mysql.cart.svc.cluster.local',
      secret: 'shop-database',
    });
  });
});

describe('usersScript', () => {
  it('never writes a Terraform interpolation and binds postgres passwords as variables', () => {
    const consumers = [{ user: 'a', databases: ['a', 'a_extra'], secret: 'a-database' }];
    for (const engine of ['postgresql', 'mysql'] as const)
      expect(usersScript(engine, consumers)).not.toMatch(/\$\{|%\{/);
    expect(usersScript('postgresql', consumers)).toContain('-v pw_0="$PASSWORD_0"');
  });
});

describe('managed database config checks', () => {
  const instance = (cluster: string, extra = '') => `instances:
  - name: one
    cluster: ${cluster}
    owner: dev
    blocks: [keycloak${extra}]
    database:
      source: managed
      engine: postgresql
`;

  it('refuses a managed database on an existing cluster, at the line of source', () => {
    const text = `clusters:
  - name: kind
    cloud: existing
    connection: { kind: kubeconfig, path: /tmp/kubeconfig }
    storageClasses: { blockRwo: standard }
${instance('kind')}`;
    expect(() => parseConfig(text, 'c.yaml')).toThrow(
      /c\.yaml:12:\d+: instances\[0\]\.database\.source: cluster "kind" is an existing cluster, with no cloud account to create a managed database in: use source: cluster and list the postgresql block/,
    );
  });

  it('refuses it on Google and Azure clusters without managedDatabases, and MySQL on Azure', () => {
    const google = `clusters:
  - name: g
    cloud: gcp
    project: p-123456
    region: europe-west1
    kubernetesVersion: "1.33"
    owner: team
${instance('g')}`;
    expect(() => parseConfig(google, 'g.yaml')).toThrow(
      /g\.yaml:14:\d+: instances\[0\]\.database\.source: cluster "g" does not offer managed databases: set managedDatabases: \{\} on it/,
    );
    const azure = `clusters:
  - name: z
    cloud: azure
    location: westeurope
    kubernetesVersion: "1.33"
    owner: team
    tenantId: 00000000-0000-4000-8000-000000000001
    subscriptionId: 00000000-0000-4000-8000-000000000003
    adminGroupObjectIds: [00000000-0000-4000-8000-000000000002]
${instance('z')}`;
    expect(() => parseConfig(azure, 'z.yaml')).toThrow(
      /z\.yaml:16:\d+: instances\[0\]\.database\.source: cluster "z" does not offer managed databases: set managedDatabases: \{\} on it \(a delegated subnet, private DNS zone and key\)/,
    );
    const mysqlOnAzure = azure
      .replace('adminGroupObjectIds', 'managedDatabases: {}\n    adminGroupObjectIds')
      .replace('engine: postgresql', 'engine: mysql');
    expect(() => parseConfig(mysqlOnAzure, 'z.yaml')).toThrow(
      /instances\[0\]\.database\.engine: managed databases on Azure are PostgreSQL Flexible Servers; use source: cluster for mysql/,
    );
  });

  it("refuses a size of the other cloud's kind", () => {
    expect(() =>
      parseConfig(`${AWS_CLUSTER}${instance('shop')}      instanceClass: db-custom-1-3840\n`, 'a.yaml'),
    ).toThrow(
      /instances\[0\]\.database\.instanceClass: on AWS this is an RDS instance class such as db\.t4g\.micro, got "db-custom-1-3840"/,
    );
  });

  it('refuses an in-cluster block of the same engine next to the managed server, at the block', () => {
    expect(() => parseConfig(`${AWS_CLUSTER}${instance('shop', ', postgresql')}`, 'a.yaml')).toThrow(
      /a\.yaml:13:\d+: instances\[0\]\.blocks\[1\]: "postgresql" provides postgresql, which the instance's managed database provides: remove the block or use database.source: cluster/,
    );
  });

  it("meets blocks' requirements on the engine with the managed server, and only with source: managed", () => {
    expect(() => parseConfig(`${AWS_CLUSTER}${instance('shop')}`, 'a.yaml')).not.toThrow();
    expect(() =>
      parseConfig(`${AWS_CLUSTER}${instance('shop').replace('source: managed', 'source: cluster')}`, 'a.yaml'),
    ).toThrow(/block "keycloak" requires a PostgreSQL database/);
  });

  it('refuses versions RDS does not offer and unknown keys', () => {
    expect(() => parseConfig(`${AWS_CLUSTER}${instance('shop')}      version: "12"\n`, 'a.yaml')).toThrow(
      /instances\[0\]\.database\.version: managed PostgreSQL starts at major version 13, got "12"/,
    );
    expect(() =>
      parseConfig(
        `${AWS_CLUSTER}${instance('shop').replace('engine: postgresql', 'engine: mysql')}      version: "8"\n`,
        'a.yaml',
      ),
    ).toThrow(/instances\[0\]\.database\.version: managed MySQL is 8\.0 or 8\.4/);
    expect(() => parseConfig(`${AWS_CLUSTER}${instance('shop')}      password: hunter2\n`, 'a.yaml')).toThrow(
      /instances\[0\]\.database/,
    );
  });
});

/** Keycloak on a managed PostgreSQL 16 (instance `idp`) on the one cluster `clusterYaml` declares: its stack and the cluster's. */
function idpOn(clusterYaml: string, clusterName: string): { json: TerraformJson; cluster: TerraformJson } {
  const stacks = buildStacks(
    parseConfig(
      `clusters:\n${clusterYaml}instances:
  - name: idp
    cluster: ${clusterName}
    owner: dev@example.org
    blocks: [keycloak]
    database: { source: managed, engine: postgresql, version: "16" }
`,
      `${clusterName}.yaml`,
    ),
  );
  return {
    json: synthJson(stacks.instances.get('instance-idp')!),
    cluster: synthJson(stacks.clusters.get(`cluster-${clusterName}`)!),
  };
}

describe('managed database on Google (Cloud SQL)', () => {
  const { json, cluster } = idpOn(
    `  - name: gke
    cloud: gcp
    project: p-123456
    region: europe-west1
    kubernetesVersion: "1.33"
    owner: team
    managedDatabases: { cidr: 10.40.0.0/20 }
`,
    'gke',
  );
  const server = onlyResource(json, 'google_sql_database_instance');

  it('gives the cluster private services access on the configured range and a key for the Cloud SQL agent', () => {
    expect(onlyResource(cluster, 'google_compute_global_address')).toMatchObject({
      purpose: 'VPC_PEERING',
      address_type: 'INTERNAL',
      address: '10.40.0.0',
      prefix_length: 20,
    });
    expect(onlyResource(cluster, 'google_service_networking_connection')).toMatchObject({
      service: 'servicenetworking.googleapis.com',
      reserved_peering_ranges: [expect.stringContaining('google_compute_global_address')],
    });
    expect(Object.values<any>(resources(cluster, 'google_kms_crypto_key')).map((k) => k.name)).toContain(
      'gke-databases',
    );
    expect(
      Object.values<any>(resources(cluster, 'google_kms_crypto_key_iam_member')).map((m) => m.member),
    ).toContainEqual(
      expect.stringMatching(
        /^serviceAccount:service-\$\{data\.google_project\.\w+\.number\}@gcp-sa-cloud-sql\.iam\.gserviceaccount\.com$/,
      ),
    );
    expect(Object.values<any>(resources(cluster, 'google_project_service')).map((s) => s.service)).toEqual(
      expect.arrayContaining(['sqladmin.googleapis.com', 'servicenetworking.googleapis.com']),
    );
  });

  it('creates a Cloud SQL server with a private address only, TLS only, under the cluster key, removed with the instance', () => {
    expect(server).toMatchObject({
      database_version: 'POSTGRES_16',
      region: 'europe-west1',
      encryption_key_name: 'projects/p-123456/locations/europe-west1/keyRings/gke-keys/cryptoKeys/gke-databases',
      deletion_protection: false,
      name: expect.stringMatching(/^sandbox-gke-idp-8b827863-\$\{random_id\.\w+\.hex\}$/),
    });
    expect(server.settings.ip_configuration).toEqual({
      ipv4_enabled: false,
      private_network: 'projects/p-123456/global/networks/gke-vpc',
      ssl_mode: 'ENCRYPTED_ONLY',
    });
    expect(server.settings).toMatchObject({
      deletion_protection_enabled: false,
      tier: 'db-custom-1-3840',
      user_labels: { 'sandbox-instance': 'idp', 'sandbox-owner': expect.stringMatching(/^dev/) },
    });
  });

  it('sets the Cloud SQL flags that log lock waits and no statement durations (what CKV_GCP_54 and 57 check)', () => {
    const flags = Object.fromEntries(server.settings.database_flags.map((f: any) => [f.name, f.value]));
    expect(flags).toMatchObject({ log_lock_waits: 'on', log_min_duration_statement: '-1' });
  });

  it('keeps the admin password out of the JSON, in Secret Manager under the cluster key, readable by the instance alone', () => {
    expect(onlyResource(json, 'google_sql_user').password).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
    const secret = Object.values<any>(resources(json, 'google_secret_manager_secret')).find((s) =>
      s.secret_id.startsWith('sandbox-gke_idp-database-admin-'),
    );
    expect(secret.replication.user_managed.replicas[0].customer_managed_encryption.kms_key_name).toMatch(
      /cryptoKeys\/gke-secret-manager$/,
    );
    const wi = Object.values<any>(resources(json, 'google_service_account_iam_member')).find((m) =>
      m.service_account_id.includes('ManagedDatabase'),
    );
    expect(wi.member).toBe('serviceAccount:p-123456.svc.id.goog[idp/sandbox-database]');
    const read = Object.values<any>(resources(json, 'google_secret_manager_secret_iam_member')).find((m) =>
      m.secret_id.includes('ManagedDatabase_AdminSecret'),
    );
    expect(read).toMatchObject({
      role: 'roles/secretmanager.secretAccessor',
      member: expect.stringContaining('ManagedDatabase_Account'),
    });
    expect(manifest(json, 'SecretStore', 'sandbox-database').spec.provider.gcpsm).toMatchObject({
      projectID: 'p-123456',
    });
    expect(manifest(json, 'ExternalSecret', 'sandbox-database-admin').spec.dataFrom[0].extract.key).toBe(
      secret.secret_id,
    );
    expect(JSON.stringify(json)).not.toMatch(/"password":"[^$]/);
  });

  it("wires the server's private address into the block and opens egress to the services range only", () => {
    const host = address(json, 'google_sql_database_instance', 'private_ip_address');
    expect(JSON.parse(release(json, 'keycloak').values[0]).database).toMatchObject({
      hostname: host,
      port: '5432',
      database: 'keycloak',
      existingSecret: 'keycloak-database',
    });
    const policy = Object.values<any>(resources(json, 'kubernetes_network_policy_v1')).find(
      (p) => p.metadata.name === 'allow-managed-database',
    );
    expect(policy.spec.egress).toEqual([
      { to: [{ ip_block: { cidr: '10.40.0.0/20' } }], ports: [{ protocol: 'TCP', port: '5432' }] },
    ]);
    expect(onlyResource(json, 'kubernetes_job_v1').spec.template.spec.container[0].env).toContainEqual({
      name: 'DB_HOST',
      value: host,
    });
  });
});

describe('managed database on Azure (PostgreSQL Flexible Server)', () => {
  const { json, cluster } = idpOn(
    `  - name: aks
    cloud: azure
    location: westeurope
    kubernetesVersion: "1.33"
    owner: team
    tenantId: 00000000-0000-4000-8000-000000000001
    subscriptionId: 00000000-0000-4000-8000-000000000003
    adminGroupObjectIds: [00000000-0000-4000-8000-000000000002]
    managedDatabases: { cidr: 10.10.32.0/24 }
`,
    'aks',
  );
  const server = onlyResource(json, 'azurerm_postgresql_flexible_server');

  it('gives the cluster a delegated subnet, a private DNS zone linked to the VNet and a key with its identity', () => {
    const subnet = Object.values<any>(resources(cluster, 'azurerm_subnet')).find((s) => s.name === 'databases');
    expect(subnet).toMatchObject({
      address_prefixes: ['10.10.32.0/24'],
      delegation: [{ service_delegation: { name: 'Microsoft.DBforPostgreSQL/flexibleServers' } }],
    });
    expect(onlyResource(cluster, 'azurerm_private_dns_zone').name).toBe('aks.private.postgres.database.azure.com');
    expect(onlyResource(cluster, 'azurerm_private_dns_zone_virtual_network_link').virtual_network_id).toMatch(
      /azurerm_virtual_network\.\w+\.id/,
    );
    expect(Object.values<any>(resources(cluster, 'azurerm_key_vault_key')).map((k) => k.name)).toContain(
      'database-encryption',
    );
    expect(
      Object.values<any>(resources(cluster, 'azurerm_role_assignment')).map((r) => r.role_definition_name),
    ).toContain('Key Vault Crypto Service Encryption User');
  });

  it('refuses a database subnet outside the VNet', () => {
    const outside = parseConfig(
      `clusters:
  - name: aks
    cloud: azure
    location: westeurope
    kubernetesVersion: "1.33"
    owner: team
    tenantId: 00000000-0000-4000-8000-000000000001
    adminGroupObjectIds: [00000000-0000-4000-8000-000000000002]
    managedDatabases: { cidr: 10.99.0.0/24 }
`,
      'azure.yaml',
    );
    expect(() => buildStacks(outside)).toThrow(
      /cidr \(10\.99\.0\.0\/24\) must lie inside the VNet \(10\.10\.0\.0\/16\)/,
    );
  });

  it('creates a server with private access only, under the cluster key, tagged, removed with the instance', () => {
    expect(server).toMatchObject({
      version: '16',
      public_network_access_enabled: false,
      delegated_subnet_id: expect.stringMatching(/^\$\{data\.azurerm_subnet\.ManagedDatabase_Subnet_\w+\.id\}$/),
      private_dns_zone_id: expect.stringMatching(
        /^\$\{data\.azurerm_private_dns_zone\.ManagedDatabase_Zone_\w+\.id\}$/,
      ),
      customer_managed_key: {
        key_vault_key_id: expect.stringContaining('data.azurerm_key_vault_key.ManagedDatabase_Key'),
        primary_user_assigned_identity_id: expect.stringContaining('data.azurerm_user_assigned_identity'),
      },
      name: expect.stringMatching(/^sandbox-aks-idp-537d4c09-\$\{random_id\.\w+\.hex\}$/),
      tags: expect.objectContaining({ 'sandbox-instance': 'idp', 'sandbox-owner': 'dev@example.org' }),
    });
    expect(server.administrator_password).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
  });

  it('keeps the admin credential in the cluster vault, readable by the instance alone, and wires the server into the block', () => {
    const secret = Object.values<any>(resources(json, 'azurerm_key_vault_secret')).find((s) =>
      s.name.endsWith('database-admin'),
    );
    expect(secret.expiration_date).toMatch(/^\$\{time_offset\.ManagedDatabase_Expiry_\w+\.rfc3339\}$/);
    expect(onlyResource(json, 'azurerm_postgresql_flexible_server').administrator_login).toBe('sandbox_admin');
    expect(secret.value).toMatch(
      /^\$\{jsonencode\(\{"username" = "sandbox_admin", "password" = random_password\.[\w-]+\.result\}\)\}$/,
    );
    const read = Object.values<any>(resources(json, 'azurerm_role_assignment')).find((r) =>
      String(r.scope).includes('ManagedDatabase_AdminSecret'),
    );
    expect(read).toMatchObject({
      role_definition_name: 'Key Vault Secrets User',
      principal_id: expect.stringContaining('ManagedDatabase_Identity'),
    });
    const federated = Object.values<any>(resources(json, 'azurerm_federated_identity_credential')).find((f) =>
      String(f.subject).endsWith(':sandbox-database'),
    );
    expect(federated.subject).toBe('system:serviceaccount:idp:sandbox-database');
    expect(manifest(json, 'SecretStore', 'sandbox-database').spec.provider.azurekv).toMatchObject({
      authType: 'WorkloadIdentity',
    });
    const host = address(json, 'azurerm_postgresql_flexible_server', 'fqdn');
    expect(JSON.parse(release(json, 'keycloak').values[0]).database).toMatchObject({
      hostname: host,
      database: 'keycloak',
      existingSecret: 'keycloak-database',
    });
    const policy = Object.values<any>(resources(json, 'kubernetes_network_policy_v1')).find(
      (p) => p.metadata.name === 'allow-managed-database',
    );
    expect(policy.spec.egress).toEqual([
      { to: [{ ip_block: { cidr: '10.10.32.0/24' } }], ports: [{ protocol: 'TCP', port: '5432' }] },
    ]);
  });
});
