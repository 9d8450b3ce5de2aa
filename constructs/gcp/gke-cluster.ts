import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { DnsManagedZoneIamMember } from '@cdktf/provider-google/lib/dns-managed-zone-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS, type ClusterFacts, type SandboxCluster } from '../cluster';
import { assertPublicAccessRanges } from '../public-api-access';
import { gkeFacts } from './cluster-facts';
import { GkeNodePool, type GkeNodePoolOptions } from './gke-node-pool';
import { GcpKeys } from './kms';
import { gcpNames, gcpSecretPrefix } from './naming';
import type { GkeNetwork } from './network';

export type GkeMode = 'standard' | 'autopilot';
export type ReleaseChannel = 'RAPID' | 'REGULAR' | 'STABLE';

export interface GkeClusterProps {
  readonly clusterName: string;
  readonly project: string;
  readonly region: string;
  readonly network: GkeNetwork;
  /** @default 'standard' */
  readonly mode?: GkeMode;
  /** @default 'REGULAR' */
  readonly releaseChannel?: ReleaseChannel;
  /** @default - the release channel's default */
  readonly kubernetesVersion?: string;
  /** The control plane has only a private endpoint. @default true */
  readonly privateEndpoint?: boolean;
  /** Networks allowed to the control plane; required when privateEndpoint is false. @default [] */
  readonly masterAuthorizedNetworks?: readonly { readonly cidr: string; readonly name: string }[];
  /** Shortest prefix (widest range) accepted in masterAuthorizedNetworks. @default 8 */
  readonly publicAccessMinPrefixLength?: number;
  /** Filestore CSI driver for RWX volumes. @default false */
  readonly filestore?: boolean;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /** Cloud DNS managed zone external-dns may write to; creates its service account. @default - none */
  readonly externalDnsZone?: string;
  /** A `databases` key that the Cloud SQL service agent may use, for instances' managed databases. @default false */
  readonly managedDatabases?: boolean;
}

/** Roles a node's service account needs to log, report metrics and pull images; nothing more. */
export const NODE_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
  'roles/artifactregistry.reader',
] as const;

/**
 * GKE with private nodes, Dataplane V2 (enforced NetworkPolicy), workload
 * identity, application-layer Secrets encryption with Cloud KMS, and Secret
 * Manager access for the secret operator through workload identity.
 */
export class GkeCluster extends Construct implements SandboxCluster {
  readonly clusterName: string;
  readonly cloud = 'gcp' as const;
  declare readonly connection: ClusterFacts['connection'];
  declare readonly storage: ClusterFacts['storage'];
  declare readonly secretStore: ClusterFacts['secretStore'];
  declare readonly ingress: ClusterFacts['ingress'];
  declare readonly secretBackend: ClusterFacts['secretBackend'];
  declare readonly platformNeeds: ClusterFacts['platformNeeds'];

  readonly gke: ContainerCluster;
  readonly keys: GcpKeys;
  readonly nodeServiceAccount: ServiceAccount;
  readonly secretOperator: ServiceAccount;
  readonly nodePools: GkeNodePool[] = [];
  readonly mode: GkeMode;

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    const where = `GkeCluster "${id}"`;
    this.mode = props.mode ?? 'standard';
    const privateEndpoint = props.privateEndpoint ?? true;
    const authorized = props.masterAuthorizedNetworks ?? [];
    const filestore = props.filestore ?? false;
    if (!/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(props.clusterName)) {
      throw new Error(
        `${where}: clusterName must be 1-40 lower-case letters, digits and "-", starting with a letter, got "${props.clusterName}"`,
      );
    }
    if (!privateEndpoint && authorized.length === 0) {
      throw new Error(
        `${where}: a public control-plane endpoint (privateEndpoint false) needs masterAuthorizedNetworks`,
      );
    }
    assertPublicAccessRanges(
      where,
      'masterAuthorizedNetworks',
      authorized.map((n) => n.cidr),
      props.publicAccessMinPrefixLength,
    );

    const names = gcpNames(props.clusterName);
    const project = new DataGoogleProject(this, 'Project', { projectId: props.project });
    const agent = (domain: string) => `service-${project.number}@${domain}`;
    this.clusterName = props.clusterName;

    // Reading the Cloud Storage service agent creates it if the project has not used Cloud Storage yet.
    const storageAgent = new DataGoogleStorageProjectServiceAccount(this, 'StorageAgent', { project: props.project });
    this.keys = new GcpKeys(this, 'Keys', {
      clusterName: props.clusterName,
      region: props.region,
      users: {
        'gke-secrets': [agent('container-engine-robot.iam.gserviceaccount.com')],
        disks: [agent('compute-system.iam.gserviceaccount.com')],
        'secret-manager': [agent('gcp-sa-secretmanager.iam.gserviceaccount.com')],
        // Instances' buckets, topics and Firestore databases (cloudResources) are encrypted by their service agents.
        'instance-data': [
          storageAgent.emailAddress,
          agent('gcp-sa-pubsub.iam.gserviceaccount.com'),
          agent('gcp-sa-firestore.iam.gserviceaccount.com'),
        ],
        ...(props.managedDatabases ? { databases: [agent('gcp-sa-cloud-sql.iam.gserviceaccount.com')] } : {}),
      },
    });

