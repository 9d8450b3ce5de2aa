import type { CatalogEntry, Influence, Requirement } from './types';
import { PACKAGED_CHARTS } from './types';

/**
 * The built-in blocks. Every chart version is in the chart mirror the tests render from, and
 * every value below is one the chart reads: test/catalog renders each chart with what an
 * instance installs and checks Services, Secrets, images, resources and each value path.
 * Bump a version here, then run those tests and read the snapshot diff.
 */

const needsPostgres: Requirement = {
  description: 'a PostgreSQL database, version 14 or newer',
  matchExpressions: [
    { key: 'provides-postgresql', operator: 'Exists' },
    { key: 'version', operator: 'Gt', values: ['14.0.0'] },
  ],
};
const needsMongo: Requirement = {
  description: 'a MongoDB replica set',
  matchExpressions: [{ key: 'provides-mongodb', operator: 'Exists' }],
};
const wantsMonitoring: Requirement = {
  description: 'metrics scraping',
  matchExpressions: [{ key: 'kind', operator: 'In', values: ['monitoring'] }],
};
const needsOpenSearch: Requirement = {
  description: 'an OpenSearch (Elasticsearch-compatible) search engine',
  matchExpressions: [{ key: 'provides-opensearch', operator: 'Exists' }],
};
const wantsGateway: Requirement = {
  description: 'an information mediator that publishes the API',
  matchExpressions: [{ key: 'provides-api-gateway', operator: 'Exists' }],
};

/** Restricted Pod Security, as the instance namespace enforces it, for charts that take plain securityContext values. */
const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** `requests` and `limits` of one container, as charts take them. */
const res = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/** The monitoring block scrapes `service:port` of this block (`{block}` allowed in the service). */
const scrapedBy = (service: string, port: number, path = '/metrics'): Influence => ({
  target: wantsMonitoring,
  values: {
    serverFiles: {
      'prometheus.yml': {
        scrape_configs: [
          {
            job_name: '{block}',
            metrics_path: path,
            static_configs: [{ targets: [`${service}.{namespace}.svc.cluster.local:${port}`] }],
          },
        ],
      },
    },
  },
});

/**
 * The information mediator publishes this block's API under `/{block}`: an entry appended to its
 * declarative configuration (the gateway's `services:` list is the last key of that text).
 */
const memberOf = (service: string, port: number): Influence => ({
  target: wantsGateway,
  values: {
    dblessConfig: {
      config: [
        '- name: {block}',
        `  url: http://${service}.{namespace}.svc.cluster.local:${port}`,
        '  routes:',
        '  - name: {block}',
        '    paths: [/{block}]',
        '',
      ].join('\n'),
    },
  },
});

/** Kong's declarative configuration before any member: metrics for the monitoring block, and its own health route. */
const GATEWAY_CONFIG = [
  '_format_version: "3.0"',
  'plugins:',
  '- name: prometheus',
  'services:',
  '- name: gateway-status',
  '  url: http://127.0.0.1:8100/status',
  '  routes:',
  '  - name: gateway-status',
  '    paths: [/status]',
  '',
].join('\n');

const sqlSeed = (sql: string) => ({ format: 'sql' as const, source: { configMap: { '00-seed.sql': sql } } });

/** The pods of our database charts' dump backups and restore, each container as `backup.resources` of the charts. */
const DUMP_JOBS = [
  { when: 'backup.enabled', cpu: '50m', memory: '64Mi', limits: { cpu: '500m', memory: '256Mi' } },
  { when: 'restore.enabled', cpu: '50m', memory: '64Mi', limits: { cpu: '500m', memory: '256Mi' } },
];

/** What one Kafka node of the `kafka` block asks: each node is a KRaft controller and a broker. */
const KAFKA_NODE = { cpu: '250m', memory: '1Gi', limits: { cpu: '1', memory: '1Gi' } };

