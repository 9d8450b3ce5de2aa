import { isIP } from 'net';
import { readFileSync } from 'fs';
import { join } from 'path';
import { z } from 'zod';
import { fargateNamespaceProblem, fargatePatternMatches } from '../constructs/aws/fargate-selectors';
import { perConsumerProblem } from '../constructs/catalog/database-offer';
import type { CatalogEntry } from '../constructs/catalog/types';
import { ownerIdentityProblem, reservedNamespaceProblem } from '../constructs/instance/tenant-names';
import { POOL_NODES_MAX } from './instance-groups';
import { DNS_LABEL, HELM_RELEASE_NAME_MAX, KUBERNETES_NAME_MAX } from '../constructs/names';
import { PACKAGE_CHARTS_DIR } from '../constructs/package-charts';
import { DEFAULT_PUBLIC_ACCESS_MIN_PREFIX } from '../constructs/public-api-access';
import { SECRET_LITERAL_HINT, secretLiterals } from './secret-literals';
import type { SandboxConfig } from './types';

/** Instance TTL bounds: an hour at least, thirty days at most. */
export const TTL_HOURS_MIN = 1;
export const TTL_HOURS_MAX = 720;
/** Cluster names become cloud resource names (GKE: 40, Key Vault: 24 with a prefix). */
export const CLUSTER_NAME_MAX = 32;

const dnsLabel = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(
      DNS_LABEL,
      'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
    );

const clusterName = dnsLabel(CLUSTER_NAME_MAX).regex(/^[a-z]/, 'must start with a letter');
const nonEmpty = z.string().min(1, 'must not be empty');
const cidr = z
  .string()
  .regex(
    /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d|[12]\d|3[0-2])$/,
    'must be an IPv4 CIDR such as 10.0.0.0/16',
  );
const stringMap = z.record(z.string(), z.string());
const minPrefixLength = z.number().int('must be a whole number').min(1).max(32);

/** Flags public-access ranges wider than the cluster's bound, at their own path. */
function rangesNoWiderThan(
  ranges: readonly string[] | undefined,
  bound: number | undefined,
  field: string,
  ctx: z.RefinementCtx,
  cidrOf: (i: number) => (string | number)[] = (i) => [field, i],
) {
  const min = bound ?? DEFAULT_PUBLIC_ACCESS_MIN_PREFIX;
  (ranges ?? []).forEach((range, i) => {
    const prefix = Number(range.split('/')[1]);
    if (prefix < min) {
      ctx.addIssue({
        code: 'custom',
        path: cidrOf(i),
        message: `must not be wider than /${min} (publicAccessMinPrefixLength), got ${range}`,
      });
    }
  });
}

