import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Construct } from 'constructs';
import type { InstanceSecretBackend, InstanceSecretBinding, InstanceSecretRequest } from '../cluster';

/**
 * On a cluster without a cloud secret manager, generated credentials go
 * straight into Kubernetes Secrets of the instance's namespace; nothing
 * outside the namespace can read them.
 */
export class KubernetesInstanceSecrets implements InstanceSecretBackend {
  bind(scope: Construct, request: InstanceSecretRequest): InstanceSecretBinding {
    const c = new Construct(scope, 'KubernetesSecrets');
    const secrets = request.secrets.map(
      (secret) =>
        new SecretV1(c, secret.name, {
          metadata: {
            name: secret.name,
            namespace: request.namespace,
            labels: { 'sandbox.dev/instance': request.instanceName },
          },
          data: { ...secret.data },
          type: 'Opaque',
          dependsOn: [...request.dependsOn],
        }),
    );
    return { kind: 'kubernetes', secrets };
  }
}
