import { writeFileSync } from 'fs';
import { stringify } from 'yaml';
import {
  chartMirror,
  destroyAll,
  exec,
  execAll,
  exists,
  items,
  kubectlJson,
  must,
  suiteCluster,
  suiteWorkspace,
  terraform,
  waitFor,
} from './kube';
import {
  createProbe,
  inPod,
  internetListener,
  namespaceReport,
  placePodsOnRealNode,
  podsReadyOnRealNode,
  REAL_NODE,
  reach,
  requireRealNode,
  serviceAddresses,
  type InternetListener,
} from './node';

/*
 * Instances whose pods run in containers on the real node (scripts/node): what the NetworkPolicies the instance
 * stack writes do to real packets (kube-router enforces them), and what the mocks answer. The platform is applied
 * first, its pods on the kwok nodes; then every new pod goes to the real node.
 * Instance A has no internet egress, instance B has it; neither uses the shared block. Each has the email mock.
 * Instance C has databases and Keycloak with seed data, and uses the shared block.
 */

const { configFile, stackDir, cli, synth, destroyLeftovers } = suiteWorkspace('sandboxkit-node-');
const CLUSTER = 'nd';
const A = 'node-a';
const B = 'node-b';
/**
 * The instance with data: its seed Jobs load rows into MySQL and PostgreSQL and a realm into Keycloak through its
 * admin API (HTTP fixtures); it also uses the shared block.
 */
const C = 'node-data';
/** A shared block whose pod runs here: the built-in MySQL block (its image is built for the node). */
const SHARED = 'mysql';
const SHARED_PORT = 3306;
const SHARED_NS = `shared-${SHARED}`;
const PLATFORM_NS = 'sandbox-platform';
let restorePlacement: () => void = () => undefined;
let internet: InternetListener | undefined;

/** Instance C: databases with seed data, and the shared block. */
const dataInstance = {
  name: C,
  cluster: CLUSTER,
  owner: 'carol@example.org',
  ttlHours: 4,
  size: 'large',
  blocks: ['mysql', 'postgresql', 'keycloak'],
  uses: [SHARED],
  datasets: [
    { block: 'mysql', variant: 'minimal' },
    { block: 'postgresql', variant: 'minimal' },
    { block: 'keycloak', variant: 'demo' },
  ],
};

/** The suite's config; `withData: false` leaves out instance C, as a user removes a destroyed instance's entry. */
function writeConfig({ withData = true } = {}): void {
  writeFileSync(
    configFile,
    stringify({
      state: { backend: 'local', directory: 'state' },
      clusters: [
        { ...suiteCluster(CLUSTER, 'node.test'), platform: { chartMirror: chartMirror() }, sharedBlocks: [SHARED] },
      ],
      instances: [
        {
          name: A,
          cluster: CLUSTER,
          owner: 'alice@example.org',
          ttlHours: 4,
          blocks: ['mysql'],
          mocks: ['email', 'sms', 'cloud'],
        },
        {
          name: B,
          cluster: CLUSTER,
          owner: 'bob@example.org',
          ttlHours: 4,
          blocks: ['mysql'],
          mocks: ['email'],
          allowInternetEgress: true,
        },
        ...(withData ? [dataInstance] : []),
      ],
    }),
  );
}

const apply = (stack: string) => {
  terraform(stackDir(stack), 'init', '-input=false', '-no-color');
  terraform(stackDir(stack), 'apply', '-auto-approve', '-input=false', '-no-color');
};
/** A command's exit code, and on failure its output's end with, given a namespace, what its pods were doing. */
const ok = (r: { code: number; stdout: string; stderr: string }, namespace?: string) => ({
  code: r.code,
  err: r.code ? r.stdout.slice(-3000) + r.stderr + (namespace ? `\n${namespaceReport(namespace)}` : '') : '',
});

beforeAll(() => {
  requireRealNode();
  writeConfig();
  synth();
}, 300000);

afterAll(() => {
  internet?.close();
  for (const ns of [A, B]) exec('kubectl', ['delete', 'pod', 'probe', '-n', ns, '--ignore-not-found']);
  exec('kubectl', ['delete', 'pod', 'listener', '-n', PLATFORM_NS, '--ignore-not-found']);
  destroyLeftovers(`instance-${A}`, `instance-${B}`, `instance-${C}`);
  exec('kubectl', ['delete', 'job', 'reap-node-test', '-n', PLATFORM_NS, '--ignore-not-found']);
  writeConfig({ withData: false });
  if (exists('namespace', SHARED_NS)) cli('shared', 'destroy', '--cluster', CLUSTER);
  destroyLeftovers(`platform-${CLUSTER}`);
  restorePlacement();
}, 900000);