/** A user or group that may own an instance: not a `system:` identity, no control characters. */
const ownerIdentity = z
  .string()
  .min(1)
  .max(256)
  .superRefine((name, ctx) => {
    const problem = ownerIdentityProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Values of a block or catalog entry: no credential-looking literal. */
const blockValues = z.record(z.string(), z.unknown()).superRefine((values, ctx) => {
  for (const path of secretLiterals(values)) ctx.addIssue({ code: 'custom', path, message: SECRET_LITERAL_HINT });
});
const count = (max: number) => z.number().int('must be a whole number').min(0).max(max);

const taint = z.strictObject({
  key: nonEmpty,
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

const state = z
  .discriminatedUnion('backend', [
    z.strictObject({ backend: z.literal('local'), directory: nonEmpty.optional() }),
    z.strictObject({
      backend: z.literal('s3'),
      bucket: nonEmpty,
      region: nonEmpty,
      keyPrefix: nonEmpty.optional(),
      kmsKeyId: nonEmpty.optional(),
      create: z.boolean().optional(),
    }),
    z.strictObject({
      backend: z.literal('azurerm'),
      resourceGroupName: nonEmpty,
      storageAccountName: z.string().regex(/^[a-z0-9]{3,24}$/, 'must be 3-24 lower-case letters and digits'),
      containerName: nonEmpty,
      keyPrefix: nonEmpty.optional(),
      create: z.boolean().optional(),
      location: nonEmpty.optional(),
    }),
    z.strictObject({
      backend: z.literal('gcs'),
      bucket: nonEmpty,
      prefix: nonEmpty.optional(),
      create: z.boolean().optional(),
      project: nonEmpty.optional(),
      location: nonEmpty.optional(),
      kmsKeyName: nonEmpty.optional(),
    }),
  ])
  .superRefine((s, ctx) => {
    if (!('create' in s) || !s.create) return;
    const needs =
      s.backend === 'gcs' ? (['project', 'location'] as const) : s.backend === 'azurerm' ? (['location'] as const) : [];
    for (const field of needs) {
      if (!(s as Record<string, unknown>)[field])
        ctx.addIssue({ code: 'custom', path: [field], message: `is required when create is true` });
    }
  });

const platform = z.strictObject({
  monitoring: z.boolean().optional(),
  acme: z.strictObject({ email: z.email('must be an e-mail address'), server: z.url().optional() }).optional(),
  registryMirror: nonEmpty.optional(),
  chartMirror: nonEmpty.optional(),
  reaperSchedule: z
    .string()
    .regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression')
    .optional(),
  publicIngress: z.boolean().optional(),
  idleHours: z
    .number()
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1')
    .max(720, 'must be at most 720 (30 days)')
    .optional(),
  prometheusUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a Prometheus' }).optional(),
  externalDns: z
    .strictObject({
      zoneId: z
        .string()
        .regex(/^Z[A-Z0-9]{4,32}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABC')
        .optional(),
      resourceGroupName: nonEmpty.optional(),
      managedZone: dnsLabel(63).optional(),
    })
    .optional(),
  kafka: z.boolean().optional(),
});

/** A cluster's backup bucket or container; what each cloud needs of it is checked in backup-checks.ts. */
const backupStore = z.strictObject({
  bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/,
      'must be a bucket or container name: 3-63 lower-case letters, digits, ".", "_" and "-"',
    ),
  prefix: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/,
      'must be a key prefix such as "sandboxes/eu" (no leading or trailing "/")',
    )
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1')
    .optional(),
  endpointURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  credentialsSecret: dnsLabel(KUBERNETES_NAME_MAX).optional(),
  storageAccount: z
    .string()
    .regex(/^[a-z0-9]{3,24}$/, 'must be a storage account name: 3-24 lower-case letters and digits')
    .optional(),
  resourceGroupName: nonEmpty.optional(),
});

const clusterBase = {
  name: clusterName,
  ingressDomain: z
    .string()
    .max(200)
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS domain')
    .optional(),
  tags: stringMap.optional(),
  owner: nonEmpty.optional(),
  state: state.optional(),
  platform: platform.optional(),
  allowProtectedInstances: z.boolean().optional(),
  allowTcpExposure: z.boolean().optional(),
  labels: stringMap.optional(),
  sharedBlocks: z
    .array(
      z.union([
        dnsLabel(HELM_RELEASE_NAME_MAX - 7),
        z.strictObject({ name: dnsLabel(HELM_RELEASE_NAME_MAX - 7), values: blockValues.optional() }),
      ]),
    )
    .optional(),
  backupStore: backupStore.optional(),
};

const awsCluster = z
  .strictObject({
    ...clusterBase,
    cloud: z.literal('aws'),
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1'),
    kubernetesVersion: z.string().regex(/^1\.\d{2}$/, 'must be an EKS minor version such as "1.33"'),
    adminPrincipalArns: z
      .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, 'must be an IAM role or user ARN'))
      .min(1),
    network: z
      .strictObject({
        vpcCidr: cidr.optional(),
        azCount: z.number().int().min(2).max(3).optional(),
        natGateways: z.enum(['single', 'per-az']).optional(),
        existing: z
          .strictObject({
            vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, 'must be a VPC id'),
            privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id')).min(2),
            publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id')).optional(),
          })
          .optional(),
      })
      .optional(),
    publicAccessCidrs: z.array(cidr).optional(),
    publicAccessMinPrefixLength: minPrefixLength.optional(),
    ownerAccess: z
      .array(
        z.strictObject({
          principalArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, 'must be an IAM role or user ARN'),
          username: ownerIdentity.refine(
            (n) => !/^(eks|aws|amazon|iam):/.test(n),
            'must not start with eks:, aws:, amazon: or iam: (reserved by EKS)',
          ),
          groups: z
            .array(
              ownerIdentity.refine(
                (n) => !/^(eks|aws|amazon|iam):/.test(n),
                'must not start with eks:, aws:, amazon: or iam: (reserved by EKS)',
              ),
            )
            .optional(),
        }),
      )
      .optional(),
    logRetentionDays: z.number().int().min(1).max(3653).optional(),
    nodePools: z
      .array(
        z.strictObject({
          name: dnsLabel(40),
          instanceTypes: z.array(nonEmpty).min(1).optional(),
          capacity: z.enum(['on-demand', 'spot']).optional(),
          minSize: count(1000).optional(),
          maxSize: count(1000).optional(),
          desiredSize: count(1000).optional(),
          diskSizeGiB: z.number().int().min(20).max(16384).optional(),
          labels: stringMap.optional(),
          taints: z.array(taint).optional(),
        }),
      )
      .optional(),
    fargateProfiles: z
      .array(
        z.strictObject({
          name: dnsLabel(63),
          selectors: z
            .array(
              z.strictObject({
                namespace: nonEmpty.superRefine((pattern, ctx) => {
                  const problem = fargateNamespaceProblem(pattern);
                  if (problem) ctx.addIssue({ code: 'custom', message: problem });
                }),
                labels: stringMap.optional(),
              }),
            )
            .min(1),
        }),
      )
      .optional(),
  })
  .superRefine((c, ctx) =>
    rangesNoWiderThan(c.publicAccessCidrs, c.publicAccessMinPrefixLength, 'publicAccessCidrs', ctx),
  );

