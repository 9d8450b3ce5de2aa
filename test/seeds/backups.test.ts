import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { billOfMaterials } from '../../cli/bill-of-materials';
import { RCLONE_IMAGE } from '../../constructs/instance/database-backup';
import { CHART_MIRROR, helmTemplate, rendered, type K8sObject } from '../catalog/render';
import { footprintOfPods, podsOf, restrictedProblems } from '../catalog/workloads';
import { blockFootprint } from '../../constructs/instance/quota-check';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import {
  buildStacks,
  configFromYaml,
  configIssues,
  resources,
  synthJson,
  tempDir,
  type TerraformJson,
} from '../fixtures';

const ROOT = join(__dirname, '..', '..');

/*
 * Backups for Azure and Google clusters (Blob Storage and Cloud Storage through a workload identity per block) and
 * for the in-cluster MySQL and MongoDB blocks (scheduled dumps, and a restore of the newest one).
 */

const SCHEDULE = '0 0 2 * * *';
const CLUSTERS = `
clusters:
  - name: az
    cloud: azure
    location: westeurope
    kubernetesVersion: "1.33"
    tenantId: 00000000-0000-4000-8000-000000000001
    adminGroupObjectIds: [00000000-0000-4000-8000-000000000002]
    backupStore: { bucket: sandbox-backups, storageAccount: stsandboxbackups, resourceGroupName: rg-backups }
    platform: { chartMirror: ${CHART_MIRROR} }
  - name: gk
    cloud: gcp
    project: sandbox-proj
    region: europe-west1
    backupStore: { bucket: acme-sandbox-backups, prefix: sandboxes/gk }
    platform: { chartMirror: ${CHART_MIRROR} }
  - name: aw
    cloud: aws
    region: eu-west-1
    kubernetesVersion: "1.33"
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admin]
    backupStore: { bucket: acme-sandbox-backups }
  - name: lab
    cloud: existing
    connection: { kind: kubeconfig, path: /tmp/kubeconfig, context: lab }
    storageClasses: { blockRwo: standard }
    backupStore: { bucket: sandbox-backups, endpointURL: "http://seaweedfs.storage.svc:8333", credentialsSecret: backup-s3 }
`;
const INSTANCES = `
instances:
  - { name: az-prod, cluster: az, owner: dev, blocks: [postgresql], backup: { schedule: "${SCHEDULE}" } }
  - { name: az-copy, cluster: az, owner: dev, blocks: [postgresql], restoreFrom: { instance: az-prod } }
  - { name: gk-prod, cluster: gk, owner: dev, blocks: [postgresql, mongodb], backup: { schedule: "${SCHEDULE}", retentionDays: 3 } }
  - { name: aw-prod, cluster: aw, owner: dev, size: medium, blocks: [mysql, mongodb], backup: { schedule: "${SCHEDULE}" } }
  - { name: aw-copy, cluster: aw, owner: dev, size: medium, blocks: [mysql, mongodb], restoreFrom: { instance: aw-prod, targetTime: "2026-11-23T18:00:00Z" } }
  - { name: lab-prod, cluster: lab, owner: dev, blocks: [mysql], backup: {} }
`;

const config = configFromYaml(`${CLUSTERS}${INSTANCES}`);
const stacks = buildStacks(config);
const json = (name: string) => synthJson(stacks.instances.get(`instance-${name}`)!);
const release = (j: TerraformJson, name: string) =>
  Object.values<any>(resources(j, 'helm_release')).find((r) => r.name === name);
const values = (j: TerraformJson, name: string) => JSON.parse(release(j, name).values[0]);

