import { exec, must } from './kube';

const POOL_LABEL = 'sandboxkit.test/volume-pool';

/**
 * Pre-made PersistentVolumes of a storage class for a cluster whose class has no provisioner
 * (the shared control plane's `standard`): the scheduler binds claims to them as a provisioner
 * would, so StatefulSets with volumes get scheduled and become ready. A cluster with a real
 * provisioner (kind, minikube, a cloud) needs no pool.
 */
export function createVolumePool(storageClass: string, count: number): void {
  const volumes = Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `sandboxkit-test-pv-${i}`, labels: { [POOL_LABEL]: 'true' } },
    spec: {
      storageClassName: storageClass,
      capacity: { storage: '100Gi' },
      accessModes: ['ReadWriteOnce', 'ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: `/var/lib/sandboxkit-test/pv-${i}` },
    },
  }));
  must('kubectl', ['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: volumes }) });
}

/** Removes the pool, bound or released. */
export function deleteVolumePool(): void {
  exec('kubectl', ['delete', 'pv', '-l', `${POOL_LABEL}=true`, '--wait=false']);
  exec('kubectl', ['patch', 'pv', '-l', `${POOL_LABEL}=true`, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
}