const azureCluster = z
  .strictObject({
    ...clusterBase,
    cloud: z.literal('azure'),
    location: z.string().regex(/^[a-z0-9]+$/, 'must be an Azure location such as westeurope'),
    kubernetesVersion: z.string().regex(/^1\.\d{2}(\.\d+)?$/, 'must be an AKS version such as "1.33"'),
    tenantId: z.uuid('must be a tenant id (GUID)'),
    subscriptionId: z.uuid('must be a subscription id (GUID)').optional(),
    adminGroupObjectIds: z.array(z.uuid('must be a group object id (GUID)')).min(1),
    network: z
      .strictObject({
        vnetCidr: cidr.optional(),
        nodeSubnetCidr: cidr.optional(),
        podCidr: cidr.optional(),
        serviceCidr: cidr.optional(),
      })
      .optional(),
    networkPolicy: z.enum(['cilium', 'calico']).optional(),
    privateCluster: z.boolean().optional(),
    authorizedIpRanges: z.array(cidr).optional(),
    publicAccessMinPrefixLength: minPrefixLength.optional(),
    upgradeChannel: z.enum(['patch', 'stable', 'rapid', 'node-image']).optional(),
    systemPool: z
      .strictObject({ vmSize: nonEmpty.optional(), minCount: count(1000).optional(), maxCount: count(1000).optional() })
      .optional(),
    nodePools: z
      .array(
        z.strictObject({
          name: z
            .string()
            .regex(/^[a-z][a-z0-9]{0,11}$/, 'must be 1-12 lower-case letters and digits, starting with a letter'),
          vmSize: nonEmpty.optional(),
          minCount: count(1000).optional(),
          maxCount: count(1000).optional(),
          zones: z.array(z.enum(['1', '2', '3'])).optional(),
          osDiskSizeGiB: z.number().int().min(30).max(2048).optional(),
          ephemeralOsDisk: z.boolean().optional(),
          hostEncryption: z.boolean().optional(),
          spot: z.boolean().optional(),
          labels: stringMap.optional(),
          taints: z.array(taint).optional(),
        }),
      )
      .optional(),
    keyVaultAllowedIpRanges: z.array(cidr).optional(),
    logRetentionDays: z.number().int().min(30).max(730).optional(),
    managedDatabases: z.strictObject({ cidr: cidr.optional() }).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.privateCluster === false && !c.authorizedIpRanges?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['authorizedIpRanges'],
        message: 'is required when privateCluster is false; without it every address reaches the API server',
      });
    }
    rangesNoWiderThan(c.authorizedIpRanges, c.publicAccessMinPrefixLength, 'authorizedIpRanges', ctx);
  });

