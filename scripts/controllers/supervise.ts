import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { createServer } from 'net';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

/*
 * Runs the platform's controllers against the cluster in $KUBECONFIG as processes, each exactly as its
 * Deployment in the cluster says: the arguments and environment of its container, the files of its
 * volumes at their mount paths, the token of its service account (so it has the RBAC its chart gives it,
 * no more), in a network namespace of its own. It watches the Deployments: a controller starts when
 * its Deployment appears, restarts when the Deployment changes, and stops when it goes. Admission
 * webhooks a controller serves are pointed at it on 127.0.0.1 with a certificate the API server trusts.
 * Where a flag must differ from the Deployment's, `overrides` below says which and why.
 * Usage: node supervise.js <state dir>; stopped by its PID, it stops every controller it started.
 */

const ROOT = join(__dirname, '..', '..', '..');
const LIST = join(ROOT, 'scripts', 'controllers', 'controllers.json');
const NETNS = join(ROOT, 'scripts', 'controllers', 'netns.sh');
const ESO_FIXTURE_CRDS = join(ROOT, 'test', 'cluster', 'fixtures', 'external-secrets-2.9.0-crds.yaml');
const SERVED_ANNOTATION = 'sandboxkit.test/served-locally';
const HOLD = 'sandboxkit-test-hold-hook-jobs';
const RELEASED = { namespace: 'kube-system', name: 'sandboxkit-test-released-jobs' };

interface DeploymentRef {
  readonly namespace: string;
  readonly name: string;
  readonly container: string;
  /** The admission webhooks the container serves: its port, the Service they call, its certificate volume. */
  readonly webhook?: { readonly port: number; readonly service: string; readonly certVolume: string };
}
interface ControllerEntry {
  readonly name: string;
  readonly module: string;
  readonly version: string;
  readonly deployments: readonly DeploymentRef[];
  /** Jobs of the chart (hooks Helm leaves in place) that run the same program once, before its Deployments. */
  readonly jobs?: readonly DeploymentRef[];
}

/** What one running controller process is, and what the tests read of it. */
interface Running {
  readonly key: string;
  readonly child: ChildProcess;
  readonly helpers: ChildProcess[];
  readonly dir: string;
}

export interface ControllerStatus {
  /** `namespace/name` of the Deployment, or `job:namespace/name`. */
  readonly deployment: string;
  readonly state: 'running' | 'exited' | 'failed' | 'completed';
  readonly message: string;
  readonly log: string;
  readonly args?: readonly string[];
  readonly overridden?: readonly string[];
}

const kubectl = (...args: string[]) =>
  execFileSync('kubectl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
const kubectlJson = (...args: string[]): any => JSON.parse(kubectl(...args, '-o', 'json'));
const tryJson = (...args: string[]): any => {
  try {
    return kubectlJson(...args);
  } catch {
    return undefined;
  }
};

const state = process.argv[2];
if (!state) throw new Error('usage: supervise.js <state dir>');
const cache =
  process.env.SANDBOXKIT_CONTROLLERS_CACHE ??
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sandboxkit', 'controllers');
const list = JSON.parse(readFileSync(LIST, 'utf8')) as { controllers: ControllerEntry[] };
const running = new Map<string, Running>();
const statuses = new Map<string, ControllerStatus>();
const apiServer = new URL(kubectl('config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'));

function setStatus(s: ControllerStatus): void {
  const before = statuses.get(s.deployment);
  statuses.set(s.deployment, s);
  writeFileSync(join(state, 'status.json'), JSON.stringify(Object.fromEntries(statuses), null, 2));
  // A start that keeps failing the same way (a Secret not written yet) is said once.
  if (before?.state !== s.state || before.message !== s.message)
    process.stderr.write(`controllers: ${s.deployment}: ${s.state}: ${s.message}\n`);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

/** `$(VAR)` in an argument, resolved from the container's environment as the kubelet does. */
const expand = (text: string, env: Record<string, string>) =>
  text.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env[v] ?? m);

/** The container's environment as the kubelet would give it, for the fields these charts use. */
function containerEnv(container: any, namespace: string, pod: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath;
    if ('value' in e) env[e.name] = expand(String(e.value), env);
    else if (field === 'metadata.namespace') env[e.name] = namespace;
    else if (field === 'metadata.name') env[e.name] = pod;
    else if (field === 'status.podIP' || field === 'status.hostIP') env[e.name] = '127.0.0.1';
    else if (e.valueFrom?.secretKeyRef || e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.secretKeyRef ?? e.valueFrom.configMapKeyRef;
      const kind = e.valueFrom.secretKeyRef ? 'secret' : 'configmap';
      const obj = tryJson('get', kind, ref.name, '-n', namespace);
      const raw = obj?.data?.[ref.key];
      if (raw === undefined && !ref.optional)
        throw new Error(`env ${e.name}: ${kind} ${ref.name}/${ref.key} is missing`);
      if (raw !== undefined) env[e.name] = kind === 'secret' ? Buffer.from(raw, 'base64').toString() : raw;
    } else throw new Error(`env ${e.name}: ${JSON.stringify(e.valueFrom)} is not supported here`);
  }
  return env;
}

