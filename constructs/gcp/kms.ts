import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { Construct } from 'constructs';

export interface GcpKeysProps {
  readonly clusterName: string;
  readonly region: string;
  /** Google service agents (by e-mail) allowed to encrypt and decrypt with each key, by key name. */
  readonly users: Readonly<Record<string, readonly string[]>>;
  /** @default '7776000s' (90 days) */
  readonly rotationPeriod?: string;
}

/** A key ring with one rotating key per purpose, each usable only by the agents named for it. */
export class GcpKeys extends Construct {
  readonly keys: Record<string, KmsCryptoKey> = {};

  constructor(scope: Construct, id: string, props: GcpKeysProps) {
    super(scope, id);
    const ring = new KmsKeyRing(this, 'Ring', { name: `${props.clusterName}-keys`, location: props.region });
    for (const [name, members] of Object.entries(props.users)) {
      const key = new KmsCryptoKey(this, name, {
        name: `${props.clusterName}-${name}`,
        keyRing: ring.id,
        rotationPeriod: props.rotationPeriod ?? '7776000s',
        lifecycle: { preventDestroy: false },
      });
      members.forEach((member, i) => {
        new KmsCryptoKeyIamMember(this, `${name}User${i}`, {
          cryptoKeyId: key.id,
          role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
          member: `serviceAccount:${member}`,
        });
      });
      this.keys[name] = key;
    }
  }
}