const gcpCluster = z
  .strictObject({
    ...clusterBase,
    cloud: z.literal('gcp'),
    project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, 'must be a Google Cloud project id'),
    region: z.string().regex(/^[a-z]+-[a-z]+\d$/, 'must be a Google Cloud region such as europe-west1'),
    mode: z.enum(['standard', 'autopilot']).optional(),
    releaseChannel: z.enum(['RAPID', 'REGULAR', 'STABLE']).optional(),
    kubernetesVersion: z
      .string()
      .regex(/^1\.\d{2}(\.\d+)?/, 'must be a GKE version such as "1.33"')
      .optional(),
    network: z
      .strictObject({
        nodeCidr: cidr.optional(),
        podCidr: cidr.optional(),
        serviceCidr: cidr.optional(),
        masterCidr: cidr.optional(),
      })
      .optional(),
    privateEndpoint: z.boolean().optional(),
    masterAuthorizedNetworks: z.array(z.strictObject({ cidr, name: nonEmpty })).optional(),
    publicAccessMinPrefixLength: minPrefixLength.optional(),
    nodePools: z
      .array(
        z.strictObject({
          name: dnsLabel(40).regex(/^[a-z]/, 'must start with a letter'),
          machineType: nonEmpty.optional(),
          minCount: count(1000).optional(),
          maxCount: count(1000).optional(),
          diskSizeGiB: z.number().int().min(10).max(65536).optional(),
          spot: z.boolean().optional(),
          labels: stringMap.optional(),
          taints: z.array(taint).optional(),
        }),
      )
      .optional(),
    filestore: z.boolean().optional(),
    managedDatabases: z
      .strictObject({
        cidr: z
          .string()
          .regex(
            /^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/,
            'must be an IPv4 range from /16 to /24, such as 10.32.0.0/20',
          )
          .optional(),
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.privateEndpoint === false && !c.masterAuthorizedNetworks?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['masterAuthorizedNetworks'],
        message: 'is required when privateEndpoint is false; without it every address reaches the control plane',
      });
    }
    const networks = c.masterAuthorizedNetworks ?? [];
    rangesNoWiderThan(
      networks.map((n) => n.cidr),
      c.publicAccessMinPrefixLength,
      'masterAuthorizedNetworks',
      ctx,
      (i) => ['masterAuthorizedNetworks', i, 'cidr'],
    );
  });

const existingCluster = z.strictObject({
  ...clusterBase,
  cloud: z.literal('existing'),
  connection: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('kubeconfig'), path: nonEmpty, context: nonEmpty.optional() }),
    z.strictObject({ kind: z.literal('env') }),
  ]),
  storageClasses: z.strictObject({ blockRwo: dnsLabel(253), sharedRwx: dnsLabel(253).optional() }),
  installMetricsServer: z.boolean().optional(),
});

const cluster = z.discriminatedUnion('cloud', [awsCluster, azureCluster, gcpCluster, existingCluster]);

export const KNOWN_CLOUDS = ['aws', 'azure', 'gcp', 'existing'] as const;
/** The fields every cluster shares, for reporting them when the cloud itself is unknown. */
export const clusterBaseSchema = z.looseObject(clusterBase);

const instanceName = dnsLabel(HELM_RELEASE_NAME_MAX);

/**
 * IANA time zones the instance reaper has a rule for (its `zones.tab`, which covers
 * every zone the JavaScript runtime knows: a test checks); read on first use.
 */
let reaperZones: ReadonlySet<string> | undefined;
const knownTimeZone = (zone: string) => {
  reaperZones ??= new Set(
    readFileSync(join(PACKAGE_CHARTS_DIR, 'instance-reaper', 'files', 'zones.tab'), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(' ')[0]),
  );
  return reaperZones.has(zone);
};