/**
 * Flags that cannot be what the Deployment says out here, each with the reason, applied to the
 * Deployment's arguments. Everything else is passed through unchanged.
 */
function overrides(deployment: string, args: string[]): { args: string[]; changed: string[] } {
  if (deployment !== 'external-dns/external-dns') return { args, changed: [] };
  // The cloud's DNS API cannot be reached here: the in-memory provider logs every change it is given.
  const cloudFlag = /^--(provider|zone-id-filter|aws-|azure-|google-)/;
  const kept = args.filter((a) => !cloudFlag.test(a));
  const zones = args.filter((a) => a.startsWith('--domain-filter=')).map((a) => `--inmemory-zone=${a.slice(16)}`);
  const changed = [
    ...args.filter((a) => cloudFlag.test(a)).map((a) => `${a} (removed)`),
    '--provider=inmemory',
    ...zones,
  ];
  return { args: [...kept, '--provider=inmemory', ...zones], changed };
}

/** CRDs the chart from the mirror does not bring (see docs/testing/controllers.md), created when missing. */
function ensureSecretOperatorCrds(entry: ControllerEntry): void {
  if (entry.name !== 'external-secrets') return;
  const source = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${entry.module}@${entry.version}`], { encoding: 'utf8' }),
  ).Dir as string;
  const docs = [ESO_FIXTURE_CRDS, join(source, 'deploy', 'crds', 'bundle.yaml')].flatMap((f) =>
    parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS()),
  );
  const existing = new Set(kubectl('get', 'crd', '-o', 'name').split('\n'));
  const created = new Set<string>();
  for (const crd of docs.filter((d) => d?.kind === 'CustomResourceDefinition')) {
    const name = `customresourcedefinition.apiextensions.k8s.io/${crd.metadata.name}`;
    if (existing.has(name) || created.has(name)) continue;
    execFileSync('kubectl', ['create', '-f', '-'], { input: JSON.stringify(crd), stdio: ['pipe', 'ignore', 'pipe'] });
    created.add(name);
  }
  for (const name of created) kubectl('wait', '--for=condition=Established', name, '--timeout=60s');
}

/** Writes a volume's files into `dir`: ConfigMaps and Secrets as the kubelet projects them, emptyDirs empty. */
function projectVolume(volume: any, namespace: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const source = volume.configMap ?? volume.secret;
  if (!source) return;
  const kind = volume.configMap ? 'configmap' : 'secret';
  const name = source.name ?? source.secretName;
  const obj = tryJson('get', kind, name, '-n', namespace);
  if (!obj) {
    if (source.optional) return;
    throw new Error(`volume ${volume.name}: ${kind} ${name} does not exist`);
  }
  const data: Record<string, string> = obj.data ?? {};
  const items: { key: string; path: string }[] = source.items ?? Object.keys(data).map((k) => ({ key: k, path: k }));
  for (const item of items) {
    const raw = data[item.key];
    if (raw === undefined) continue;
    writeFileSync(join(dir, item.path), kind === 'secret' ? Buffer.from(raw, 'base64') : raw);
  }
}

async function start(entry: ControllerEntry, ref: DeploymentRef, deploy: any, id: string): Promise<Running> {
  const dir = join(state, id.replace(/[/:]/g, '.'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pod = deploy.spec.template.spec;
  const container = (pod.containers as any[]).find((c) => c.name === ref.container);
  if (!container) throw new Error(`no container "${ref.container}" in ${id}`);
  const binary = join(cache, `${entry.name}-${entry.version}`, entry.name);
  if (!existsSync(binary)) throw new Error(`${binary} is missing: scripts/controllers/build.sh builds it`);
  ensureSecretOperatorCrds(entry);

  const podName = `${ref.name}-local`;
  const env = containerEnv(container, ref.namespace, podName);
  const rendered = [...(container.command ?? []).slice(1), ...(container.args ?? [])].map((a: string) =>
    expand(a, env),
  );
  const { args, changed } = overrides(id, rendered);

  const mounts: string[] = [];
  const volumes = new Map<string, any>((pod.volumes ?? []).map((v: any) => [v.name, v]));
  const webhook = ref.webhook;
  for (const m of container.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    const target = join(dir, 'volumes', m.name);
    if (webhook && webhook.certVolume === m.name) {
      // The Secret its certificate controller would write names the Service; the API server calls 127.0.0.1.
      writeServingCertificate(target);
    } else projectVolume(v, ref.namespace, target);
    mounts.push(`${m.subPath ? join(target, m.subPath) : target}\t${m.mountPath}`);
  }
  const account = join(dir, 'serviceaccount');
  mkdirSync(account);
  const serviceAccount = pod.serviceAccountName ?? 'default';
  writeFileSync(
    join(account, 'token'),
    kubectl('create', 'token', serviceAccount, '-n', ref.namespace, '--duration=48h').trim(),
  );
  writeFileSync(
    join(account, 'ca.crt'),
    kubectlJson('get', 'configmap', 'kube-root-ca.crt', '-n', ref.namespace).data['ca.crt'],
  );
  writeFileSync(join(account, 'namespace'), ref.namespace);
  mounts.push(`${account}\t/var/run/secrets/kubernetes.io/serviceaccount`);
  writeFileSync(join(dir, 'mounts'), `${mounts.join('\n')}\n`);
  writeFileSync(
    join(dir, 'hosts'),
    '127.0.0.1 localhost kubernetes kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local\n',
  );
  writeFileSync(join(dir, 'exposed'), webhook ? `${webhook.port}\n` : '');

  const helpers: ChildProcess[] = [];
  const helper = (...args: string[]) => {
    const child = spawn('socat', args, { stdio: 'ignore', detached: true });
    helpers.push(child);
    return child;
  };
  helper(`UNIX-LISTEN:${join(dir, 'api.sock')},fork,mode=600,unlink-early`, `TCP:127.0.0.1:${apiServer.port || 443}`);
  const log = join(dir, 'log');
  const out = openSync(log, 'a');
  const child = spawn(
    'unshare',
    ['--net', '--mount', '--propagation', 'private', 'bash', NETNS, dir, binary, ...args],
    {
      detached: true,
      stdio: ['ignore', out, out],
      env: {
        PATH: process.env.PATH,
        ...env,
        HOSTNAME: podName,
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: '443',
      },
    },
  );
  child.on('exit', (code, signal) => {
    if (running.get(id)?.child !== child) return;
    const done = id.startsWith('job:') && code === 0;
    // A release that fails leaves the Job held, so its status says so rather than the supervisor dying here.
    let held = '';
    try {
      if (done) release(deploy.metadata.uid);
    } catch (err) {
      held = `; its Job stays held: ${(err as Error).message}`;
    }
    setStatus({
      deployment: id,
      state: done && !held ? 'completed' : 'exited',
      message: `exited with ${code ?? signal}; see ${log}${held}`,
      log,
      args,
      overridden: changed,
    });
  });
  if (webhook) {
    try {
      const port = await freePort();
      helper(
        `TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`,
        `UNIX-CONNECT:${join(dir, `port-${webhook.port}.sock`)}`,
      );
      serveWebhooks(
        ref,
        webhook.service,
        port,
        readFileSync(join(dir, 'volumes', webhook.certVolume, 'ca.crt'), 'utf8'),
      );
    } catch (err) {
      // Started, but not reachable as its webhooks say: stop it rather than leave it behind.
      killGroups([child, ...helpers]);
      throw err;
    }
  }
  setStatus({ deployment: id, state: 'running', message: `pid ${child.pid}`, log, args, overridden: changed });
  return { key: keyOf(deploy), child, helpers, dir };
}

/** A self-signed serving certificate for 127.0.0.1 (tls.crt, tls.key), which is also the CA bundle (ca.crt). */
function writeServingCertificate(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      'tls.key',
      '-out',
      'tls.crt',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  writeFileSync(join(dir, 'ca.crt'), readFileSync(join(dir, 'tls.crt')));
}

/**
 * Points every webhook of the cluster that calls `service` at 127.0.0.1:`port` with `caBundle`, with the
 * failure policy its chart gave it (relax-webhooks.sh leaves configurations annotated as served alone).
 */
function serveWebhooks(ref: DeploymentRef, service: string, port: number, ca: string): void {
  const release = kubectlJson('get', 'deployment', ref.name, '-n', ref.namespace).metadata.annotations?.[
    'meta.helm.sh/release-name'
  ];
  const manifest = release
    ? parseAllDocuments(execFileSync('helm', ['get', 'manifest', release, '-n', ref.namespace], { encoding: 'utf8' }))
        .map((d) => d.toJS())
        .filter(Boolean)
    : [];
  for (const kind of ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations']) {
    for (const config of kubectlJson('get', kind).items as any[]) {
      const hooks = config.webhooks as any[];
      const ours = hooks
        .map((w, i) => ({ w, i }))
        .filter(
          ({ w }) => w.clientConfig.service?.name === service && w.clientConfig.service?.namespace === ref.namespace,
        );
      if (!ours.length) continue;
      const chart = manifest.find(
        (o: any) => o.kind?.toLowerCase() + 's' === kind && o.metadata?.name === config.metadata.name,
      );
      const patch = ours.flatMap(({ w, i }) => [
        {
          op: 'replace',
          path: `/webhooks/${i}/clientConfig`,
          value: {
            url: `https://127.0.0.1:${port}${w.clientConfig.service.path ?? '/'}`,
            caBundle: Buffer.from(ca).toString('base64'),
          },
        },
        {
          op: 'replace',
          path: `/webhooks/${i}/failurePolicy`,
          value: chart?.webhooks?.find((c: any) => c.name === w.name)?.failurePolicy ?? 'Fail',
        },
      ]);
      patch.push({
        op: 'add',
        path: `/metadata/annotations`,
        value: { ...config.metadata.annotations, [SERVED_ANNOTATION]: `${ref.namespace}/${ref.name}` },
      });
      execFileSync('kubectl', ['patch', kind, config.metadata.name, '--type=json', '-p', JSON.stringify(patch)], {
        stdio: 'ignore',
      });
    }
  }
}

