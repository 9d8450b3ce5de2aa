import type { PlatformNeeds, StorageClassSpec } from '../cluster';

/** An existing cluster brings its own storage classes and keeps secrets in Kubernetes. */
export class ExistingPlatformNeeds implements PlatformNeeds {
  readonly internalLoadBalancerAnnotations = {};

  constructor(readonly needsMetricsServer: boolean) {}

  storageClasses(): StorageClassSpec[] {
    return [];
  }

  secretOperator(): undefined {
    return undefined;
  }

  externalDns(): undefined {
    return undefined;
  }

  clusterAutoscaler(): undefined {
    return undefined;
  }
}