const instance = z
  .strictObject({
    name: instanceName,
    cluster: nonEmpty,
    namespace: dnsLabel(KUBERNETES_NAME_MAX).optional(),
    owner: ownerIdentity,
    ownerGroup: ownerIdentity.optional(),
    ttlHours: z
      .number()
      .int('must be a whole number of hours')
      .min(TTL_HOURS_MIN, `must be at least ${TTL_HOURS_MIN}`)
      .max(TTL_HOURS_MAX, `must be at most ${TTL_HOURS_MAX} (30 days)`)
      .optional(),
    protected: z.boolean().optional(),
    size: z.enum(['small', 'medium', 'large']).optional(),
    quota: z
      .strictObject({
        cpu: z
          .string()
          .regex(/^\d+(\.\d+)?m?$/, 'must be a CPU quantity such as 500m or 4')
          .optional(),
        memory: z
          .string()
          .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti)?$/, 'must be a quantity such as 8Gi')
          .optional(),
        storage: z
          .string()
          .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti)?$/, 'must be a quantity such as 50Gi')
          .optional(),
        ephemeralStorage: z
          .string()
          .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti)?$/, 'must be a quantity such as 20Gi')
          .optional(),
        pods: z.number().int().min(1).max(1000).optional(),
      })
      .optional(),
    blocks: z
      .array(
        z.union([
          dnsLabel(HELM_RELEASE_NAME_MAX),
          z.strictObject({ name: dnsLabel(HELM_RELEASE_NAME_MAX), values: blockValues.optional() }),
        ]),
      )
      .min(1, 'must list at least one building block'),
    mocks: z.array(z.enum(['email', 'sms', 'payment', 'cloud'])).optional(),
    datasets: z.array(z.strictObject({ block: dnsLabel(HELM_RELEASE_NAME_MAX), variant: dnsLabel(63) })).optional(),
    allowInternetEgress: z.boolean().optional(),
    uses: z.array(dnsLabel(HELM_RELEASE_NAME_MAX)).optional(),
    secrets: z
      .array(
        z
          .strictObject({
            name: dnsLabel(KUBERNETES_NAME_MAX),
            from: z.union([
              z.strictObject({ secretManager: nonEmpty }),
              z.strictObject({ file: nonEmpty, format: z.enum(['text', 'json']).optional() }),
            ]),
            key: z
              .string()
              .regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret key: letters, digits, "-", "_" and "."')
              .optional(),
          })
          .superRefine((secret, ctx) => {
            if (secret.key !== undefined && !('file' in secret.from && (secret.from.format ?? 'text') === 'text'))
              ctx.addIssue({
                code: 'custom',
                path: ['key'],
                message:
                  'names the key of a text file only; a secret manager entry and a JSON file give one key per field',
              });
          }),
      )
      .optional(),
    idleHours: z
      .custom<number | 'never'>(
        (v) => v === 'never' || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 720),
        'must be a whole number of hours from 1 to 720, or "never"',
      )
      .optional(),
    workingHours: z
      .string()
      .regex(
        /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)-(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d [A-Za-z_]+(\/[A-Za-z_+-]+)*$/,
        'must look like "Mon-Fri 07:00-19:00 Europe/Berlin"',
      )
      .refine((hours) => knownTimeZone(hours.split(' ')[2]), 'must end in a known IANA time zone such as Europe/Berlin')
      .optional(),
    cloudResources: z
      .strictObject({
        source: z.enum(['cloud', 'mock']).optional(),
        objectStorage: z.boolean().optional(),
        queue: z.boolean().optional(),
        table: z.boolean().optional(),
      })
      .optional(),
    backup: z
      .strictObject({
        schedule: z
          .string()
          .regex(
            /^(\S+\s+){5}\S+$/,
            'must be a six-field cron expression with seconds first, as CloudNativePG takes it, such as "0 0 2 * * *"',
          )
          .optional(),
        retentionDays: z
          .number()
          .int('must be a whole number of days')
          .min(1, 'must be at least 1')
          .max(365, 'must be at most 365')
          .optional(),
      })
      .optional(),
    restoreFrom: z
      .strictObject({
        instance: instanceName,
        targetTime: z.iso
          .datetime({ offset: true, error: 'must be an RFC 3339 time such as 2026-01-31T18:00:00Z' })
          .optional(),
      })
      .optional(),
    database: z
      .strictObject({
        source: z.enum(['cluster', 'managed']).optional(),
        engine: z.enum(['postgresql', 'mysql']),
        version: z
          .string()
          .regex(/^\d{1,2}(\.\d{1,2})?$/, 'must be a major or major.minor version such as 17 or 8.4')
          .optional(),
        instanceClass: z
          .string()
          .regex(
            /^[A-Za-z0-9][-._A-Za-z0-9]{0,62}$/,
            'must be a server size such as db.t4g.micro (AWS), db-custom-1-3840 (Google) or B_Standard_B1ms (Azure)',
          )
          .optional(),
        storageGiB: z.number().int().min(20).max(1024).optional(),
      })
      .optional(),
  })
  .superRefine((inst, ctx) => {
    const problem = reservedNamespaceProblem(inst.namespace ?? inst.name);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path: [inst.namespace ? 'namespace' : 'name'],
        message: `${problem}; set namespace to one of the instance's own`,
      });
  });

