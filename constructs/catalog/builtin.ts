import type { CatalogEntry, Requirement } from './types';

/** Chart versions are exact; bump them here, then read the snapshot diff. */
const BITNAMI = 'oci://registry-1.docker.io/bitnamicharts';

const needsPostgres: Requirement = {
  description: 'a PostgreSQL database, version 14 or newer',
  matchExpressions: [
    { key: 'provides-postgresql', operator: 'Exists' },
    { key: 'version', operator: 'Gt', values: ['14.0.0'] },
  ],
};
const needsCache: Requirement = {
  description: 'a Redis-compatible cache',
  matchExpressions: [{ key: 'provides-cache', operator: 'In', values: ['redis'] }],
};
const wantsMonitoring: Requirement = {
  description: 'metrics scraping',
  matchExpressions: [{ key: 'kind', operator: 'In', values: ['monitoring'] }],
};
const wantsGateway: Requirement = {
  description: 'an information mediator that publishes the API',
  matchExpressions: [{ key: 'provides-api-gateway', operator: 'Exists' }],
};

/** Every block that exposes metrics teaches the monitoring block a scrape target. */
const scrapedBy = (port: number, path = '/metrics') => ({
  target: wantsMonitoring,
  values: {
    serverFiles: {
      'prometheus.yml': {
        scrape_configs: [
          {
            job_name: '{block}',
            metrics_path: path,
            static_configs: [{ targets: [`{block}.{namespace}.svc.cluster.local:${port}`] }],
          },
        ],
      },
    },
  },
});

/** Blocks with a public API register with the information mediator as a member. */
const memberOf = (servicePort: number) => ({
  target: wantsGateway,
  values: {
    extraObjects: [
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'member-{block}' },
        spec: {
          ingressClassName: 'kong-{instance}',
          rules: [
            {
              host: 'gateway.{instance}.{domain}',
              http: {
                paths: [
                  {
                    path: '/{block}',
                    pathType: 'Prefix',
                    backend: { service: { name: '{block}', port: { number: servicePort } } },
                  },
                ],
              },
            },
          ],
        },
      },
    ],
  },
});

const sqlSeed = (sql: string) => ({ format: 'sql' as const, source: { configMap: { '00-seed.sql': sql } } });

