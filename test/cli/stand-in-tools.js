#!/usr/bin/env node
// Stand-in terraform, kubectl and helm for the CLI tests: one small world that all three share, kept in a JSON file
// (the cluster: namespaces, releases, pods, events, routes; Terraform's state of each stack). Terraform applies a
// stack by putting its namespace and releases into the cluster, as the real providers would; kubectl and helm read
// and change the same file. Knobs (files in $KNOBS) make a tool fail or answer otherwise.
const fs = require('fs');
const path = require('path');

const tool = process.env.FAKE_TOOL;
const LOG = process.env.LOG;
const KNOBS = process.env.KNOBS;
const OUTPUTS = process.env.OUTPUTS;
const WORLD = process.env.FAKE_WORLD;
const NOW = new Date(process.env.FAKE_NOW || '2026-11-23T12:00:00Z');
const args = process.argv.slice(2);

const knob = (name) => {
  const file = path.join(KNOBS, name);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
};
const has = (name) => knob(name) !== undefined;
const load = () =>
  fs.existsSync(WORLD)
    ? JSON.parse(fs.readFileSync(WORLD, 'utf8'))
    : { namespaces: {}, releases: {}, pods: {}, events: {}, routes: {}, workloads: [], tfstate: {} };
/** Writes the world whole (a reader never sees half of it); the caller holds the lock. */
const save = (w) => {
  fs.writeFileSync(`${WORLD}.${process.pid}`, JSON.stringify(w, null, 1));
  fs.renameSync(`${WORLD}.${process.pid}`, WORLD);
};
/** One tool at a time changes the world: tools run at the same time (the CLI asks kubectl several things at once). */
function locked(fn) {
  const lock = `${WORLD}.lock`;
  for (let i = 0; ; i++) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (i > 2000) throw new Error(`stand-in world locked: ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmdirSync(lock);
  }
}
const out = (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
/** Ends the tool with an exit code, after the world's lock is released. */
class Exit {
  constructor(code) {
    this.code = code;
  }
}
const exit = (code) => {
  throw new Exit(code);
};
const fail = (message, code = 1) => {
  process.stderr.write(`${message}\n`);
  exit(code);
};
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

function terraform() {
  const chdir = args.find((a) => a.startsWith('-chdir='));
  const dir = chdir ? chdir.slice('-chdir='.length) : process.cwd();
  const stack = path.basename(dir);
  const cmd = args.find((a) => !a.startsWith('-'));
  const replace = args.find((a) => a.startsWith('-replace='));
  for (const a of args)
    if (a.startsWith('-var-file='))
      fs.copyFileSync(a.slice('-var-file='.length), path.join(KNOBS, `var-file-${stack}`));
  const outputsFile = path.join(OUTPUTS, `${stack}.json`);
  const event = (type, addr, action) =>
    out(JSON.stringify({ type, hook: { resource: { addr }, action, elapsed_seconds: 1 } }));
  const world = load();
  const stackJson = () => JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
  switch (cmd) {
    case 'version':
      return out(JSON.stringify({ terraform_version: (knob('version') || '1.11.4').trim() }));
    case 'init':
      out('Initializing the backend...');
      if (has('offline')) fail(knob('offline'));
      fs.mkdirSync(path.join(dir, '.terraform'), { recursive: true });
      return out('Terraform has been successfully initialized!');
    case 'output':
      return out(fs.existsSync(outputsFile) ? fs.readFileSync(outputsFile, 'utf8') : '{}');
    case 'state':
      return out((world.tfstate[stack] || []).join('\n'));
    case 'show':
      return out(knob(`show-${stack}`) || '{}');
  }
  if (!['apply', 'destroy', 'plan'].includes(cmd)) return;
  out('{"type":"version","terraform":"1.11.4"}');
  if (cmd === 'plan') {
    const planFile = args.find((a) => a.startsWith('-out='));
    if (planFile) fs.writeFileSync(planFile.slice(5), 'plan');
    if (has(`drift-${stack}`)) {
      out(knob(`drift-${stack}`));
      exit(2);
    }
    const action = args.includes('-destroy') ? 'delete' : 'create';
    out(
      JSON.stringify({ type: 'planned_change', change: { resource: { addr: 'kubernetes_namespace_v1.ns' }, action } }),
    );
    return;
  }
  const action = cmd === 'destroy' ? 'delete' : 'create';
  out('{"type":"change_summary","changes":{"add":2,"change":0,"remove":0,"operation":"plan"}}');
  event('apply_start', 'kubernetes_namespace_v1.ns', action);
  event('apply_complete', 'kubernetes_namespace_v1.ns', action);
  const json = stackJson();
  const ns = Object.values((json.resource || {}).kubernetes_namespace_v1 || {})[0];
  const namespace = ns && ns.metadata.name;
  const releases = Object.entries((json.resource || {}).helm_release || {});
  const remember = (...addresses) => {
    world.tfstate[stack] = [...new Set([...(world.tfstate[stack] || []), ...addresses])];
  };
  if (cmd === 'apply' && namespace && !world.namespaces[namespace]) {
    world.namespaces[namespace] = { labels: ns.metadata.labels || {}, annotations: {} };
    remember(`kubernetes_namespace_v1.${Object.keys(json.resource.kubernetes_namespace_v1)[0]}`);
    save(world);
  }
  if (has(`fail-${stack}`)) {
    out(
      JSON.stringify({
        '@level': 'error',
        '@message': `Error: simulated failure of ${cmd} in ${stack}`,
        type: 'diagnostic',
        diagnostic: {
          severity: 'error',
          summary: `simulated failure of ${cmd} in ${stack}`,
          detail: 'the stand-in was told to fail',
          address: 'helm_release.block',
        },
      }),
    );
    process.stderr.write('terraform: a line on stderr\n');
    exit(1);
  }
  event('apply_complete', 'helm_release.block', action);
  if (cmd === 'destroy') {
    fs.rmSync(outputsFile, { force: true });
    // Terraform destroys what its state holds, and nothing else.
    const held = new Set(world.tfstate[stack] || []);
    if (namespace && [...held].some((a) => a.startsWith('kubernetes_namespace_v1.')))
      delete world.namespaces[namespace];
    for (const [id, r] of releases)
      if (held.has(`helm_release.${id}`)) delete world.releases[`${r.namespace}/${r.name}`];
    world.tfstate[stack] = [];
    return save(world);
  }
  const annotations = (ns && ns.metadata.annotations) || {};
  const ttl = Number(annotations['sandbox.dev/ttl-hours'] || 48);
  const fresh = !fs.existsSync(outputsFile) || replace;
  const before = fs.existsSync(outputsFile) ? JSON.parse(fs.readFileSync(outputsFile, 'utf8')) : undefined;
  const expires =
    (knob('expires') || '').trim() ||
    (fresh ? new Date(NOW.getTime() + ttl * 3600000).toISOString().replace(/\.000Z$/, 'Z') : before.expires_at.value);
  const created = before && before.created_at ? before.created_at.value : NOW.toISOString().replace(/\.000Z$/, 'Z');
  const hostnames = json.output && json.output.hostnames ? json.output.hostnames.value : [];
  const outputs = {
    namespace: { value: namespace || 'x' },
    created_at: { value: created },
    ...(ns && annotations['sandbox.dev/expires-at'] ? { expires_at: { value: expires } } : {}),
    ...(json.output && json.output.protected ? { protected: { value: true } } : {}),
    hostnames: { value: hostnames },
  };
  fs.writeFileSync(outputsFile, JSON.stringify(outputs));
  out(JSON.stringify({ type: 'outputs', outputs }));
  if (namespace) {
    const kept = world.namespaces[namespace].annotations;
    world.namespaces[namespace].annotations = {
      ...Object.fromEntries(
        Object.entries(kept).filter(([k]) => k === 'sandbox.dev/last-applied-at' || k === 'sandbox.dev/stopped'),
      ),
      ...Object.fromEntries(Object.entries(annotations).filter(([, v]) => !String(v).includes('${'))),
      ...(annotations['sandbox.dev/expires-at'] ? { 'sandbox.dev/expires-at': expires } : {}),
    };
    for (const [id, r] of releases) {
      world.releases[`${r.namespace}/${r.name}`] = {
        name: r.name,
        namespace: r.namespace,
        status: 'deployed',
        revision: 1,
        chart: `${path.basename(r.chart)}-${r.version}`,
      };
      remember(`helm_release.${id}`);
    }
    world.routes[namespace] = hostnames.map((h) => ({ block: h.split('.')[0], host: h }));
  }
  save(world);
}

function kubectl() {
  const world = load();
  fs.appendFileSync(LOG, `kubectl ${args.join(' ')}\n`);
  let a = args.filter((x) => !x.startsWith('--request-timeout'));
  while (a[0] === '--kubeconfig' || a[0] === '--context') a = a.slice(2);
  const custom = process.env.FAKE_KUBECTL_HANDLERS;
  if (custom && require(custom)(a, world, { flag, out, fail, NOW })) return save(world);
  const [verb, what] = a;
  if (verb === 'version') return out(JSON.stringify({ clientVersion: { gitVersion: 'v1.34.1' } }));
  if (has('api-down') && verb !== 'config')
    fail(
      'E1123 12:00:00.000000 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list"\nThe connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
    );
  if (verb === 'get' && what === '--raw')
    return out(JSON.stringify({ gitVersion: 'v1.34.1', platform: 'linux/amd64' }));
  if (verb === 'config' && what === 'view') return out('https://127.0.0.1:6443');
  if (verb === 'config' && what === 'current-context') return out('kind-kind');
  const nsObject = (name) => ({
    kind: 'Namespace',
    metadata: {
      name,
      labels: world.namespaces[name].labels,
      annotations: world.namespaces[name].annotations,
      ...(world.namespaces[name].terminating ? { deletionTimestamp: NOW.toISOString() } : {}),
    },
    status: { phase: world.namespaces[name].terminating ? 'Terminating' : 'Active' },
  });
  if (verb === 'get' && what === 'namespaces') {
    const selector = flag('--field-selector');
    const names = Object.keys(world.namespaces).filter((n) => !selector || selector === `metadata.name=${n}`);
    return out(JSON.stringify({ items: names.map(nsObject) }));
  }
  if (verb === 'get' && what === 'pods,events') {
    const ns = flag('-n');
    return out(JSON.stringify({ items: [...(world.pods[ns] || []), ...(world.events[ns] || [])] }));
  }
  if (verb === 'get' && what === 'events') return out(JSON.stringify({ items: world.events[flag('-n')] || [] }));
  if (verb === 'get' && what.startsWith('httproutes')) {
    const routes = world.routes[flag('-n')] || [];
    return out(
      JSON.stringify({
        items: routes.map((r) => ({
          metadata: { name: r.block, labels: { 'sandbox.dev/block': r.block } },
          spec: { hostnames: [r.host] },
        })),
      }),
    );
  }
  if (verb === 'get' && what === 'storageclass')
    return out(
      JSON.stringify({
        items: [
          { metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
        ],
      }),
    );
  if (verb === 'delete' && what === 'namespace') {
    delete world.namespaces[a[2]];
    for (const key of Object.keys(world.releases)) if (key.startsWith(`${a[2]}/`)) delete world.releases[key];
    return save(world);
  }
  if (verb === 'delete') return;
  if (verb === 'annotate' && what === 'namespace') {
    const name = a[2];
    if (!world.namespaces[name]) fail(`Error from server (NotFound): namespaces "${name}" not found`);
    for (const pair of a.slice(3).filter((x) => !x.startsWith('--'))) {
      if (pair.endsWith('-')) delete world.namespaces[name].annotations[pair.slice(0, -1)];
      else world.namespaces[name].annotations[pair.split('=')[0]] = pair.slice(pair.indexOf('=') + 1);
    }
    return save(world);
  }
}

function helm() {
  fs.appendFileSync(LOG, `helm ${args.join(' ')}\n`);
  const world = load();
  const [verb, name] = args;
  if (verb === 'version') return out((knob('helm-version') || 'v3.19.5+g1a2b3c4').trim());
  if (verb === 'test') {
    const given = knob(`helm-out-${name}`);
    out(
      given !== undefined
        ? given
        : `NAME: ${name}\nSTATUS: deployed\nTEST SUITE:     ${name}-test\nPhase:          Succeeded\nNOTES:\nPhase: of the moon\n`,
    );
    if (has(`helm-err-${name}`)) process.stderr.write(knob(`helm-err-${name}`));
    exit(Number((knob(`helm-exit-${name}`) || '0').trim()));
  }
  if (verb === 'list') {
    const ns = flag('-n');
    return out(
      JSON.stringify(
        Object.values(world.releases)
          .filter((r) => r.namespace === ns)
          .map((r) => ({ ...r, revision: String(r.revision), updated: NOW.toISOString() })),
      ),
    );
  }
  if (verb === 'uninstall') {
    delete world.releases[`${flag('-n')}/${name}`];
    return save(world);
  }
  if (verb === 'template') return out(knob(`template-${name}`) || '');
}

if (tool === 'terraform') {
  const chdir = args.find((a) => a.startsWith('-chdir='));
  fs.appendFileSync(
    LOG,
    `terraform ${path.basename(chdir ? chdir.slice(7) : process.cwd())} ${args.join(' ').replace(/-chdir=\S*/, '')}\n`,
  );
  // A slow Terraform takes its time once it has started, before it changes the world, not while holding it.
  if (has('slow') && args.some((a) => ['apply', 'destroy', 'plan'].includes(a)))
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(knob('slow')) * 1000);
}
try {
  locked(() => ({ terraform, kubectl, helm })[tool]());
} catch (err) {
  if (!(err instanceof Exit)) throw err;
  process.exitCode = err.code;
}