const matchExpression = z
  .strictObject({
    key: nonEmpty,
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Ge', 'Lt', 'Le']),
    values: z.array(z.string()).optional(),
  })
  .superRefine((expr, ctx) => {
    const n = expr.values?.length ?? 0;
    if ((expr.operator === 'In' || expr.operator === 'NotIn') && n === 0) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `${expr.operator} needs at least one value` });
    }
    if (['Gt', 'Ge', 'Lt', 'Le'].includes(expr.operator) && n !== 1) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `${expr.operator} needs exactly one version` });
    }
    if ((expr.operator === 'Exists' || expr.operator === 'DoesNotExist') && n > 0) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `${expr.operator} takes no values` });
    }
  });

const requirement = z.strictObject({
  description: z.string().optional(),
  matchExpressions: z.array(matchExpression).min(1),
});
const valuesObject = blockValues;
const injectionPath = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]+(\[\d+\])?(\.[A-Za-z0-9_-]+(\[\d+\])?)*$/,
    'must be a dot path such as "auth.existingSecret" or "extraEnv[0].value"',
  );

export const catalogEntrySchema = z.strictObject({
  name: dnsLabel(HELM_RELEASE_NAME_MAX),
  labels: stringMap.refine((l) => 'kind' in l && 'version' in l, 'must include "kind" and "version"'),
  chart: z.strictObject({
    repository: z.string().regex(/^(https:\/\/|oci:\/\/)\S+$/, 'must start with https:// or oci://'),
    name: nonEmpty,
    version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be an exact version such as 1.2.3'),
  }),
  values: valuesObject.optional(),
  resources: z.strictObject({
    cpu: nonEmpty,
    memory: nonEmpty,
    limits: z.strictObject({ cpu: nonEmpty, memory: nonEmpty }).optional(),
    pods: z.number().int().min(0).optional(),
    replicasPath: injectionPath.optional(),
    perReplica: z
      .strictObject({
        cpu: nonEmpty,
        memory: nonEmpty,
        limits: z.strictObject({ cpu: nonEmpty, memory: nonEmpty }).optional(),
        pods: z.number().int().min(0).optional(),
      })
      .optional(),
    optionalPods: z
      .array(
        z.strictObject({
          when: injectionPath,
          cpu: nonEmpty,
          memory: nonEmpty,
          limits: z.strictObject({ cpu: nonEmpty, memory: nonEmpty }).optional(),
          pods: z.number().int().min(0).optional(),
        }),
      )
      .optional(),
  }),
  needs: z
    .strictObject({
      database: z.enum(['postgresql', 'mysql', 'mongodb']).optional(),
      databaseUriKey: nonEmpty.optional(),
      storage: z.enum(['rwo', 'rwx']).optional(),
      ingress: z.strictObject({ service: nonEmpty, port: z.number().int().min(1).max(65535) }).optional(),
      kubernetesApi: stringMap.refine((m) => Object.keys(m).length > 0, 'must name at least one pod label').optional(),
    })
    .optional(),
  credentials: z.array(dnsLabel(63)).optional(),
  derivedCredentials: stringMap.optional(),
  provides: z
    .strictObject({
      database: z
        .strictObject({
          engine: z.enum(['postgresql', 'mysql', 'mongodb']),
          service: nonEmpty,
          port: z.number().int().min(1).max(65535),
          seed: z.strictObject({ database: nonEmpty, username: nonEmpty, secret: nonEmpty, passwordKey: nonEmpty }),
          perConsumer: valuesObject.superRefine((values, ctx) => {
            const problem = perConsumerProblem(values);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          }),
          uri: nonEmpty,
        })
        .optional(),
    })
    .optional(),
  inject: z
    .strictObject({
      smtpHost: injectionPath.optional(),
      smtpPort: injectionPath.optional(),
      smsApiUrl: injectionPath.optional(),
      paymentApiUrl: injectionPath.optional(),
      cloudApiUrl: injectionPath.optional(),
      objectStorageBucket: injectionPath.optional(),
      queueName: injectionPath.optional(),
      tableName: injectionPath.optional(),
      cloudRegion: injectionPath.optional(),
      cloudServiceAccount: injectionPath.optional(),
      queueSubscription: injectionPath.optional(),
      cloudProject: injectionPath.optional(),
      cloudStorageAccount: injectionPath.optional(),
      credentialsSecret: injectionPath.optional(),
      sharedCredentials: z.record(dnsLabel(HELM_RELEASE_NAME_MAX - 7), injectionPath).optional(),
      databaseSecret: injectionPath.optional(),
      databaseHost: injectionPath.optional(),
      databasePort: injectionPath.optional(),
      databaseName: injectionPath.optional(),
      databaseUser: injectionPath.optional(),
      smtpUrl: injectionPath.optional(),
      ingressHost: injectionPath.optional(),
      storageClass: injectionPath.optional(),
      networkPolicyPeers: injectionPath.optional(),
      poolJoin: injectionPath.optional(),
      poolNodeAddresses: injectionPath.optional(),
      poolNodeCertificates: injectionPath.optional(),
      poolNodeCertificate: injectionPath.optional(),
      poolClientCertificate: injectionPath.optional(),
      poolCaSecret: injectionPath.optional(),
    })
    .optional(),
  outputs: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'must be a name such as bootstrapServers'), z.string())
    .optional(),
  inputs: z.record(injectionPath, z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'must name an output')).optional(),
  sharedSecret: nonEmpty.optional(),
  requires: z
    .strictObject({
      strong: z.array(requirement).optional(),
      weak: z.array(requirement).optional(),
      cluster: z.array(requirement).optional(),
    })
    .optional(),
  influences: z.array(z.strictObject({ target: requirement, values: valuesObject })).optional(),
  podSecurity: z
    .strictObject({ level: z.enum(['baseline', 'privileged']), reason: z.string().min(10, 'must give a reason') })
    .optional(),
  datasets: z
    .record(
      dnsLabel(63),
      z.strictObject({
        format: z.enum(['sql', 'mongodb-archive', 'http-fixtures']),
        source: z.union([z.strictObject({ configMap: stringMap }), z.strictObject({ url: z.url() })]),
        http: z
          .strictObject({
            path: z.string().regex(/^\//, 'must start with "/"').optional(),
            method: z.enum(['POST', 'PUT', 'PATCH']).optional(),
            markerPath: z.string().regex(/^\//, 'must start with "/"').optional(),
            token: z
              .strictObject({
                path: z.string().regex(/^\//, 'must start with "/"'),
                clientId: nonEmpty,
                username: nonEmpty,
                passwordSecret: z.strictObject({ name: nonEmpty, key: nonEmpty }),
              })
              .optional(),
          })
          .optional(),
      }),
    )
    .optional(),
  images: z.array(nonEmpty),
  registryMirrorValues: stringMap.optional(),
  excludedTests: z
    .array(z.strictObject({ name: nonEmpty, reason: z.string().min(10, 'must give a reason') }))
    .optional(),
});

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name such as X-Forwarded-Email');
const web = z
  .strictObject({
    externalUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional(),
    auth: z
      .strictObject({
        proxy: z
          .strictObject({
            userHeader: headerName.optional(),
            groupsHeader: headerName.optional(),
            trustedAddresses: z
              .array(z.string().refine((a) => isIP(a) !== 0, 'must be an IP address such as 127.0.0.1 or ::1'))
              .min(1)
              .optional(),
          })
          .optional(),
        oidc: z
          .strictObject({
            issuer: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
            clientId: nonEmpty,
            clientSecretEnv: z
              .string()
              .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the name of an environment variable, not the secret')
              .optional(),
            userClaim: nonEmpty.optional(),
            groupsClaim: nonEmpty.optional(),
          })
          .optional(),
      })
      .refine((a) => !(a.proxy && a.oidc), 'must name one of proxy or oidc, not both')
      .optional(),
    admins: z.array(ownerIdentity).optional(),
    adminGroups: z.array(ownerIdentity).optional(),
  })
  .refine((w) => !w.auth?.oidc || w.externalUrl, {
    path: ['externalUrl'],
    message: 'is required with auth.oidc: the issuer redirects back to <externalUrl>/auth/callback',
  });

export const sandboxConfigSchema = z
  .strictObject({
    state: state.optional(),
    clusters: z.array(cluster).min(1, 'must declare at least one cluster'),
    instances: z.array(instance).optional(),
    instanceGroups: z
      .array(
        z.strictObject({
          name: dnsLabel(63),
          domain: z
            .string()
            .max(200)
            .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, 'must be a DNS domain such as dss.example.org')
            .optional(),
          members: z
            .array(
              z.union([
                dnsLabel(HELM_RELEASE_NAME_MAX),
                z.strictObject({
                  instance: dnsLabel(HELM_RELEASE_NAME_MAX),
                  addresses: z.array(z.ipv4('must be an IPv4 address such as 203.0.113.10')).min(1).optional(),
                }),
              ]),
            )
            .min(2, 'must list at least two instances'),
          expose: z
            .strictObject({
              port: z.number().int().min(1024).max(65535),
              selector: stringMap.refine((m) => Object.keys(m).length > 0, 'must name at least one pod label'),
              nodes: z.number().int().min(1).max(POOL_NODES_MAX).optional(),
              statefulSet: dnsLabel(KUBERNETES_NAME_MAX).optional(),
            })
            .superRefine((e, ctx) => {
              if ((e.nodes ?? 1) > 1 && !e.statefulSet)
                ctx.addIssue({
                  code: 'custom',
                  path: ['statefulSet'],
                  message: `is required with ${e.nodes} nodes: node i is the StatefulSet's pod <statefulSet>-<i>`,
                });
            }),
          ca: z.strictObject({ secret: dnsLabel(KUBERNETES_NAME_MAX) }),
          clientUsers: z
            .array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a SQL user name such as root'))
            .min(1)
            .optional(),
        }),
      )
      .optional(),
    catalog: z.array(catalogEntrySchema).optional(),
    web: web.optional(),
  })
  .superRefine((config, ctx) => {
    // Fargate enforces no NetworkPolicy: a profile must not take the pods of an instance on its cluster.
    config.clusters.forEach((c, ci) => {
      if (c.cloud !== 'aws') return;
      c.fargateProfiles?.forEach((profile, pi) =>
        profile.selectors.forEach((selector, si) => {
          const taken = (config.instances ?? []).find(
            (i) => i.cluster === c.name && fargatePatternMatches(selector.namespace, i.namespace ?? i.name),
          );
          if (!taken) return;
          ctx.addIssue({
            code: 'custom',
            path: ['clusters', ci, 'fargateProfiles', pi, 'selectors', si, 'namespace'],
            message: `"${selector.namespace}" matches the namespace of instance "${taken.name}"; Fargate enforces no NetworkPolicy, so instance pods must stay on node pools`,
          });
        }),
      );
    });
  });

/** Compile-time proof that the schema and the exported types describe the same shapes. */
type Parsed = z.infer<typeof sandboxConfigSchema>;
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type DeepWritable<T> = T extends (infer U)[]
  ? DeepWritable<U>[]
  : T extends readonly (infer U)[]
    ? DeepWritable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: DeepWritable<T[K]> }
      : T;
const schemaMatchesTypes: Exact<DeepWritable<SandboxConfig>, DeepWritable<Parsed>> = true;
const catalogMatchesTypes: Exact<DeepWritable<CatalogEntry>, DeepWritable<z.infer<typeof catalogEntrySchema>>> = true;
void schemaMatchesTypes;
void catalogMatchesTypes;
