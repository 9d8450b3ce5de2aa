import { ConfigError, parseConfig } from '../../config/load';
import type { BlockRefConfig } from '../../config/types';

/* Templates that compose: a template extends another, carries every field an environment needs, and an instance can
 * unset what it inherits. Each test failed before templates composed. */

const CLUSTERS = `clusters:
  - name: aws
    cloud: aws
    region: eu-west-1
    kubernetesVersion: "1.33"
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admin]
    allowProtectedInstances: true
    sharedBlocks: [valkey]
    backupStore: { bucket: sandbox-backups }
    platform: { monitoring: true }
`;

const names = (blocks: readonly (string | BlockRefConfig)[]) => blocks.map((b) => (typeof b === 'string' ? b : b.name));

function issues(text: string): { path: string; message: string; line?: number }[] {
  try {
    parseConfig(text, 'templates.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => ({ path: i.path, message: i.message, line: i.line }));
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const LAYERS = `templates:
  - name: base
    blocks: [postgresql, keycloak]
    mocks: [email]
    size: medium
    ttlHours: 48
    workingHours: Mon-Fri 07:00-19:00 Europe/Berlin
    values:
      keycloak: { replicas: 1 }
  - name: digit
    extends: base
    addBlocks: [gateway]
    removeBlocks: [keycloak]
    mocks: [email, sms]
    uses: [valkey]
    secrets: [{ name: partner-token, from: { secretManager: digit/partner-token } }]
    cloudResources: { objectStorage: true }
    database: { source: managed, engine: mysql }
    idleHours: 72
    backup: { schedule: "0 0 2 * * *", retentionDays: 3 }
    values:
      gateway: { replicaCount: 1 }
  - name: digit-large
    extends: digit
    size: large
`;

describe('templates that compose', () => {
  it('extend another template: fields, blocks and values come from every ancestor, the nearest winning', () => {
    const c = parseConfig(
      `${CLUSTERS}${LAYERS}instances:\n  - { name: one, cluster: aws, owner: dev, template: digit-large }\n`,
    );
    const one = c.instances![0];
    expect(names(one.blocks)).toEqual(['postgresql', 'gateway']);
    expect(one).toMatchObject({
      size: 'large',
      mocks: ['email', 'sms'],
      ttlHours: 48,
      workingHours: 'Mon-Fri 07:00-19:00 Europe/Berlin',
    });
    expect(one.blocks).toContainEqual({ name: 'gateway', values: { replicaCount: 1 } });
  });

  it('carry uses, secrets, cloudResources, database, idleHours and backup', () => {
    const c = parseConfig(
      `${CLUSTERS}${LAYERS}instances:\n  - { name: one, cluster: aws, owner: dev, template: digit }\n`,
    );
    expect(c.instances![0]).toMatchObject({
      uses: ['valkey'],
      secrets: [{ name: 'partner-token', from: { secretManager: 'digit/partner-token' } }],
      cloudResources: { objectStorage: true },
      database: { source: 'managed', engine: 'mysql' },
      idleHours: 72,
      backup: { schedule: '0 0 2 * * *', retentionDays: 3 },
    });
  });

  it('let an instance unset an inherited ttlHours and workingHours, so that a protected instance can use them', () => {
    const c = parseConfig(
      `${CLUSTERS}${LAYERS}instances:\n  - { name: uat, cluster: aws, owner: dev, template: base, protected: true, ttlHours: null, workingHours: null }\n`,
    );
    expect(c.instances![0].ttlHours).toBeUndefined();
    expect(c.instances![0].workingHours).toBeUndefined();
    expect(c.instances![0].protected).toBe(true);
    // Without the unset, the inherited ttlHours is refused at the template's line.
    expect(
      issues(
        `${CLUSTERS}${LAYERS}instances:\n  - { name: uat, cluster: aws, owner: dev, template: base, protected: true }\n`,
      ),
    ).toContainEqual(
      expect.objectContaining({
        path: 'instances[0].ttlHours',
        line: 16,
        message: expect.stringMatching(/protected instance never expires.*from templates\[0\]\.ttlHours/),
      }),
    );
  });

  it('refuse a cycle of extends, and an unknown parent, at the template that names it', () => {
    const cycle = `${CLUSTERS}templates:
  - { name: a, extends: b, blocks: [postgresql] }
  - { name: b, extends: a }
instances:
  - { name: one, cluster: aws, owner: dev, template: a }
`;
    expect(issues(cycle)).toContainEqual(
      expect.objectContaining({ path: 'templates[1].extends', message: 'templates extend each other: a -> b -> a' }),
    );
    const unknown = `${CLUSTERS}templates:
  - { name: a, extends: bse, blocks: [postgresql] }
  - { name: base, blocks: [postgresql] }
instances:
  - { name: one, cluster: aws, owner: dev, template: a }
`;
    expect(issues(unknown)).toContainEqual(
      expect.objectContaining({
        path: 'templates[0].extends',
        line: 12,
        message: expect.stringMatching(/unknown template "bse"; did you mean "base"\?/),
      }),
    );
  });

  it("locate an error in a grandparent's field at that template's line", () => {
    const text = `${CLUSTERS}${LAYERS.replace('mocks: [email]\n', 'mocks: [emial]\n')}instances:\n  - { name: one, cluster: aws, owner: dev, template: digit-large }\n`;
    // digit sets its own mocks; base's typo only shows through a template that inherits it.
    expect(issues(text.replace('    mocks: [email, sms]\n', ''))).toContainEqual(
      expect.objectContaining({
        path: 'instances[0].mocks[0]',
        line: 14,
        message: expect.stringMatching(/from templates\[0\]\.mocks\[0\], which instances\[0\]\.template \(line \d+\)/),
      }),
    );
  });
});