/** Names of the built-in blocks: a block reference of a library user is checked against them at compile time. */
export const BUILTIN_BLOCK_NAMES = [
  'postgresql',
  'valkey',
  'seaweedfs',
  'mongodb',
  'mysql',
  'keycloak',
  'gateway',
  'workflow',
  'messaging',
  'monitoring',
  'kafka',
  'opensearch',
  'opensearch-dashboards',
] as const;
export type BuiltinBlockName = (typeof BUILTIN_BLOCK_NAMES)[number];

export const BUILTIN_CATALOG: readonly CatalogEntry<BuiltinBlockName>[] = [
  {
    name: 'postgresql',
    labels: { kind: 'database', 'provides-postgresql': 'true', version: '18.3.0' },
    chart: { repository: 'https://cloudnative-pg.github.io/charts', name: 'cluster', version: '0.8.1' },
    values: {
      fullnameOverride: '{block}',
      version: { postgresql: '18' },
      cluster: {
        instances: 1,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:18.3',
        resources: res('250m', '512Mi', '1', '1Gi'),
        // Seed jobs and blocks log in as their own users; nobody needs the superuser over the network.
        enableSuperuserAccess: false,
        initdb: { database: 'app', owner: 'app' },
      },
    },
    // The operator runs one pod per instance; its init container takes the same resources.
    resources: {
      cpu: '250m',
      memory: '512Mi',
      limits: { cpu: '1', memory: '1Gi' },
      pods: 1,
      replicasPath: 'cluster.instances',
    },
    needs: { storage: 'rwo' },
    inject: { storageClass: 'cluster.storage.storageClass' },
    provides: {
      database: {
        engine: 'postgresql',
        service: '{block}-rw',
        port: 5432,
        seed: { database: 'app', username: 'app', secret: '{block}-app', passwordKey: 'password' },
        perConsumer: {
          cluster: {
            roles: [{ name: '{consumer}', ensure: 'present', login: true, passwordSecret: { name: '{secret}' } }],
          },
          databases: [{ name: '{consumer}', owner: '{consumer}' }],
        },
        uri: 'postgresql://{username}:{password}@{host}:{port}/{database}',
      },
    },
    registryMirrorValues: { 'cluster.imageName': '{registry}/cloudnative-pg/postgresql:18.3' },
    datasets: {
      minimal: sqlSeed('CREATE TABLE IF NOT EXISTS sandbox_seed (id int PRIMARY KEY, note text);\n'),
      demo: { format: 'sql', source: { url: 'https://example.org/sandboxkit/datasets/postgresql-demo.sql.gz' } },
      obfuscated: {
        format: 'sql',
        source: { url: 'https://example.org/sandboxkit/datasets/postgresql-obfuscated.sql.gz' },
      },
    },
    images: ['ghcr.io/cloudnative-pg/postgresql:18.3'],
    excludedTests: [
      {
        name: '{block}-ping-test',
        reason:
          "the chart's ping test runs alpine:3.17 as root and installs psql from the internet: restricted Pod Security refuses its pod, and instances have no egress",
      },
    ],
  },
  {
    name: 'valkey',
    labels: { kind: 'cache', 'provides-cache': 'redis', version: '9.1.1' },
    chart: { repository: 'https://valkey.io/valkey-helm/', name: 'valkey', version: '0.11.0' },
    values: {
      auth: {
        enabled: true,
        usersExistingSecret: '{block}-credentials',
        aclUsers: { default: { permissions: '~* &* +@all', passwordKey: 'default-password' } },
      },
      dataStorage: { enabled: true, requestedSize: '2Gi' },
      resources: res('100m', '128Mi', '500m', '512Mi'),
      initResources: res('50m', '32Mi', '100m', '64Mi'),
    },
    resources: { cpu: '100m', memory: '128Mi', limits: { cpu: '500m', memory: '512Mi' }, pods: 1 },
    needs: { storage: 'rwo' },
    credentials: ['default-password'],
    inject: { storageClass: 'dataStorage.className' },
    images: ['docker.io/valkey/valkey:9.1.1'],
    excludedTests: [
      {
        name: '{block}-test-auth-existing',
        reason:
          'the chart gives its auth test pod no security context (none can be set through values): restricted Pod Security refuses it',
      },
    ],
  },
  {
    name: 'seaweedfs',
    labels: { kind: 'object-storage', 'provides-s3': 'true', version: '4.44.0' },
    chart: { repository: 'https://seaweedfs.github.io/seaweedfs/helm', name: 'seaweedfs', version: '4.44.0' },
    values: {
      // One pod runs master, volume, filer and the S3 gateway; no cluster-wide RBAC.
      global: { seaweedfs: { createClusterRole: false } },
      master: { enabled: false },
      volume: { enabled: false },
      filer: { enabled: false },
      allInOne: {
        enabled: true,
        s3: { enabled: true, enableAuth: true },
        data: { type: 'persistentVolumeClaim' },
        resources: res('250m', '512Mi', '1', '1Gi'),
        podSecurityContext: { enabled: true, ...RESTRICTED_POD, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
        containerSecurityContext: { enabled: true, ...RESTRICTED_CONTAINER },
      },
      s3: {
        credentials: {
          admin: {
            existingSecret: '{block}-credentials',
            accessKeyKey: 'admin-access-key',
            secretKeyKey: 'admin-secret-key',
          },
          read: {
            existingSecret: '{block}-credentials',
            accessKeyKey: 'read-access-key',
            secretKeyKey: 'read-secret-key',
          },
        },
      },
    },
    resources: {
      cpu: '250m',
      memory: '512Mi',
      limits: { cpu: '1', memory: '1Gi' },
      pods: 1,
      replicasPath: 'allInOne.replicas',
    },
    needs: { storage: 'rwo', ingress: { service: 'seaweedfs-all-in-one', port: 8333 } },
    credentials: ['admin-access-key', 'admin-secret-key', 'read-access-key', 'read-secret-key'],
    inject: { storageClass: 'allInOne.data.storageClass' },
    requires: { weak: [wantsMonitoring] },
    influences: [scrapedBy('{block}-all-in-one', 9324)],
    images: ['docker.io/chrislusf/seaweedfs:4.44'],
  },
  {
    name: 'mongodb',
    labels: { kind: 'database', 'provides-mongodb': 'true', version: '8.0.17' },
    chart: { repository: PACKAGED_CHARTS, name: 'mongodb', version: '0.2.0' },
    resources: {
      cpu: '250m',
      memory: '512Mi',
      limits: { cpu: '1', memory: '1Gi' },
      pods: 1,
      optionalPods: DUMP_JOBS,
    },
    needs: { storage: 'rwo' },
    // The chart reads `<release>-credentials` unless told otherwise.
    credentials: ['root-password', 'replica-set-key'],
    inject: { storageClass: 'persistence.storageClass' },
    provides: {
      database: {
        engine: 'mongodb',
        service: '{block}',
        port: 27017,
        seed: { database: 'app', username: 'root', secret: '{block}-credentials', passwordKey: 'root-password' },
        perConsumer: { users: [{ name: '{consumer}', database: '{consumer}', secret: '{secret}' }] },
        uri: 'mongodb://{username}:{password}@{host}:{port}/{database}?replicaSet=rs0&authSource={database}',
      },
    },
    datasets: {
      demo: {
        format: 'mongodb-archive',
        source: { url: 'https://example.org/sandboxkit/datasets/mongodb-demo.archive.gz' },
      },
    },
    images: ['docker.io/library/mongo:8.0.17'],
  },
  {
    name: 'mysql',
    labels: { kind: 'database', 'provides-mysql': 'true', version: '8.4.8' },
    chart: { repository: PACKAGED_CHARTS, name: 'mysql', version: '0.2.0' },
    // The init container that prepares users asks for what the server asks; Kubernetes counts the larger once.
    resources: {
      cpu: '250m',
      memory: '512Mi',
      limits: { cpu: '1', memory: '1Gi' },
      pods: 1,
      optionalPods: DUMP_JOBS,
    },
    needs: { storage: 'rwo' },
    // The chart reads `<release>-credentials` unless told otherwise.
    credentials: ['root-password'],
    inject: { storageClass: 'persistence.storageClass' },
    provides: {
      database: {
        engine: 'mysql',
        service: '{block}',
        port: 3306,
        seed: { database: 'app', username: 'root', secret: '{block}-credentials', passwordKey: 'root-password' },
        perConsumer: { users: [{ name: '{consumer}', database: '{consumer}', secret: '{secret}' }] },
        uri: 'mysql://{username}:{password}@{host}:{port}/{database}',
      },
    },
    datasets: {
      minimal: sqlSeed('CREATE TABLE IF NOT EXISTS sandbox_seed (id INT PRIMARY KEY, note TEXT);\n'),
    },
    images: ['docker.io/library/mysql:8.4.8'],
  },
  {
    name: 'keycloak',
    labels: { kind: 'identity', 'provides-oidc': 'true', version: '26.5.6' },
    chart: { repository: 'https://codecentric.github.io/helm-charts', name: 'keycloakx', version: '7.1.11' },
    values: {
      command: ['/opt/keycloak/bin/kc.sh', 'start', '--http-enabled=true', '--hostname-strict=false'],
      http: { relativePath: '/' },
      // Envoy Gateway sends X-Forwarded-For and X-Forwarded-Proto, not the Forwarded header the chart expects.
      proxy: { mode: 'xforwarded' },
      database: { vendor: 'postgres' },
      // The first start creates the admin user from the generated credentials.
      extraEnv: [
        '- name: KC_BOOTSTRAP_ADMIN_USERNAME',
        '  value: admin',
        '- name: KC_BOOTSTRAP_ADMIN_PASSWORD',
        '  valueFrom:',
        '    secretKeyRef:',
        '      name: {block}-credentials',
        '      key: admin-password',
        '',
      ].join('\n'),
      serviceAccount: { automountServiceAccountToken: false },
      podSecurityContext: { seccompProfile: RESTRICTED_POD.seccompProfile },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: RESTRICTED_POD.seccompProfile,
      },
      resources: res('500m', '1Gi', '1', '1536Mi'),
    },
    resources: {
      cpu: '500m',
      memory: '1Gi',
      limits: { cpu: '1', memory: '1536Mi' },
      pods: 1,
      replicasPath: 'replicas',
    },
    needs: { database: 'postgresql', ingress: { service: 'keycloak-keycloakx-http', port: 80 } },
    credentials: ['admin-password'],
    inject: {
      databaseHost: 'database.hostname',
      databasePort: 'database.port',
      databaseName: 'database.database',
      databaseUser: 'database.username',
      databaseSecret: 'database.existingSecret',
    },
    registryMirrorValues: { 'image.repository': '{registry}/keycloak/keycloak' },
    // Where its realms are served: in an instance, or at keycloak.shared.<domain> when shared.
    outputs: { oidcIssuerUrl: 'https://{block}.{instance}.{domain}' },
    requires: { strong: [needsPostgres], weak: [wantsGateway, wantsMonitoring] },
    influences: [memberOf('{block}-keycloakx-http', 80), scrapedBy('{block}-keycloakx-http', 9000)],
    datasets: {
      // A realm created through the admin REST API (POST /admin/realms), as the bootstrap admin.
      demo: {
        format: 'http-fixtures',
        source: { configMap: { 'realms.json': '{"realm":"sandbox","enabled":true}' } },
        http: {
          path: '/admin',
          method: 'POST',
          markerPath: '/admin/realms/sandbox',
          token: {
            path: '/realms/master/protocol/openid-connect/token',
            clientId: 'admin-cli',
            username: 'admin',
            passwordSecret: { name: '{block}-credentials', key: 'admin-password' },
          },
        },
      },
    },
    images: ['quay.io/keycloak/keycloak:26.5.6'],
  },
  {
    name: 'gateway',
    labels: { kind: 'information-mediator', 'provides-api-gateway': 'true', version: '3.9.0' },
    chart: { repository: 'https://charts.konghq.com', name: 'kong', version: '3.4.1' },
    values: {
      // Database-less, configured from the declarative text members append to; no controller, CRDs or cluster RBAC.
      ingressController: { enabled: false },
      manager: { enabled: false },
      proxy: { type: 'ClusterIP', tls: { enabled: false } },
      dblessConfig: { config: GATEWAY_CONFIG },
      resources: res('250m', '256Mi', '1', '512Mi'),
      initContainerResources: res('10m', '16Mi', '50m', '32Mi'),
      // The status listener serves /metrics; the chart exposes it through no Service of its own.
      extraObjects: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: '{block}-kong-status' },
          spec: {
            type: 'ClusterIP',
            selector: { 'app.kubernetes.io/name': 'kong', 'app.kubernetes.io/instance': '{block}' },
            ports: [{ name: 'status', port: 8100, targetPort: 8100, protocol: 'TCP' }],
          },
        },
      ],
    },
    resources: {
      cpu: '250m',
      memory: '256Mi',
      limits: { cpu: '1', memory: '512Mi' },
      pods: 1,
      replicasPath: 'replicaCount',
    },
    needs: { ingress: { service: 'gateway-kong-proxy', port: 80 } },
    registryMirrorValues: { 'image.repository': '{registry}/library/kong' },
    requires: { weak: [wantsMonitoring] },
    influences: [scrapedBy('{block}-kong-status', 8100)],
    images: ['docker.io/library/kong:3.9'],
  },
  {
    name: 'workflow',
    labels: { kind: 'workflow-engine', 'provides-workflow': 'true', version: '1.31.2' },
    chart: { repository: 'https://go.temporal.io/helm-charts', name: 'temporal', version: '1.6.0' },
    values: {
      server: {
        securityContext: RESTRICTED_POD,
        config: {
          persistence: {
            datastores: {
              default: {
                sql: {
                  pluginName: 'postgres12',
                  databaseName: '{dbname}',
                  connectAddr: '{dbhost}:{dbport}',
                  connectProtocol: 'tcp',
                  user: '{dbuser}',
                  existingSecret: '{dbsecret}',
                  createDatabase: false,
                },
              },
              visibility: {
                sql: {
                  pluginName: 'postgres12',
                  databaseName: '{dbname}_visibility',
                  connectAddr: '{dbhost}:{dbport}',
                  connectProtocol: 'tcp',
                  user: '{dbuser}',
                  existingSecret: '{dbsecret}',
                  createDatabase: false,
                },
              },
            },
          },
        },
        frontend: { resources: res('100m', '256Mi', '500m', '512Mi'), containerSecurityContext: RESTRICTED_CONTAINER },
        history: { resources: res('200m', '512Mi', '1', '1Gi'), containerSecurityContext: RESTRICTED_CONTAINER },
        matching: { resources: res('100m', '256Mi', '500m', '512Mi'), containerSecurityContext: RESTRICTED_CONTAINER },
        worker: { resources: res('100m', '256Mi', '500m', '512Mi'), containerSecurityContext: RESTRICTED_CONTAINER },
      },
      admintools: { enabled: false },
      web: {
        resources: res('50m', '64Mi', '250m', '256Mi'),
        securityContext: RESTRICTED_POD,
        containerSecurityContext: RESTRICTED_CONTAINER,
      },
      schema: {
        resources: res('50m', '64Mi', '500m', '256Mi'),
        securityContext: RESTRICTED_POD,
        containerSecurityContext: RESTRICTED_CONTAINER,
      },
    },
    // Four server services, the web UI, and the schema job of each install; server.replicaCount runs each service
    // that many times.
    resources: {
      cpu: '600m',
      memory: '1408Mi',
      limits: { cpu: '3250m', memory: '3Gi' },
      pods: 6,
      replicasPath: 'server.replicaCount',
      perReplica: { cpu: '500m', memory: '1280Mi', limits: { cpu: '2500m', memory: '2560Mi' }, pods: 4 },
    },
    needs: { database: 'postgresql', ingress: { service: 'workflow-temporal-web', port: 8080 } },
    registryMirrorValues: {
      'server.image.repository': '{registry}/temporalio/server',
      'admintools.image.repository': '{registry}/temporalio/admin-tools',
      'web.image.repository': '{registry}/temporalio/ui',
    },
    requires: { strong: [needsPostgres], weak: [wantsGateway, wantsMonitoring] },
    influences: [
      // The visibility store is a second database of the block's own.
      { target: needsPostgres, values: { databases: [{ name: '{block}_visibility', owner: '{block}' }] } },
      memberOf('{block}-temporal-frontend', 7243),
      scrapedBy('{block}-temporal-frontend-headless', 9090),
    ],
    images: [
      'docker.io/temporalio/server:1.31.2',
      'docker.io/temporalio/admin-tools:1.31.2',
      'docker.io/temporalio/ui:2.52.0',
    ],
    excludedTests: [
      {
        name: '{block}-temporal-test-cluster-health',
        reason:
          'the chart gives its cluster-health test pod no security context (none can be set through values): restricted Pod Security refuses it',
      },
    ],
  },
  {
    name: 'messaging',
    labels: { kind: 'messaging', 'provides-messaging': 'true', version: '8.6.1' },
    chart: { repository: 'https://rocketchat.github.io/helm-charts', name: 'rocketchat', version: '7.0.2' },
    values: {
      // One Rocket.Chat process on the instance's MongoDB: no bundled database, NATS or microservices.
      mongodb: { enabled: false },
      nats: { enabled: false },
      microservices: { enabled: false },
      podMonitor: { enabled: false },
      extraEnv: [
        { name: 'MAIL_URL', value: '' },
        { name: 'SMS_GATEWAY_URL', value: '' },
      ],
      securityContext: RESTRICTED_POD,
      containerSecurityContext: RESTRICTED_CONTAINER,
      resources: res('500m', '1Gi', '1', '2Gi'),
    },
    resources: {
      cpu: '500m',
      memory: '1Gi',
      limits: { cpu: '1', memory: '2Gi' },
      pods: 1,
      replicasPath: 'replicaCount',
    },
    needs: { database: 'mongodb', databaseUriKey: 'mongo-uri', ingress: { service: 'messaging-rocketchat', port: 80 } },
    inject: {
      databaseSecret: 'existingMongodbSecret',
      smtpUrl: 'extraEnv[0].value',
      smsApiUrl: 'extraEnv[1].value',
      ingressHost: 'host',
    },
    registryMirrorValues: { 'image.repository': '{registry}/rocketchat/rocket.chat' },
    requires: { strong: [needsMongo], weak: [wantsGateway, wantsMonitoring] },
    influences: [memberOf('{block}-rocketchat', 80), scrapedBy('{block}-rocketchat', 9100)],
    images: ['registry.rocket.chat/rocketchat/rocket.chat:8.6.1'],
  },
  {
    name: 'kafka',
    labels: { kind: 'event-streaming', 'provides-kafka': 'true', version: '4.3.1' },
    chart: { repository: PACKAGED_CHARTS, name: 'kafka', version: '0.1.0' },
    // One node (controller and broker) and the entity operator's pod, whose topic and user operators take 100m and
    // 256Mi each; nodes.replicas adds nodes.
    resources: {
      cpu: '450m',
      memory: '1536Mi',
      limits: { cpu: '2', memory: '2Gi' },
      pods: 2,
      replicasPath: 'nodes.replicas',
      perReplica: { ...KAFKA_NODE, pods: 1 },
    },
    needs: { storage: 'rwo', kubernetesApi: { 'strimzi.io/name': '{block}-entity-operator' } },
    // The client user's password; the chart reads `<release>-credentials` unless told otherwise.
    credentials: ['client-password'],
    inject: { storageClass: 'nodes.storage.storageClass', networkPolicyPeers: 'listenerPeers' },
    outputs: {
      bootstrapServers: '{block}-kafka-bootstrap.{namespace}.svc.cluster.local:9092',
      kafkaUser: '{block}-client',
      kafkaPasswordSecret: '{secret}',
      kafkaPasswordKey: 'client-password',
      kafkaSecurityProtocol: 'SASL_PLAINTEXT',
      kafkaSaslMechanism: 'SCRAM-SHA-512',
    },
    requires: {
      cluster: [
        {
          description: "the platform's Strimzi operator (platform.kafka: true)",
          matchExpressions: [{ key: 'operator/strimzi', operator: 'Exists' }],
        },
      ],
    },
    images: ['quay.io/strimzi/kafka:1.2.0-kafka-4.3.1', 'quay.io/strimzi/operator:1.2.0'],
  },
  {
    name: 'opensearch',
    labels: { kind: 'search', 'provides-opensearch': 'true', 'provides-elasticsearch-api': 'true', version: '3.6.0' },
    chart: { repository: 'https://opensearch-project.github.io/helm-charts/', name: 'opensearch', version: '3.6.0' },
    values: {
      // One node that is its own cluster; the Service is the block's name.
      singleNode: true,
      clusterName: '{block}',
      masterService: '{block}',
      // Lucene's memory-mapped store needs vm.max_map_count >= 262144 on the node, which a restricted namespace
      // cannot set (a privileged sysctl init container would): plain file I/O instead, with no sysctl at all.
      config: { 'opensearch.yml': 'cluster.name: {block}\nnetwork.host: 0.0.0.0\nnode.store.allow_mmap: false\n' },
      // The demo security setup starts only with an initial admin password: the instance's generated one.
      extraEnvs: [
        {
          name: 'OPENSEARCH_INITIAL_ADMIN_PASSWORD',
          valueFrom: { secretKeyRef: { name: '{block}-credentials', key: 'password' } },
        },
      ],
      opensearchJavaOpts: '-Xms512m -Xmx512m',
      // No root busybox init container to chown the volume: the chart's fsGroup 1000 gives it to the OpenSearch user.
      persistence: { enableInitChown: false, size: '4Gi' },
      // Over the chart's own (user 1000, fsGroup 1000, all capabilities dropped): what restricted also asks.
      podSecurityContext: RESTRICTED_POD,
      securityContext: { allowPrivilegeEscalation: false, seccompProfile: RESTRICTED_POD.seccompProfile },
      resources: res('500m', '1Gi', '1', '1536Mi'),
      initResources: res('50m', '64Mi', '200m', '128Mi'),
    },
    resources: { cpu: '500m', memory: '1Gi', limits: { cpu: '1', memory: '1536Mi' }, pods: 1 },
    needs: { storage: 'rwo' },
    credentials: ['admin-random'],
    // OpenSearch wants an admin password with a character that is not a letter or digit; the dashboards log in as
    // `username` with `password`.
    derivedCredentials: { password: '{admin-random}-0s', username: 'admin' },
    inject: { storageClass: 'persistence.storageClass' },
    outputs: {
      opensearchUrl: 'https://{block}.{namespace}.svc.cluster.local:9200',
      opensearchUser: 'admin',
      opensearchPasswordSecret: '{secret}',
      opensearchPasswordKey: 'password',
    },
    registryMirrorValues: { 'global.dockerRegistry': '{registry}' },
    images: ['docker.io/opensearchproject/opensearch:3.6.0'],
  },
  {
    name: 'opensearch-dashboards',
    labels: { kind: 'search-dashboards', 'provides-search-ui': 'true', version: '3.6.0' },
    chart: {
      repository: 'https://opensearch-project.github.io/helm-charts/',
      name: 'opensearch-dashboards',
      version: '3.6.0',
    },
    values: {
      // The OpenSearch it shows and the account it logs in with come from that block's outputs (inputs below).
      opensearchHosts: '',
      extraEnvs: [
        { name: 'OPENSEARCH_USERNAME', value: '' },
        { name: 'OPENSEARCH_PASSWORD', valueFrom: { secretKeyRef: { name: '', key: 'password' } } },
      ],
      rbac: { create: false },
      serviceAccount: { automountServiceAccountToken: false },
      // Over the chart's own (user 1000, all capabilities dropped): what restricted also asks.
      podSecurityContext: RESTRICTED_POD,
      securityContext: { allowPrivilegeEscalation: false, seccompProfile: RESTRICTED_POD.seccompProfile },
      resources: res('150m', '512Mi', '500m', '1Gi'),
    },
    resources: { cpu: '150m', memory: '512Mi', limits: { cpu: '500m', memory: '1Gi' }, pods: 1 },
    needs: { ingress: { service: 'opensearch-dashboards', port: 5601 } },
    inputs: {
      opensearchHosts: 'opensearchUrl',
      'extraEnvs[0].value': 'opensearchUser',
      'extraEnvs[1].valueFrom.secretKeyRef.name': 'opensearchPasswordSecret',
    },
    requires: { strong: [needsOpenSearch] },
    registryMirrorValues: { 'image.repository': '{registry}/opensearchproject/opensearch-dashboards' },
    images: ['docker.io/opensearchproject/opensearch-dashboards:3.6.0'],
  },
  {
    name: 'monitoring',
    labels: { kind: 'monitoring', 'provides-metrics': 'prometheus', version: '3.14.0' },
    chart: { repository: 'https://prometheus-community.github.io/helm-charts', name: 'prometheus', version: '29.27.0' },
    values: {
      alertmanager: { enabled: false },
      'prometheus-pushgateway': { enabled: false },
      'kube-state-metrics': { enabled: false },
      'prometheus-node-exporter': { enabled: false },
      // Static targets only: the server needs no access to the Kubernetes API.
      rbac: { create: false },
      serviceAccounts: { server: { automountServiceAccountToken: false } },
      server: {
        securityContext: { seccompProfile: RESTRICTED_POD.seccompProfile },
        containerSecurityContext: RESTRICTED_CONTAINER,
        resources: res('250m', '512Mi', '1', '1Gi'),
      },
      configmapReload: {
        prometheus: { containerSecurityContext: RESTRICTED_CONTAINER, resources: res('10m', '32Mi', '100m', '64Mi') },
      },
      serverFiles: {
        'prometheus.yml': {
          scrape_configs: [{ job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] }],
        },
      },
    },
    resources: {
      cpu: '260m',
      memory: '544Mi',
      limits: { cpu: '1100m', memory: '1088Mi' },
      pods: 1,
      replicasPath: 'server.replicaCount',
    },
    needs: { storage: 'rwo', ingress: { service: 'monitoring-prometheus-server', port: 80 } },
    inject: { storageClass: 'server.persistentVolume.storageClass' },
    registryMirrorValues: {
      'server.image.repository': '{registry}/prometheus/prometheus',
      'configmapReload.prometheus.image.repository': '{registry}/prometheus-operator/prometheus-config-reloader',
    },
    images: ['quay.io/prometheus/prometheus:v3.14.0', 'quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1'],
  },
];