    this.nodeServiceAccount = new ServiceAccount(this, 'NodeServiceAccount', {
      accountId: names.nodeAccount,
      displayName: `Nodes of sandbox cluster ${props.clusterName}`,
    });
    NODE_ROLES.forEach((role, i) => {
      new ProjectIamMember(this, `NodeRole${i}`, {
        project: props.project,
        role,
        member: this.nodeServiceAccount.member,
      });
    });

    const autopilot = this.mode === 'autopilot';
    this.gke = new ContainerCluster(this, 'Cluster', {
      name: names.gkeCluster,
      location: props.region,
      network: props.network.network.id,
      subnetwork: props.network.subnet.id,
      networkingMode: 'VPC_NATIVE',
      enableAutopilot: autopilot ? true : undefined,
      removeDefaultNodePool: autopilot ? undefined : true,
      initialNodeCount: autopilot ? undefined : 1,
      minMasterVersion: props.kubernetesVersion,
      deletionProtection: props.deletionProtection ?? true,
      releaseChannel: { channel: props.releaseChannel ?? 'REGULAR' },
      datapathProvider: 'ADVANCED_DATAPATH',
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.network.podRangeName,
        servicesSecondaryRangeName: props.network.serviceRangeName,
      },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: privateEndpoint,
        masterIpv4CidrBlock: props.network.masterCidr,
        masterGlobalAccessConfig: { enabled: false },
      },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: authorized.map((n) => ({ cidrBlock: n.cidr, displayName: n.name })),
      },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      workloadIdentityConfig: { workloadPool: `${props.project}.svc.id.goog` },
      databaseEncryption: { state: 'ENCRYPTED', keyName: this.keys.keys['gke-secrets'].id },
      enableShieldedNodes: autopilot ? undefined : true,
      enableIntranodeVisibility: autopilot ? undefined : true,
      enableLegacyAbac: false,
      loggingConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'WORKLOADS', 'APISERVER'] },
      monitoringConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'APISERVER'], managedPrometheus: { enabled: true } },
      addonsConfig: {
        gcePersistentDiskCsiDriverConfig: { enabled: true },
        gcpFilestoreCsiDriverConfig: { enabled: filestore },
        httpLoadBalancing: { disabled: false },
      },
      nodeConfig: autopilot
        ? undefined
        : {
            serviceAccount: this.nodeServiceAccount.email,
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
            workloadMetadataConfig: { mode: 'GKE_METADATA' },
          },
      lifecycle: autopilot ? undefined : { ignoreChanges: ['node_config'] },
    });

    this.secretOperator = new ServiceAccount(this, 'SecretOperator', {
      accountId: names.secretOperatorAccount,
      displayName: `Secret operator of sandbox cluster ${props.clusterName}`,
    });
    // Every cluster of a project shares its workload identity pool: a service account name of its own keeps
    // another cluster's external-secrets from acting as this cluster's operator.
    new ServiceAccountIamMember(this, 'SecretOperatorWorkloadIdentity', {
      serviceAccountId: this.secretOperator.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${props.project}.svc.id.goog[${PLATFORM_DEFAULTS.externalSecretsNamespace}/${names.secretOperatorKubernetesAccount}]`,
    });
    new ProjectIamMember(this, 'SecretOperatorAccess', {
      project: props.project,
      role: 'roles/secretmanager.secretAccessor',
      member: this.secretOperator.member,
      condition: {
        title: 'sandbox-secrets-only',
        description: `Secrets of sandbox cluster ${props.clusterName}`,
        expression: `resource.name.startsWith("projects/${project.number}/secrets/${gcpSecretPrefix(props.clusterName)}")`,
      },
    });

    if (props.externalDnsZone) {
      const dns = new ServiceAccount(this, 'ExternalDns', {
        accountId: names.externalDnsAccount,
        displayName: `external-dns of sandbox cluster ${props.clusterName}`,
      });
      new ServiceAccountIamMember(this, 'ExternalDnsWorkloadIdentity', {
        serviceAccountId: dns.name,
        role: 'roles/iam.workloadIdentityUser',
        member: `serviceAccount:${props.project}.svc.id.goog[external-dns/${names.externalDnsKubernetesAccount}]`,
      });
      new DnsManagedZoneIamMember(this, 'ExternalDnsZone', {
        managedZone: props.externalDnsZone,
        role: 'roles/dns.admin',
        member: dns.member,
      });
      new ProjectIamMember(this, 'ExternalDnsReader', {
        project: props.project,
        role: 'roles/dns.reader',
        member: dns.member,
      });
    }

    const client = new DataGoogleClientConfig(this, 'Client');
    Object.assign(
      this,
      gkeFacts({
        clusterName: props.clusterName,
        project: props.project,
        region: props.region,
        endpoint: this.gke.endpoint,
        clusterCaCertificate: this.gke.masterAuth.clusterCaCertificate,
        token: client.accessToken,
        ingressDomain: props.ingressDomain,
        filestore,
        externalDnsZone: props.externalDnsZone,
      }),
    );
  }

  /** Adds an autoscaling node pool; Autopilot clusters manage their own nodes and refuse this. */
  addNodePool(name: string, options: GkeNodePoolOptions = {}): GkeNodePool {
    if (this.mode === 'autopilot')
      throw new Error(`GkeCluster "${this.node.id}": an Autopilot cluster has no node pools to add ("${name}")`);
    const pool = new GkeNodePool(this, name, {
      ...options,
      clusterId: this.gke.id,
      serviceAccountEmail: this.nodeServiceAccount.email,
      bootDiskKmsKey: this.keys.keys.disks.id,
    });
    this.nodePools.push(pool);
    return pool;
  }
}