/**
 * Helm deletes a hook Job, with its ServiceAccount and RBAC, as soon as its pod succeeds, and kwok completes
 * a Job's pod at once: the program would run too late, or with a token of a deleted account. So the pods of
 * each listed Job are refused until the supervisor has run the Job's program and released the Job by its UID.
 */
function holdJobs(): void {
  const held = list.controllers.flatMap((c) => (c.jobs ?? []).map((j) => `${j.namespace}/${j.name}`));
  const label = 'batch.kubernetes.io/job-name';
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: HOLD },
    spec: {
      failurePolicy: 'Fail',
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
      },
      matchConditions: [
        {
          name: 'pod-of-a-held-job',
          expression: `has(object.metadata.labels) && '${label}' in object.metadata.labels && request.namespace + '/' + object.metadata.labels['${label}'] in ${JSON.stringify(held)}`,
        },
      ],
      validations: [
        {
          expression: 'has(params.data) && object.metadata.ownerReferences.exists(r, r.uid in params.data)',
          message: 'held until the controllers supervisor has run this Job as a process',
        },
      ],
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: HOLD },
    spec: {
      policyName: HOLD,
      validationActions: ['Deny'],
      paramRef: { ...RELEASED, parameterNotFoundAction: 'Deny' },
    },
  };
  const released = { apiVersion: 'v1', kind: 'ConfigMap', metadata: RELEASED };
  execFileSync('kubectl', ['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [released, policy, binding] }),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

function release(uid: string): void {
  const patch = JSON.stringify({ data: { [uid]: new Date().toISOString() } });
  kubectl('patch', 'configmap', RELEASED.name, '-n', RELEASED.namespace, '--type=merge', '-p', patch);
}

function unholdJobs(): void {
  for (const kind of ['validatingadmissionpolicybinding', 'validatingadmissionpolicy'])
    execFileSync('kubectl', ['delete', kind, HOLD, '--ignore-not-found'], { stdio: 'ignore' });
  execFileSync('kubectl', ['delete', 'configmap', RELEASED.name, '-n', RELEASED.namespace, '--ignore-not-found'], {
    stdio: 'ignore',
  });
}

const keyOf = (workload: any) =>
  workload.kind === 'Job' ? workload.metadata.uid : `${workload.metadata.uid}/${workload.metadata.generation}`;

/** Stops each process group (a controller with its forwarders, or one forwarder) by its leader's PID. */
function killGroups(processes: readonly ChildProcess[]): void {
  for (const p of processes) {
    try {
      if (p.pid) process.kill(-p.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

function stop(id: string): void {
  const r = running.get(id);
  if (!r) return;
  running.delete(id);
  killGroups([r.child, ...r.helpers]);
}

/**
 * One pass: each listed Job runs once (per Job object), each listed Deployment runs while it exists, as it is
 * now. A Deployment whose start failed (say, its certificate Secret is not written yet) is tried again.
 */
async function reconcile(): Promise<void> {
  for (const entry of list.controllers) {
    const workloads = [
      ...(entry.jobs ?? []).map((ref) => ({ ref, kind: 'job', id: `job:${ref.namespace}/${ref.name}` })),
      ...entry.deployments.map((ref) => ({ ref, kind: 'deployment', id: `${ref.namespace}/${ref.name}` })),
    ];
    for (const { ref, kind, id } of workloads) {
      const workload = tryJson('get', kind, ref.name, '-n', ref.namespace);
      const current = running.get(id);
      if (!workload) {
        if (current) {
          stop(id);
          statuses.delete(id);
          writeFileSync(join(state, 'status.json'), JSON.stringify(Object.fromEntries(statuses), null, 2));
        }
        continue;
      }
      const sameObject = current?.key === keyOf(workload);
      if (sameObject && (kind === 'job' || current!.child.exitCode === null)) continue;
      stop(id);
      try {
        running.set(id, await start(entry, ref, workload, id));
      } catch (err) {
        setStatus({ deployment: id, state: 'failed', message: (err as Error).message, log: '' });
      }
    }
  }
}

mkdirSync(state, { recursive: true });
writeFileSync(join(state, 'status.json'), '{}');
holdJobs();
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => {
    for (const id of [...running.keys()]) stop(id);
    unholdJobs();
    process.exit(0);
  });
const loop = async () => {
  try {
    await reconcile();
  } catch (err) {
    process.stderr.write(`controllers: ${(err as Error).message}\n`);
  }
  setTimeout(loop, 2000);
};
void loop();
