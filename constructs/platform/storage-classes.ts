import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Construct } from 'constructs';
import type { StorageClassSpec } from '../cluster';

export interface PlatformStorageClassesProps {
  readonly classes: readonly StorageClassSpec[];
}

/** The cloud's storage classes: volumes bind where their pod lands, can grow, and are deleted with their claim. */
export class PlatformStorageClasses extends Construct {
  readonly classes: StorageClassV1[];

  constructor(scope: Construct, id: string, props: PlatformStorageClassesProps) {
    super(scope, id);
    if (props.classes.filter((c) => c.isDefault).length > 1) {
      throw new Error(
        `PlatformStorageClasses "${id}": at most one class may be the default, got ${props.classes
          .filter((c) => c.isDefault)
          .map((c) => c.name)
          .join(', ')}`,
      );
    }
    this.classes = props.classes.map(
      (c) =>
        new StorageClassV1(this, c.name, {
          metadata: {
            name: c.name,
            annotations: { 'storageclass.kubernetes.io/is-default-class': String(c.isDefault ?? false) },
          },
          storageProvisioner: c.provisioner,
          parameters: { ...c.parameters },
          // Deleting an instance's claims deletes their volumes: nothing is left behind to pay for.
          reclaimPolicy: 'Delete',
          volumeBindingMode: 'WaitForFirstConsumer',
          allowVolumeExpansion: true,
          mountOptions: c.mountOptions ? [...c.mountOptions] : undefined,
        }),
    );
  }
}