describe(`instances on the real node ${REAL_NODE.name}`, () => {
  it('applies the platform, its pods on the kwok nodes', () => {
    apply(`platform-${CLUSTER}`);
    expect(exists('namespace', PLATFORM_NS)).toBe(true);
  });

  it('runs the shared block and both instances in containers on the real node, every pod Ready', async () => {
    restorePlacement = placePodsOnRealNode();
    expect(ok(cli('shared', 'apply', '--cluster', CLUSTER), SHARED_NS)).toEqual({ code: 0, err: '' });
    apply(`instance-${A}`);
    apply(`instance-${B}`);
    for (const ns of [A, B]) createProbe(ns, 'probe');
    // A listener in the platform namespace: the email mock's image, which serves HTTP on 8025.
    must('kubectl', ['apply', '-f', '-'], { input: JSON.stringify(listenerPod(PLATFORM_NS)) });
    for (const ns of [SHARED_NS, A, B]) await podsReadyOnRealNode(ns);
    for (const ns of [SHARED_NS, A, B])
      for (const pod of items('pods', '-n', ns))
        expect({ pod: pod.metadata.name, node: pod.spec.nodeName }).toEqual({
          pod: pod.metadata.name,
          node: REAL_NODE.name,
        });
  });

  describe('isolation: real packets against the policies the instance stack wrote', () => {
    beforeAll(() => {
      internet = internetListener();
    });

    it('reaches its own mocks by name through cluster DNS', () => {
      expect(reach(A, 'probe', `mock-email.${A}.svc.cluster.local`, 1025)).toBe('connected');
      expect(reach(A, 'probe', `mock-sms.${A}.svc.cluster.local`, 8080)).toBe('connected');
      expect(reach(B, 'probe', `mock-email.${B}.svc.cluster.local`, 8025)).toBe('connected');
    });

    it("cannot open a connection to another instance's pod or Service", () => {
      const target = serviceAddresses(B, 'mock-email');
      expect(reach(A, 'probe', target.podIP, 1025)).not.toBe('connected');
      expect(reach(A, 'probe', target.clusterIP, 1025)).not.toBe('connected');
      expect(reach(A, 'probe', `mock-email.${B}.svc.cluster.local`, 8025)).not.toBe('connected');
      const back = serviceAddresses(A, 'mock-email');
      expect(reach(B, 'probe', back.podIP, 8025)).not.toBe('connected');
    });

    it('cannot reach a shared block it does not use, which answers inside its namespace', async () => {
      const target = serviceAddresses(SHARED_NS, SHARED);
      for (const ns of [A, B]) {
        expect(reach(ns, 'probe', target.podIP, SHARED_PORT)).not.toBe('connected');
        expect(reach(ns, 'probe', target.clusterIP, SHARED_PORT)).not.toBe('connected');
      }
      createProbe(SHARED_NS, 'probe');
      await waitFor(
        'the shared namespace probe to run',
        120,
        () => exec('kubectl', ['exec', '-n', SHARED_NS, 'probe', '--', 'true']).code === 0,
      );
      expect(reach(SHARED_NS, 'probe', target.clusterIP, SHARED_PORT)).toBe('connected');
      exec('kubectl', ['delete', 'pod', 'probe', '-n', SHARED_NS, '--wait=false']);
    });

    it('cannot reach the platform namespaces or the node', async () => {
      must('kubectl', ['wait', '--for=condition=Ready', 'pod/listener', '-n', PLATFORM_NS, '--timeout=120s']);
      const listener = kubectlJson('get', 'pod', 'listener', '-n', PLATFORM_NS).status.podIP;
      for (const ns of [A, B]) {
        expect(reach(ns, 'probe', listener, 8025)).not.toBe('connected');
        expect(reach(ns, 'probe', REAL_NODE.ip, Number(process.env.API_PORT ?? 16443))).not.toBe('connected');
      }
      // The same listener answers a pod that no policy restricts: the refusals above are the policies'.
      createProbe(PLATFORM_NS, 'probe');
      await waitFor(
        'the platform probe to run',
        120,
        () => exec('kubectl', ['exec', '-n', PLATFORM_NS, 'probe', '--', 'true']).code === 0,
      );
      expect(reach(PLATFORM_NS, 'probe', listener, 8025)).toBe('connected');
      exec('kubectl', ['delete', 'pod', 'probe', '-n', PLATFORM_NS, '--wait=false']);
    });

    it('is refused an internet address when it denies egress; the instance that allows it gets through', () => {
      expect(reach(A, 'probe', internet!.ip, internet!.port)).not.toBe('connected');
      expect(reach(B, 'probe', internet!.ip, internet!.port)).toBe('connected');
    });
  });

  describe('mocks answer', () => {
    it('takes a mail over SMTP and shows it in its API', () => {
      const smtp = `smtp://mock-email.${A}.svc.cluster.local:1025`;
      // The probe's root filesystem is read-only: the message goes to curl on its standard input.
      inPod(
        A,
        'probe',
        'sh',
        '-c',
        "printf 'To: user@example.org\\r\\nSubject: node test\\r\\n\\r\\nhello from a pod\\r\\n' | " +
          `curl --fail --silent --show-error ${smtp} --mail-from app@node-a.test --mail-rcpt user@example.org --upload-file -`,
      );
      const messages = JSON.parse(
        inPod(
          A,
          'probe',
          'curl',
          '--fail',
          '--silent',
          `http://mock-email.${A}.svc.cluster.local:8025/api/v1/messages`,
        ),
      );
      expect(messages.messages.map((m: any) => [m.Subject, m.To[0].Address])).toContainEqual([
        'node test',
        'user@example.org',
      ]);
    });

    it('answers a WireMock stub it was given, and journals the request', () => {
      const sms = `http://mock-sms.${A}.svc.cluster.local:8080`;
      const stub = { request: { method: 'POST', url: '/node-test' }, response: { status: 202, body: 'queued' } };
      inPod(
        A,
        'probe',
        'curl',
        '--fail',
        '--silent',
        '-X',
        'POST',
        '--data',
        JSON.stringify(stub),
        `${sms}/__admin/mappings`,
      );
      expect(inPod(A, 'probe', 'curl', '--silent', '-X', 'POST', '-w', ' %{http_code}', `${sms}/node-test`)).toBe(
        'queued 202',
      );
      const journal = JSON.parse(inPod(A, 'probe', 'curl', '--fail', '--silent', `${sms}/__admin/requests`));
      expect(journal.requests.map((r: any) => r.request.url)).toContain('/node-test');
    });

    it('keeps an object put into the cloud mock', () => {
      const s3 = `http://mock-cloud.${A}.svc.cluster.local:5000`;
      // Signed as an AWS client would (moto takes any key); S3 refuses anonymous reads of a private object.
      const aws = ['curl', '--fail', '--silent', '--aws-sigv4', 'aws:amz:us-east-1:s3', '--user', 'test:test'];
      inPod(A, 'probe', ...aws, '-X', 'PUT', `${s3}/node-bucket`);
      // A form content type would make the server read the body as a form and store nothing.
      inPod(
        A,
        'probe',
        ...aws,
        '-X',
        'PUT',
        '-H',
        'Content-Type: text/plain',
        '--data-binary',
        'stored',
        `${s3}/node-bucket/key.txt`,
      );
      expect(inPod(A, 'probe', ...aws, `${s3}/node-bucket/key.txt`)).toBe('stored');
    });
  });

  describe('restricted Pod Security holds for running pods', () => {
    it('runs every container as the non-root user it was given, on a read-only root filesystem where set', () => {
      const checked: string[] = [];
      for (const ns of [A, B, SHARED_NS])
        for (const pod of items('pods', '-n', ns).filter(
          (p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp,
        ))
          for (const c of pod.spec.containers) {
            const sc = { ...pod.spec.securityContext, ...c.securityContext };
            const id = must('kubectl', ['exec', '-n', ns, pod.metadata.name, '-c', c.name, '--', 'id', '-u']).trim();
            expect({ container: `${ns}/${pod.metadata.name}/${c.name}`, nonRoot: id !== '0' }).toEqual({
              container: `${ns}/${pod.metadata.name}/${c.name}`,
              nonRoot: true,
            });
            if (sc.runAsUser !== undefined) expect(id).toBe(String(sc.runAsUser));
            if (c.securityContext?.readOnlyRootFilesystem) {
              const write = exec('kubectl', [
                ...['exec', '-n', ns, pod.metadata.name, '-c', c.name, '--'],
                ...['sh', '-c', 'echo x > /written-by-test'],
              ]);
              expect({ container: c.name, refused: /Read-only file system/.test(write.stderr) }).toEqual({
                container: c.name,
                refused: true,
              });
            }
            checked.push(`${ns}/${pod.metadata.name}/${c.name}`);
          }
      expect(checked.length).toBeGreaterThanOrEqual(6);
    });
  });

  describe('stop and start', () => {
    it('stops the instance: its workloads have no pod left on the node', async () => {
      expect(ok(cli('instance', 'stop', A))).toEqual({ code: 0, err: '' });
      await waitFor(`the pods of ${A}'s workloads to be gone`, 180, () =>
        items('pods', '-n', A).every((p) => p.metadata.name === 'probe'),
      );
      expect(reach(A, 'probe', `mock-email.${A}.svc.cluster.local`, 1025)).not.toBe('connected');
    });

    it('starts it again: the pods run and the mock answers', async () => {
      expect(ok(cli('instance', 'start', A), A)).toEqual({ code: 0, err: '' });
      await podsReadyOnRealNode(A);
      expect(items('pods', '-n', A).length).toBeGreaterThan(1);
      await waitFor(
        'the email mock to answer again',
        60,
        () => reach(A, 'probe', `mock-email.${A}.svc.cluster.local`, 1025) === 'connected',
      );
    });
  });

  describe('the reaper', () => {
    it("runs its script in a pod of its CronJob's Job: stops a workload outside working hours, deletes an expired instance", async () => {
      const hour = String((new Date().getUTCHours() + 12) % 24).padStart(2, '0');
      must('kubectl', [
        'annotate',
        'namespace',
        A,
        `sandbox.dev/working-hours=Mon-Sun ${hour}:00-${hour}:01 UTC`,
        '--overwrite',
      ]);
      const expired = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      must('kubectl', ['annotate', 'namespace', B, `sandbox.dev/expires-at=${expired}`, '--overwrite']);
      const cronJob = items('cronjobs', '-n', PLATFORM_NS)[0].metadata.name;
      must('kubectl', ['create', 'job', 'reap-node-test', `--from=cronjob/${cronJob}`, '-n', PLATFORM_NS]);
      await waitFor('the reaper Job to finish', 300, () => {
        const job = kubectlJson('get', 'job', 'reap-node-test', '-n', PLATFORM_NS);
        return Boolean(job.status.succeeded || job.status.failed);
      });
      const pod = items('pods', '-n', PLATFORM_NS, '-l', 'job-name=reap-node-test')[0];
      const logs = exec('kubectl', ['logs', '-n', PLATFORM_NS, pod.metadata.name]).stdout;
      // The log is shown only when the pod did not succeed: it says why.
      expect({
        node: pod.spec.nodeName,
        phase: pod.status.phase,
        logs: pod.status.phase === 'Succeeded' ? '' : logs,
      }).toEqual({
        node: REAL_NODE.name,
        phase: 'Succeeded',
        logs: '',
      });
      for (const d of items('deployments', '-n', A))
        expect({ deployment: d.metadata.name, replicas: d.spec.replicas }).toEqual({
          deployment: d.metadata.name,
          replicas: 0,
        });
      await waitFor(`the pods of ${A}'s workloads to stop`, 180, () =>
        items('pods', '-n', A).every((p) => p.metadata.name === 'probe'),
      );
      await waitFor(`namespace ${B} to be deleted`, 300, () => !exists('namespace', B));
    });
  });

  // After the reaper: instance B is gone and A stopped, so the node has room for C's servers and Keycloak.
  describe('seed data', () => {
    it('runs the seed Jobs in pods: SQL into MySQL and PostgreSQL servers, a realm into Keycloak through its admin API', async () => {
      terraform(stackDir(`instance-${C}`), 'init', '-input=false', '-no-color');
      const applying = execAll([
        {
          cmd: 'terraform',
          args: ['apply', '-auto-approve', '-input=false', '-no-color'],
          cwd: stackDir(`instance-${C}`),
        },
      ]);
      // No operator runs here: once the instance has its CloudNativePG Cluster, the test creates what the operator
      // would (the app user's Secret, a primary pod, the -rw Service), with a real PostgreSQL server in the pod.
      await waitFor(`the PostgreSQL Cluster of ${C}`, 600, () =>
        exists('clusters.postgresql.cnpg.io', 'postgresql', '-n', C),
      );
      const consumers = await consumerRoles(C, 'postgresql');
      must('kubectl', ['apply', '-f', '-'], { input: JSON.stringify(postgresStandIn(C, 'postgresql', consumers)) });
      const [applied] = await applying;
      expect(ok(applied, C)).toEqual({ code: 0, err: '' });
      await podsReadyOnRealNode(C);
      const jobs = items('jobs', '-n', C);
      expect(jobs.map((j) => [j.metadata.name, j.status.succeeded]).sort()).toEqual([
        [expect.stringContaining('keycloak'), 1],
        [expect.stringContaining('mysql'), 1],
        [expect.stringContaining('postgresql'), 1],
      ]);
      const mysql = podOf(C, 'mysql');
      const fromMysql = inPod(
        C,
        mysql,
        'sh',
        '-c',
        "MYSQL_PWD=$(cat /secrets/root-password) mysql -uroot -N app -e \"SELECT dataset FROM sandbox_seed_marker UNION ALL SELECT table_name FROM information_schema.tables WHERE table_schema = 'app' AND table_name = 'sandbox_seed'\"",
      );
      expect(fromMysql.trim().split('\n')).toEqual(['minimal', 'sandbox_seed']);
      const fromPostgres = inPod(
        C,
        'postgresql-1',
        'psql',
        '-h',
        '/tmp',
        '-U',
        'postgres',
        '-d',
        'app',
        '-tAc',
        "SELECT dataset FROM sandbox_seed_marker UNION ALL SELECT to_regclass('public.sandbox_seed')::text",
      );
      expect(fromPostgres.trim().split('\n')).toEqual(['minimal', 'sandbox_seed']);
      // The realm the demo fixture POSTed to Keycloak's admin API, read back through the same API by its own client.
      const keycloak = podOf(C, 'keycloakx');
      const realm = inPod(
        C,
        keycloak,
        'sh',
        '-c',
        '/opt/keycloak/bin/kcadm.sh get realms/sandbox --fields realm,enabled --no-config --server http://localhost:8080 --realm master --user admin --password "$KC_BOOTSTRAP_ADMIN_PASSWORD"',
      );
      expect(JSON.parse(realm)).toEqual({ realm: 'sandbox', enabled: true });
      // As the upstream image: user 1000, not root, under restricted Pod Security.
      expect(inPod(C, keycloak, 'id', '-u').trim()).toBe('1000');
    });

    it('logs in to the shared block it uses, with the credentials external-secrets copied into its namespace', () => {
      const copy = kubectlJson('get', 'secret', `shared-${SHARED}-credentials`, '-n', C).data;
      const original = kubectlJson('get', 'secret', `${SHARED}-credentials`, '-n', SHARED_NS).data;
      expect(copy).toEqual(original);
      const password = Buffer.from(copy['root-password'], 'base64').toString();
      const mysql = podOf(C, 'mysql');
      // From the instance's own MySQL pod, which has the client: out through its egress policy to the shared
      // namespace, in through the shared block's policy that admits namespaces labelled as its users.
      const answer = inPod(
        C,
        mysql,
        'sh',
        '-c',
        `MYSQL_PWD="$1" mysql -h ${SHARED}.${SHARED_NS}.svc.cluster.local -P ${SHARED_PORT} -uroot -N -e 'SELECT 1'`,
        'sh',
        password,
      );
      expect(answer.trim()).toBe('1');
    });
  });

  it('destroys the instances, the shared block and the platform to zero namespaces', async () => {
    for (const ns of [A, B]) exec('kubectl', ['delete', 'pod', 'probe', '-n', ns, '--wait=false']);
    exec('kubectl', ['delete', 'pod', 'listener', '-n', PLATFORM_NS, '--wait=false']);
    await destroyAll([A, B, C].map((i) => stackDir(`instance-${i}`)));
    exec('kubectl', ['delete', 'job', 'reap-node-test', '-n', PLATFORM_NS, '--ignore-not-found']);
    // The shared block is refused while the config names an instance that uses it.
    expect(cli('shared', 'destroy', '--cluster', CLUSTER).stderr).toMatch(`is in use by instance "${C}"`);
    writeConfig({ withData: false });
    expect(ok(cli('shared', 'destroy', '--cluster', CLUSTER))).toEqual({ code: 0, err: '' });
    terraform(stackDir(`platform-${CLUSTER}`), 'destroy', '-auto-approve', '-input=false', '-no-color');
    await waitFor('the namespaces to be gone', 300, () => ![A, B, C, SHARED_NS].some((ns) => exists('namespace', ns)));
  });
});

/** The name of the first pod of app `name` (its `app.kubernetes.io/name` label) in `namespace`. */
const podOf = (namespace: string, name: string): string =>
  items('pods', '-n', namespace, '-l', `app.kubernetes.io/name=${name}`)[0].metadata.name;

/** A pod in `namespace` serving HTTP on 8025 (the email mock's image), restricted like an instance's pods. */
function listenerPod(namespace: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'listener', namespace, labels: { app: 'listener' } },
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'listener',
          image: 'docker.io/axllent/mailpit:v1.30.5',
          imagePullPolicy: 'Never',
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/** A login role the operator would manage for a Cluster, and the databases it owns. */
interface ConsumerRole {
  readonly name: string;
  readonly password: string;
  readonly databases: readonly string[];
}

/**
 * The roles of Cluster `name`'s `spec.managed.roles` with the passwords of their Secrets, and the databases its
 * Database objects give each: what the operator would create, read as soon as the instance stack has written them.
 */
async function consumerRoles(namespace: string, name: string): Promise<ConsumerRole[]> {
  const roles: { name: string; passwordSecret: { name: string } }[] =
    kubectlJson('get', 'clusters.postgresql.cnpg.io', name, '-n', namespace).spec.managed?.roles ?? [];
  await waitFor(`the Secrets of ${name}'s roles`, 300, () =>
    roles.every((r) => exists('secret', r.passwordSecret.name, '-n', namespace)),
  );
  const databases = items('databases.postgresql.cnpg.io', '-n', namespace).filter((d) => d.spec.cluster.name === name);
  return roles.map((r) => ({
    name: r.name,
    password: Buffer.from(
      kubectlJson('get', 'secret', r.passwordSecret.name, '-n', namespace).data.password,
      'base64',
    ).toString(),
    databases: databases.filter((d) => d.spec.owner === r.name).map((d) => d.spec.name),
  }));
}

/**
 * What CloudNativePG would create for a Cluster `name` with `initdb: { database: app, owner: app }` and `consumers`
 * as managed roles owning their databases, with a real server: the app user's Secret, the primary pod (PostgreSQL
 * from the seed chart's postgres image) and `<name>-rw`.
 */
function postgresStandIn(namespace: string, name: string, consumers: readonly ConsumerRole[]): object {
  const labels = { 'cnpg.io/cluster': name, role: 'primary' };
  const app: ConsumerRole = { name: 'app', password: `pw${Date.now().toString(36)}`, databases: ['app'] };
  const roles = [app, ...consumers];
  // Each role's password is a file named after the role; names are the stack's own, checked as SQL identifiers.
  for (const c of roles)
    for (const id of [c.name, ...c.databases])
      if (!/^[a-z_][a-z0-9_-]*$/.test(id)) throw new Error(`unexpected role or database name "${id}"`);
  const createRoles = roles.flatMap((c) => [
    `psql -h /tmp -U postgres -v ON_ERROR_STOP=1 -qc "CREATE ROLE \\"${c.name}\\" LOGIN PASSWORD '$(cat /roles/${c.name})'"`,
    ...c.databases.map(
      (d) => `psql -h /tmp -U postgres -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE "${d}" OWNER "${c.name}"'`,
    ),
  ]);
  const start = [
    'set -e',
    'export PGDATA=/var/lib/postgresql/data/pgdata',
    'initdb -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null',
    'echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"',
    'pg_ctl -w -o "-c listen_addresses=\'\' -k /tmp" start >/dev/null',
    ...createRoles,
    'pg_ctl -w -m fast stop >/dev/null',
    "exec postgres -c listen_addresses='*' -k /tmp",
  ].join('\n');
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${name}-app`, namespace },
        stringData: { username: app.name, password: app.password },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${name}-standin-roles`, namespace },
        stringData: Object.fromEntries(roles.map((c) => [c.name, c.password])),
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `${name}-rw`, namespace },
        spec: { selector: labels, ports: [{ port: 5432, targetPort: 5432 }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${name}-1`, namespace, labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 70,
            runAsGroup: 70,
            fsGroup: 70,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'postgres',
              image: 'docker.io/library/postgres:18.3-alpine',
              imagePullPolicy: 'Never',
              command: ['sh', '-c', start],
              readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1'] }, periodSeconds: 3 },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/postgresql/data' },
                { name: 'roles', mountPath: '/roles', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'data', emptyDir: {} },
            { name: 'roles', secret: { secretName: `${name}-standin-roles` } },
          ],
        },
      },
    ],
  };
}