export const BUILTIN_CATALOG: readonly CatalogEntry[] = [
  {
    name: 'postgresql',
    labels: { kind: 'database', 'provides-postgresql': 'true', version: '17.4.0' },
    chart: { repository: BITNAMI, name: 'postgresql', version: '16.5.0' },
    values: {
      architecture: 'standalone',
      primary: { persistence: { size: '8Gi' }, resourcesPreset: 'none' },
      metrics: { enabled: true },
    },
    resources: { cpu: '250m', memory: '512Mi' },
    needs: { storage: 'rwo' },
    credentials: ['postgres-password', 'password'],
    inject: { credentialsSecret: 'auth.existingSecret', storageClass: 'global.defaultStorageClass' },
    requires: { weak: [wantsMonitoring] },
    influences: [scrapedBy(9187)],
    datasets: {
      minimal: sqlSeed('CREATE TABLE IF NOT EXISTS sandbox_seed (id int PRIMARY KEY, note text);\n'),
      demo: { format: 'sql', source: { url: 'https://example.org/sandboxkit/datasets/postgresql-demo.sql.gz' } },
      obfuscated: { format: 'sql', source: { url: 'https://example.org/sandboxkit/datasets/postgresql-obfuscated.sql.gz' } },
    },
    images: ['docker.io/bitnami/postgresql:17.4.0-debian-12-r4', 'docker.io/bitnami/postgres-exporter:0.17.1-debian-12-r0'],
  },
  {
    name: 'redis',
    labels: { kind: 'cache', 'provides-cache': 'redis', version: '7.4.2' },
    chart: { repository: BITNAMI, name: 'redis', version: '20.6.2' },
    values: { architecture: 'standalone', master: { persistence: { size: '2Gi' }, resourcesPreset: 'none' } },
    resources: { cpu: '100m', memory: '256Mi' },
    needs: { storage: 'rwo' },
    credentials: ['redis-password'],
    inject: { credentialsSecret: 'auth.existingSecret', storageClass: 'global.defaultStorageClass' },
    images: ['docker.io/bitnami/redis:7.4.2-debian-12-r0'],
  },
  {
    name: 'rabbitmq',
    labels: { kind: 'message-broker', 'provides-amqp': 'true', version: '4.0.5' },
    chart: { repository: BITNAMI, name: 'rabbitmq', version: '15.2.3' },
    values: { persistence: { size: '4Gi' }, resourcesPreset: 'none', metrics: { enabled: true } },
    resources: { cpu: '250m', memory: '512Mi' },
    needs: { storage: 'rwo' },
    credentials: ['rabbitmq-password', 'rabbitmq-erlang-cookie'],
    inject: { credentialsSecret: 'auth.existingPasswordSecret', storageClass: 'global.defaultStorageClass' },
    requires: { weak: [wantsMonitoring] },
    influences: [scrapedBy(9419)],
    images: ['docker.io/bitnami/rabbitmq:4.0.5-debian-12-r1'],
  },
  {
    name: 'minio',
    labels: { kind: 'object-storage', 'provides-s3': 'true', version: '2024.12.18' },
    chart: { repository: 'https://charts.min.io/', name: 'minio', version: '5.4.0' },
    values: {
      mode: 'standalone',
      replicas: 1,
      persistence: { size: '10Gi' },
      resources: { requests: { cpu: '250m', memory: '512Mi' } },
    },
    resources: { cpu: '250m', memory: '512Mi' },
    needs: { storage: 'rwo', ingress: { service: 'minio-console', port: 9001 } },
    credentials: ['rootUser', 'rootPassword'],
    inject: { credentialsSecret: 'existingSecret', storageClass: 'persistence.storageClass', ingressHost: 'consoleIngress.hosts[0]' },
    images: ['quay.io/minio/minio:RELEASE.2024-12-18T13-15-44Z', 'quay.io/minio/mc:RELEASE.2024-11-21T17-21-54Z'],
  },
  {
    name: 'keycloak',
    labels: { kind: 'identity', 'provides-oidc': 'true', version: '26.1.0' },
    chart: { repository: 'https://codecentric.github.io/helm-charts', name: 'keycloakx', version: '7.0.1' },
    values: {
      command: ['/opt/keycloak/bin/kc.sh', 'start', '--http-enabled=true', '--hostname-strict=false'],
      database: { vendor: 'postgres', port: 5432, database: 'postgres', username: 'postgres' },
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    },
    resources: { cpu: '500m', memory: '1Gi' },
    needs: { database: 'postgresql', ingress: { service: 'keycloak-http', port: 80 } },
    credentials: ['admin-password'],
    inject: {
      databaseHost: 'database.hostname',
      databaseSecret: 'database.existingSecret',
      credentialsSecret: 'admin.existingSecret',
      smtpHost: 'smtp.host',
      smtpPort: 'smtp.port',
      ingressHost: 'ingress.rules[0].host',
    },
    requires: { strong: [needsPostgres], weak: [wantsGateway] },
    influences: [memberOf(80)],
    datasets: {
      demo: { format: 'http-fixtures', source: { configMap: { 'realm.json': '{"realm":"sandbox","enabled":true}' } } },
    },
    images: ['quay.io/keycloak/keycloak:26.1.0'],
  },
  {
    name: 'gateway',
    labels: { kind: 'information-mediator', 'provides-api-gateway': 'true', version: '3.9.0' },
    chart: { repository: 'https://charts.konghq.com', name: 'kong', version: '2.47.0' },
    values: {
      env: { database: 'off' },
      ingressController: { enabled: true, installCRDs: false, ingressClass: 'kong-{instance}', watchNamespaces: ['{namespace}'] },
      proxy: { type: 'ClusterIP' },
      extraObjects: [],
    },
    resources: { cpu: '250m', memory: '512Mi' },
    needs: { ingress: { service: 'gateway-kong-proxy', port: 80 } },
    requires: { weak: [wantsMonitoring] },
    influences: [scrapedBy(8100)],
    images: ['docker.io/kong:3.9.0', 'docker.io/kong/kubernetes-ingress-controller:3.4.1'],
  },
  {
    name: 'payments',
    labels: { kind: 'payments', 'provides-payments': 'true', version: '1.117.0' },
    chart: { repository: 'https://juspay.github.io/hyperswitch-helm', name: 'hyperswitch-app', version: '1.0.2' },
    values: { postgresql: { enabled: false }, redis: { enabled: false } },
    resources: { cpu: '500m', memory: '1Gi' },
    needs: { database: 'postgresql', ingress: { service: 'hyperswitch-server', port: 80 } },
    credentials: ['admin-api-key', 'master-enc-key'],
    inject: {
      databaseHost: 'externalPostgresql.primary.host',
      databaseSecret: 'externalPostgresql.primary.auth.existingSecret',
      credentialsSecret: 'server.secretsRef',
      paymentApiUrl: 'server.connectors.dummy.base_url',
      smtpHost: 'server.email.smtp.host',
    },
    requires: { strong: [needsPostgres, needsCache], weak: [wantsGateway, wantsMonitoring] },
    influences: [memberOf(80), scrapedBy(8080)],
    datasets: {
      demo: { format: 'http-fixtures', source: { configMap: { 'merchants.json': '[{"merchant_id":"sandbox_merchant"}]' } } },
    },
    images: ['docker.juspay.io/juspaydotin/hyperswitch-router:v1.117.0'],
  },
  {
    name: 'workflow',
    labels: { kind: 'workflow-engine', 'provides-workflow': 'true', version: '1.27.1' },
    chart: { repository: 'https://go.temporal.io/helm-charts', name: 'temporal', version: '0.57.0' },
    values: {
      cassandra: { enabled: false },
      mysql: { enabled: false },
      elasticsearch: { enabled: false },
      prometheus: { enabled: false },
      grafana: { enabled: false },
      server: { config: { persistence: { default: { driver: 'sql', sql: { driver: 'postgres12', port: 5432 } } } } },
    },
    resources: { cpu: '500m', memory: '1Gi' },
    needs: { database: 'postgresql', ingress: { service: 'workflow-web', port: 8080 } },
    inject: {
      databaseHost: 'server.config.persistence.default.sql.host',
      databaseSecret: 'server.config.persistence.default.sql.existingSecret',
    },
    requires: { strong: [needsPostgres], weak: [wantsGateway] },
    influences: [memberOf(7233)],
    images: ['docker.io/temporalio/server:1.27.1', 'docker.io/temporalio/ui:2.36.0', 'docker.io/temporalio/admin-tools:1.27.1'],
  },
  {
    name: 'messaging',
    labels: { kind: 'messaging', 'provides-messaging': 'true', version: '7.3.0' },
    chart: { repository: 'https://rocketchat.github.io/helm-charts', name: 'rocketchat', version: '6.24.0' },
    values: { mongodb: { enabled: true }, persistence: { enabled: false }, smtp: { enabled: true, port: 1025 } },
    resources: { cpu: '500m', memory: '1Gi' },
    needs: { storage: 'rwo', ingress: { service: 'messaging-rocketchat', port: 80 } },
    credentials: ['mongodb-root-password'],
    inject: {
      smtpHost: 'smtp.host',
      smtpPort: 'smtp.port',
      smsApiUrl: 'extraEnv.SMS_GATEWAY_URL',
      credentialsSecret: 'existingMongodbSecret',
      ingressHost: 'host',
    },
    podSecurity: { level: 'baseline', reason: 'the bundled MongoDB runs an init container that changes volume ownership' },
    requires: { weak: [wantsGateway] },
    influences: [memberOf(80)],
    images: ['docker.io/rocketchat/rocket.chat:7.3.0', 'docker.io/bitnami/mongodb:6.0.13-debian-11-r21'],
  },
  {
    name: 'monitoring',
    labels: { kind: 'monitoring', 'provides-metrics': 'prometheus', version: '3.1.0' },
    chart: { repository: 'https://prometheus-community.github.io/helm-charts', name: 'prometheus', version: '27.3.0' },
    values: {
      alertmanager: { enabled: false },
      'prometheus-pushgateway': { enabled: false },
      'kube-state-metrics': { enabled: false },
      'prometheus-node-exporter': { enabled: false },
      server: { persistentVolume: { size: '8Gi' }, namespaces: ['{namespace}'] },
      serverFiles: {
        'prometheus.yml': { scrape_configs: [{ job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] }] },
      },
    },
    resources: { cpu: '250m', memory: '512Mi' },
    needs: { storage: 'rwo', ingress: { service: 'monitoring-prometheus-server', port: 80 } },
    inject: { storageClass: 'server.persistentVolume.storageClass' },
    images: ['quay.io/prometheus/prometheus:v3.1.0', 'quay.io/prometheus-operator/prometheus-config-reloader:v0.79.2'],
  },
];