describe('database backups on Azure', () => {
  const prod = json('az-prod');
  const copy = json('az-copy');

  it('archive to the instance folder of the Blob Storage container through the Azure AD workload identity', () => {
    const v = values(prod, 'postgresql');
    expect(v.backups).toMatchObject({
      enabled: true,
      provider: 'azure',
      destinationPath: 'https://stsandboxbackups.blob.core.windows.net/sandbox-backups/az/az-prod/',
      azure: { inheritFromAzureAD: true },
      secret: { create: false },
      wal: { encryption: '' },
      data: { encryption: '' },
    });
    expect(v.cluster.serviceAccountTemplate.metadata.annotations['azure.workload.identity/client-id']).toMatch(
      /^\$\{azurerm_user_assigned_identity\./,
    );
    expect(v.cluster.additionalLabels).toEqual({ 'azure.workload.identity/use': 'true' });
  });

  it('give each Cluster an identity of its own, federated with its service account, writing under its prefix alone', () => {
    const federation = Object.values<any>(resources(prod, 'azurerm_federated_identity_credential'))[0];
    expect(federation.subject).toBe('system:serviceaccount:az-prod:postgresql');
    const [write] = Object.values<any>(resources(prod, 'azurerm_role_assignment')).filter(
      (r) => r.role_definition_name === 'Storage Blob Data Contributor',
    );
    expect(write.scope).toMatch(/\/blobServices\/default\/containers\/sandbox-backups$/);
    expect(write.condition_version).toBe('2.0');
    expect(write.condition).toContain(
      "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith 'az/az-prod/postgresql/'",
    );
    expect(write.condition).toContain(
      "@Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix] StringStartsWith 'az/az-prod/postgresql/'",
    );
    const read = Object.values<any>(resources(copy, 'azurerm_role_assignment'));
    expect(read.map((r) => r.role_definition_name)).toEqual(['Storage Blob Data Reader']);
    expect(read[0].condition).toContain("StringStartsWith 'az/az-prod/postgresql/'");
    expect(values(copy, 'postgresql').recovery).toMatchObject({
      provider: 'azure',
      destinationPath: 'https://stsandboxbackups.blob.core.windows.net/sandbox-backups/az/az-prod/',
    });
  });

  it('let the platform operator copy the workload identity label from a Cluster to its pods', () => {
    const platform = synthJson(stacks.platforms.get('platform-az')!);
    expect(values(platform, 'cnpg').config).toEqual({ data: { INHERITED_LABELS: 'azure.workload.identity/use' } });
  });

  it('render with the real cluster chart into a Cluster whose barman store uses the Azure AD identity', () => {
    const r = release(prod, 'postgresql');
    const objects = rendered('postgresql', helmTemplate('postgresql', r.chart, 'az-prod', JSON.parse(r.values[0])));
    const cluster = objects.find((o) => o.kind === 'Cluster')!;
    expect(cluster.spec.backup.barmanObjectStore).toMatchObject({
      destinationPath: 'https://stsandboxbackups.blob.core.windows.net/sandbox-backups/az/az-prod/',
      azureCredentials: { inheritFromAzureAD: true },
    });
    expect(cluster.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('database backups on Google', () => {
  const prod = json('gk-prod');

  it('archive to the instance folder of the Cloud Storage bucket as a Google service account of the Cluster', () => {
    expect(values(prod, 'postgresql').backups).toMatchObject({
      provider: 'google',
      destinationPath: 'gs://acme-sandbox-backups/sandboxes/gk/gk-prod/',
      google: { gkeEnvironment: true },
    });
    const binding = Object.values<any>(resources(prod, 'google_service_account_iam_member')).find((b) =>
      b.member.includes('[gk-prod/postgresql]'),
    );
    expect(binding).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: 'serviceAccount:sandbox-proj.svc.id.goog[gk-prod/postgresql]',
    });
    const write = Object.values<any>(resources(prod, 'google_storage_bucket_iam_member')).find((m) =>
      m.condition.expression.includes('/postgresql/'),
    );
    expect(write).toMatchObject({ bucket: 'acme-sandbox-backups', role: 'roles/storage.objectUser' });
    expect(write.condition.expression).toBe(
      'resource.type == "storage.googleapis.com/Bucket" || resource.name.startsWith("projects/_/buckets/acme-sandbox-backups/objects/sandboxes/gk/gk-prod/postgresql/")',
    );
  });

  it('dump MongoDB there too, through rclone with the same kind of identity', () => {
    expect(values(prod, 'mongodb').backup).toMatchObject({
      enabled: true,
      schedule: '0 2 * * *',
      retentionDays: 3,
      remote: { type: 'gcs', env_auth: 'true' },
      path: 'acme-sandbox-backups/sandboxes/gk/gk-prod/mongodb',
      serviceAccount: {
        annotations: { 'iam.gke.io/gcp-service-account': expect.stringMatching(/^\$\{google_service_account\./) },
      },
    });
    expect(Object.values<any>(resources(prod, 'google_service_account_iam_member')).map((b) => b.member)).toContain(
      'serviceAccount:sandbox-proj.svc.id.goog[gk-prod/mongodb-backup]',
    );
  });
});

describe('backups of the MySQL and MongoDB blocks', () => {
  const prod = json('aw-prod');
  const copy = json('aw-copy');
  const render = (j: TerraformJson, block: string, ns: string): K8sObject[] => {
    const r = release(j, block);
    const text = String(r.values[0]).replace(/\$\{aws_iam_role\.[^}]+\}/g, 'arn:aws:iam::111122223333:role/backup');
    // Our charts are packed into the stack's assets; the test renders their folder.
    return rendered(block, helmTemplate(block, join(__dirname, '..', '..', 'charts', block), ns, JSON.parse(text)));
  };

  it('dump on the instance schedule to its S3 prefix with an IAM role of the backup service account', () => {
    expect(values(prod, 'mysql').backup).toEqual({
      enabled: true,
      schedule: '0 2 * * *',
      retentionDays: 7,
      remote: { type: 's3', provider: 'AWS', env_auth: 'true', region: 'eu-west-1', server_side_encryption: 'AES256' },
      path: 'acme-sandbox-backups/aw/aw-prod/mysql',
      serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': expect.stringMatching(/^\$\{aws_iam_role\./) } },
    });
    const trust = Object.entries<any>(prod.data?.aws_iam_policy_document ?? {}).find(([id]) =>
      /Backup_Role-mysql_Role_Trust/.test(id),
    )![1];
    expect(JSON.stringify(trust.statement[0].condition)).toContain('system:serviceaccount:aw-prod:mysql-backup');
  });

  it('render a CronJob that dumps and uploads, one run at a time, in pods the restricted profile admits', () => {
    for (const block of ['mysql', 'mongodb']) {
      const objects = render(prod, block, 'aw-prod');
      const cron = objects.find((o) => o.kind === 'CronJob')!;
      expect({ block, schedule: cron.spec.schedule, policy: cron.spec.concurrencyPolicy }).toEqual({
        block,
        schedule: '0 2 * * *',
        policy: 'Forbid',
      });
      const pod = cron.spec.jobTemplate.spec.template.spec;
      expect(pod.serviceAccountName).toBe(`${block}-backup`);
      expect(pod.containers[0].image).toBe(RCLONE_IMAGE);
      const account = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === `${block}-backup`)!;
      expect(account.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111122223333:role/backup');
      expect(podsOf(objects).flatMap(restrictedProblems)).toEqual([]);
    }
  });

  it('restore the newest dump at or before the target time into the new server, once', () => {
    expect(values(copy, 'mysql').restore).toEqual({
      enabled: true,
      path: 'acme-sandbox-backups/aw/aw-prod/mysql',
      before: '20261123T180000Z',
    });
    const job = render(copy, 'mongodb', 'aw-copy').find((o) => o.kind === 'Job')!;
    expect(job.metadata.name).toBe('mongodb-restore');
    expect(job.spec.template.spec.initContainers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'RESTORE_PATH', value: 'acme-sandbox-backups/aw/aw-prod/mongodb' },
        { name: 'BEFORE', value: '20261123T180000Z' },
      ]),
    );
  });

  it('count the backup and restore pods in the quota, as the charts render them', () => {
    for (const [j, ns] of [
      [prod, 'aw-prod'],
      [copy, 'aw-copy'],
    ] as const) {
      for (const block of ['mysql', 'mongodb']) {
        const entry = BUILTIN_CATALOG.find((e) => e.name === block)!;
        expect({ ns, block, footprint: footprintOfPods(podsOf(render(j, block, ns))) }).toEqual({
          ns,
          block,
          footprint: blockFootprint({ name: block, entry, values: values(j, block) }),
        });
      }
    }
  });

  it('list rclone in the bill of materials of an instance that backs up', () => {
    expect(billOfMaterials(config, { instance: 'aw-prod' }).images).toContain(RCLONE_IMAGE);
    expect(billOfMaterials(config, { instance: 'az-prod' }).images).not.toContain(RCLONE_IMAGE);
  });

  it('use the store keys of the Secret on an existing cluster, with an S3-compatible endpoint', () => {
    expect(values(json('lab-prod'), 'mysql').backup).toMatchObject({
      remote: { type: 's3', provider: 'Other', endpoint: 'http://seaweedfs.storage.svc:8333', env_auth: 'false' },
      credentialsSecret: 'backup-s3',
    });
  });

  it('hand the store keys to rclone as files, never as environment entries of the pod', () => {
    const objects = render(json('lab-prod'), 'mysql', 'lab-prod');
    const pod = objects.find((o) => o.kind === 'CronJob')!.spec.jobTemplate.spec.template.spec;
    const upload = pod.containers[0];
    expect(JSON.stringify(upload.env)).not.toContain('secretKeyRef');
    expect(upload.volumeMounts).toContainEqual({
      name: 'store-credentials',
      mountPath: '/credentials',
      readOnly: true,
    });
    expect(pod.volumes.find((v: any) => v.name === 'store-credentials').secret.secretName).toBe('backup-s3');

    const dir = tempDir('dump-upload-');
    for (const sub of ['bin', 'credentials', 'dump']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'credentials', 'ACCESS_KEY_ID'), 'AKIDEXAMPLE');
    writeFileSync(join(dir, 'credentials', 'ACCESS_SECRET_KEY'), 'secret-example');
    writeFileSync(join(dir, 'dump', 'name'), '20261123T020000Z.sql');
    writeFileSync(
      join(dir, 'bin', 'rclone'),
      '#!/bin/sh\necho "$* id=$RCLONE_CONFIG_STORE_ACCESS_KEY_ID key=$RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY"\n',
      { mode: 0o755 },
    );
    for (const chart of ['mysql', 'mongodb']) {
      const out = execFileSync('sh', [join(ROOT, 'charts', chart, 'files', 'dump-upload.sh')], {
        encoding: 'utf8',
        env: {
          PATH: `${join(dir, 'bin')}:/usr/bin:/bin`,
          CREDENTIALS_DIR: join(dir, 'credentials'),
          DUMP_DIR: join(dir, 'dump'),
          BACKUP_PATH: 'sandbox-backups/lab/lab-prod/mysql',
          RETENTION_DAYS: '7',
        },
      });
      expect(out.split('\n')[0]).toBe(
        `copyto ${join(dir, 'dump')}/20261123T020000Z.sql store:sandbox-backups/lab/lab-prod/mysql/20261123T020000Z.sql id=AKIDEXAMPLE key=secret-example`,
      );
    }
  });

  it('refuse a dump schedule with moving seconds, and store fields that have no effect on a cloud', () => {
    const text = `${CLUSTERS.replace('backupStore: { bucket: acme-sandbox-backups, prefix: sandboxes/gk }', 'backupStore: { bucket: acme-sandbox-backups, region: eu-west-1 }')}
instances:
  - { name: one, cluster: aw, owner: dev, blocks: [mysql], backup: { schedule: "*/30 * * * * *" } }
`;
    expect(configIssues(text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/clusters\[1\]\.backupStore\.region: has no effect on gcp clusters/),
        expect.stringMatching(/instances\[0\]\.backup\.schedule: dumps of mysql run on whole minutes/),
      ]),
    );
  });
});
