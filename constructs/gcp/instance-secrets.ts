import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { InstanceSecretBackend, InstanceSecretBinding, InstanceSecretRequest } from '../cluster';
import { secretManagerKeyProblem } from '../secret-manager-keys';
import { gcpInstanceNames, gcpNames } from './naming';

export interface GcpInstanceSecretsProps {
  readonly clusterName: string;
  readonly project: string;
  readonly region: string;
}

/**
 * Secret Manager secrets replicated in the cluster's region under its CMEK
 * key, and a Google service account, bound to the instance's Kubernetes
 * service account, with accessor rights on exactly those secrets.
 */
export class GcpInstanceSecrets implements InstanceSecretBackend {
  constructor(private readonly props: GcpInstanceSecretsProps) {}

  bind(scope: Construct, request: InstanceSecretRequest): InstanceSecretBinding {
    const c = new Construct(scope, 'GcpSecrets');
    const { clusterName, project, region } = this.props;
    const keyName = gcpNames(clusterName).secretManagerKey(project, region);
    const instanceNames = gcpInstanceNames(clusterName, request.instanceName);
    const account = new ServiceAccount(c, 'Account', {
      accountId: instanceNames.secretsAccount,
      displayName: `Secrets of sandbox instance ${request.instanceName} on ${clusterName}`,
    });
    new ServiceAccountIamMember(c, 'WorkloadIdentity', {
      serviceAccountId: account.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${project}.svc.id.goog[${request.namespace}/${request.serviceAccountName}]`,
    });
    const remoteKeys: Record<string, string> = {};
    for (const secret of request.secrets) {
      const secretId = instanceNames.secretId(secret.name);
      const stored = new SecretManagerSecret(c, `Secret-${secret.name}`, {
        secretId,
        replication: {
          userManaged: { replicas: [{ location: region, customerManagedEncryption: { kmsKeyName: keyName } }] },
        },
        labels: { 'sandbox-instance': request.instanceName },
      });
      new SecretManagerSecretVersion(c, `Value-${secret.name}`, {
        secret: stored.id,
        secretData: Fn.jsonencode(secret.data),
      });
      new SecretManagerSecretIamMember(c, `Read-${secret.name}`, {
        secretId: stored.secretId,
        role: 'roles/secretmanager.secretAccessor',
        member: account.member,
      });
      remoteKeys[secret.name] = secretId;
    }
    (request.broughtKeys ?? []).forEach((secretId, i) => {
      const problem = secretManagerKeyProblem('gcp', secretId);
      if (problem)
        throw new Error(`GcpInstanceSecrets of instance "${request.instanceName}": brought secret ${problem}`);
      new SecretManagerSecretIamMember(c, `ReadBrought-${i}`, {
        project,
        secretId,
        role: 'roles/secretmanager.secretAccessor',
        member: account.member,
      });
    });
    return {
      kind: 'external-secrets',
      provider: {
        gcpsm: {
          projectID: project,
          auth: {
            workloadIdentity: {
              clusterLocation: region,
              clusterName: gcpNames(clusterName).gkeCluster,
              serviceAccountRef: { name: request.serviceAccountName },
            },
          },
        },
      },
      serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': account.email },
      remoteKeys,
    };
  }
}
