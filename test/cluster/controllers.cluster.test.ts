import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../config/load';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { buildStacks, resources, synthJson } from '../fixtures';
import {
  condition,
  controllerStatus,
  gatewayStatus,
  plannedRecords,
  proxyService,
  reason,
  routeConditions,
  waitRunning,
} from './controllers';
import {
  chartMirror,
  exec,
  exists,
  items,
  kubectl,
  kubectlJson,
  must,
  ROOT,
  suiteCluster,
  suiteWorkspace,
  tempDir,
  terraform,
  waitFor,
} from './kube';

/*
 * The platform's controllers acting on a real API server: Envoy Gateway, external-secrets and external-dns,
 * built from their Go modules and run by scripts/controllers/supervise.ts as their Deployments in this
 * cluster say (arguments, environment, files, service account), against the platform and instances that
 * sandboxkit applies. What each decided is read from the objects' status, the Secrets it wrote, and the
 * changes external-dns gave its in-memory provider. docs/testing/controllers.md lists what runs and what not.
 */

const { configFile, stackDir, cli, synth, destroyLeftovers } = suiteWorkspace('sandboxkit-controllers-');
const CLUSTER = 'ctl';
const DOMAIN = 'ctl.test';
const USER = 'ctl-a';
const OTHER = 'ctl-b';
const BLOCK = 'ctlcache';
/** A block that serves HTTP through the instance's listener. */
const BLOCKS = 'seaweedfs';
const SHARED_NS = `shared-${BLOCK}`;
const GATEWAY_NS = 'sandbox-gateway';
/** The address a cloud's load balancer controller would give the proxies' Service (TEST-NET-1: never dialled). */
const LB_ADDRESS = '192.0.2.10';

function writeConfig(): void {
  writeFileSync(
    configFile,
    stringify({
      state: { backend: 'local', directory: 'state' },
      clusters: [{ ...suiteCluster(CLUSTER, DOMAIN), platform: { chartMirror: chartMirror() }, sharedBlocks: [BLOCK] }],
      catalog: [{ ...BUILTIN_CATALOG.find((e) => e.name === 'valkey')!, name: BLOCK }],
      instances: [],
    }),
  );
}

/**
 * external-dns values as sandboxkit computes them for an AWS cluster of this name and domain (examples/everything.yaml's
 * aws-all, renamed): existing clusters have no DNS zone. The IAM role, a Terraform reference there, is named here.
 */
function awsExternalDnsValues(): Record<string, any> {
  const raw = parse(readFileSync(join(ROOT, 'examples', 'everything.yaml'), 'utf8'));
  const aws = { ...raw.clusters.find((c: any) => c.name === 'aws-all'), name: CLUSTER, ingressDomain: DOMAIN };
  const config = parseConfig(stringify({ clusters: [aws], instances: [] }), 'aws-ctl.yaml');
  const json = synthJson(buildStacks(config).platforms.get(`platform-${CLUSTER}`)!);
  const release = Object.values(resources(json, 'helm_release')).find((r: any) => r.name === 'external-dns') as any;
  return JSON.parse(
    release.values[0].replace(/\$\{data\.aws_iam_role\.[^}]+\.arn\}/g, 'arn:aws:iam::000000000000:role/sandbox-ctl'),
  );
}

const run = (...args: string[]) => {
  const r = cli(...args);
  if (r.code !== 0) throw new Error(`sandboxkit ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
const instanceHosts = (ns: string) => items('httproutes', '-n', ns).flatMap((r) => r.spec.hostnames as string[]);

beforeAll(() => {
  writeConfig();
  synth();
}, 300000);

afterAll(() => {
  exec('helm', ['uninstall', 'external-dns', '-n', 'external-dns', '--wait']);
  exec('kubectl', ['delete', 'namespace', 'external-dns', '--wait=false']);
  exec('kubectl', ['delete', 'httproute', 'cross-namespace-probe', '-n', GATEWAY_NS, '--ignore-not-found']);
  for (const name of [USER, OTHER]) if (exists('namespace', name)) cli('instance', 'destroy', name);
  if (exists('namespace', SHARED_NS)) cli('shared', 'destroy', '--cluster', CLUSTER);
  destroyLeftovers(`platform-${CLUSTER}`);
}, 900000);

describe('controllers acting on a real API server', () => {
  it('runs Envoy Gateway and external-secrets as their Deployments say, once the platform is applied', async () => {
    terraform(stackDir(`platform-${CLUSTER}`), 'init', '-input=false', '-no-color');
    terraform(stackDir(`platform-${CLUSTER}`), 'apply', '-auto-approve', '-input=false', '-no-color');
    for (const [deployment, container] of [
      ['sandbox-gateway/envoy-gateway', 'envoy-gateway'],
      ['external-secrets/external-secrets', 'external-secrets'],
    ]) {
      const status = await waitRunning(deployment);
      const [ns, name] = deployment.split('/');
      const spec = kubectlJson('get', 'deployment', name, '-n', ns).spec.template.spec;
      const args = spec.containers.find((c: any) => c.name === container).args;
      expect({ deployment, args: status.args, overridden: status.overridden }).toEqual({
        deployment,
        args: args.map((a: string) => a.replace('$(POD_NAMESPACE)', ns)),
        overridden: [],
      });
    }
  });

  it('installs external-dns with the values sandboxkit gives an AWS cluster, run with the in-memory provider', async () => {
    const values = join(stackDir(`platform-${CLUSTER}`), 'external-dns-values.json');
    writeFileSync(values, JSON.stringify(awsExternalDnsValues()));
    must('helm', [
      'install',
      'external-dns',
      `${chartMirror()}/external-dns-1.21.1.tgz`,
      '-n',
      'external-dns',
      '--create-namespace',
      '-f',
      values,
      '--wait',
    ]);
    const status = await waitRunning('external-dns/external-dns');
    expect(status.args).toEqual(expect.arrayContaining(['--gateway-listener-sets', `--domain-filter=${DOMAIN}`]));
    expect(status.overridden).toEqual([
      '--provider=aws (removed)',
      '--zone-id-filter=Z0123456789ABCDEFGHIJ (removed)',
      '--provider=inmemory',
      `--inmemory-zone=${DOMAIN}`,
    ]);
  });

  it('accepts the GatewayClass and the platform Gateway, and programs it once its load balancer has an address', async () => {
    await waitFor(
      'GatewayClass sandbox Accepted',
      180,
      () => condition(kubectlJson('get', 'gatewayclass', 'sandbox').status?.conditions, 'Accepted') === 'True',
    );
    await waitFor(
      'Gateway sandbox Accepted',
      180,
      () => condition(gatewayStatus(GATEWAY_NS, 'sandbox').conditions, 'Accepted') === 'True',
    );
    await waitFor('the proxies Service Envoy Gateway creates', 180, () => !!proxyService(GATEWAY_NS, 'sandbox'));
    const service = proxyService(GATEWAY_NS, 'sandbox');
    expect(service.spec.type).toBe('LoadBalancer');
    // What the cloud's load balancer controller does; no such controller runs here.
    kubectl(
      'patch',
      'service',
      service.metadata.name,
      '-n',
      GATEWAY_NS,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: LB_ADDRESS }] } } }),
    );
    await waitFor('Gateway sandbox Programmed with the load balancer address', 180, () => {
      const status = gatewayStatus(GATEWAY_NS, 'sandbox');
      return (
        condition(status.conditions, 'Programmed') === 'True' &&
        (status.addresses ?? []).some((a: any) => a.value === LB_ADDRESS)
      );
    });
  });

  it('creates two instances, one that uses the shared block, with the command line', () => {
    run('shared', 'apply', '--cluster', CLUSTER);
    const owner = ['--cluster', CLUSTER, '--owner', 'alice@example.org', '--blocks', BLOCKS];
    run('instance', 'create', USER, ...owner, '--uses', BLOCK);
    run('instance', 'create', OTHER, ...owner);
  });

  it("gives each instance's HTTPS listener the certificate its Certificate asks for (what cert-manager would write)", () => {
    // cert-manager cannot be built here (docs/testing/controllers.md): its documented output, a kubernetes.io/tls
    // Secret named spec.secretName for spec.dnsNames, is written by the test, so that Envoy Gateway can judge the rest.
    for (const ns of [USER, OTHER]) {
      const certificate = kubectlJson('get', 'certificate', 'sandbox-wildcard-tls', '-n', ns).spec;
      expect(certificate.dnsNames).toEqual([`*.${ns}.${DOMAIN}`]);
      const dir = tempDir('controllers-cert-');
      const names = certificate.dnsNames.map((n: string) => `DNS:${n}`).join(',');
      must('openssl', [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'],
        ...['-subj', `/CN=${certificate.dnsNames[0]}`, '-addext', `subjectAltName=${names}`],
        ...['-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')],
      ]);
      const files = [`--cert=${join(dir, 'tls.crt')}`, `--key=${join(dir, 'tls.key')}`];
      must('kubectl', ['create', 'secret', 'tls', certificate.secretName, '-n', ns, ...files]);
    }
  });

  it("accepts each instance's ListenerSet and every HTTPRoute on it, with resolved references", async () => {
    for (const ns of [USER, OTHER]) {
      await waitFor(`ListenerSet sandbox in ${ns} Accepted and Programmed`, 180, () => {
        const status = kubectlJson('get', 'listenersets', 'sandbox', '-n', ns).status ?? {};
        return (
          condition(status.conditions, 'Accepted') === 'True' && condition(status.conditions, 'Programmed') === 'True'
        );
      });
      await waitFor(`every HTTPRoute in ${ns} Accepted with ResolvedRefs`, 180, () => {
        const routes = Object.values(routeConditions(ns));
        return (
          routes.length > 0 &&
          routes.every((c) => condition(c, 'Accepted') === 'True' && condition(c, 'ResolvedRefs') === 'True')
        );
      });
    }
  });

  it("refuses a route to another namespace's Service: admission in an instance namespace, Envoy Gateway elsewhere", async () => {
    const backend = items('httproutes', '-n', OTHER)[0].spec.rules[0].backendRefs[0];
    const route = (namespace: string, parentRef: object, hostname: string) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      // Not for external-dns to publish: the records test below counts every name it was given.
      metadata: {
        name: 'cross-namespace-probe',
        namespace,
        annotations: namespace === GATEWAY_NS ? { 'external-dns.alpha.kubernetes.io/controller': 'none' } : {},
      },
      spec: {
        parentRefs: [parentRef],
        hostnames: [hostname],
        rules: [{ backendRefs: [{ name: backend.name, namespace: OTHER, port: backend.port }] }],
      },
    });
    const admitted = exec('kubectl', ['create', '-f', '-'], {
      input: JSON.stringify(
        route(
          USER,
          { group: 'gateway.networking.k8s.io', kind: 'ListenerSet', name: 'sandbox' },
          `probe.${USER}.${DOMAIN}`,
        ),
      ),
    });
    expect(admitted.code).not.toBe(0);
    expect(admitted.stderr).toMatch(/send traffic only to Services in their own namespace/);
    // The platform namespace has no tenant policy: there the controller alone decides, and refuses without a ReferenceGrant.
    must('kubectl', ['create', '-f', '-'], {
      input: JSON.stringify(route(GATEWAY_NS, { name: 'sandbox', sectionName: 'http' }, `probe.${DOMAIN}`)),
    });
    await waitFor('Envoy Gateway to judge the cross-namespace route', 120, () => {
      const c = routeConditions(GATEWAY_NS)['cross-namespace-probe'];
      return condition(c, 'ResolvedRefs') !== undefined;
    });
    const c = routeConditions(GATEWAY_NS)['cross-namespace-probe'];
    expect({ resolved: condition(c, 'ResolvedRefs'), reason: reason(c, 'ResolvedRefs') }).toEqual({
      resolved: 'False',
      reason: 'RefNotPermitted',
    });
    kubectl('delete', 'httproute', 'cross-namespace-probe', '-n', GATEWAY_NS);
  });

  it('has external-dns plan an A and a TXT record for every instance hostname, and none outside *.<instance>.<domain>', async () => {
    const log = controllerStatus()['external-dns/external-dns'].log;
    const hosts = [...instanceHosts(USER), ...instanceHosts(OTHER)];
    expect(hosts.length).toBeGreaterThanOrEqual(2);
    await waitFor('external-dns to publish every instance hostname', 240, () =>
      hosts.every((h) => plannedRecords(log).some((r) => r.name === h && r.type === 'A')),
    );
    const records = plannedRecords(log);
    for (const host of hosts) {
      expect(records.filter((r) => r.name === host && r.type === 'A')).toEqual([
        { name: host, type: 'A', targets: LB_ADDRESS },
      ]);
      expect(records.some((r) => r.type === 'TXT' && r.name.endsWith(host))).toBe(true);
    }
    const instanceName = new RegExp(`^([a-z0-9-]+\\.)+(${USER}|${OTHER})\\.${DOMAIN.replace('.', '\\.')}$`);
    expect(records.filter((r) => !instanceName.test(r.name))).toEqual([]);
  });

  it('has external-secrets copy the shared credentials into the instance that uses the block, and into no other', async () => {
    const copy = `shared-${BLOCK}-credentials`;
    await waitFor(`ExternalSecret ${copy} Ready in ${USER}`, 180, () => {
      const es = kubectlJson('get', 'externalsecret', copy, '-n', USER);
      return condition(es.status?.conditions, 'Ready') === 'True';
    });
    const source = kubectlJson('get', 'secret', `${BLOCK}-credentials`, '-n', SHARED_NS).data;
    expect(kubectlJson('get', 'secret', copy, '-n', USER).data).toEqual(source);
    expect(exists('secret', copy, '-n', OTHER)).toBe(false);
    expect(items('externalsecrets', '-n', OTHER)).toEqual([]);
  });

  it("removes an instance's records when `sandboxkit instance destroy` removes the instance", async () => {
    const log = controllerStatus()['external-dns/external-dns'].log;
    const gone = instanceHosts(OTHER);
    run('instance', 'destroy', OTHER);
    await waitFor(`external-dns to delete the records of ${OTHER}`, 240, () =>
      plannedRecords(log).every((r) => !gone.some((h) => r.name.endsWith(h))),
    );
    expect(
      plannedRecords(log)
        .filter((r) => r.type === 'A')
        .map((r) => r.name),
    ).toEqual(expect.arrayContaining(instanceHosts(USER)));
  });

  it('destroys the rest, and the supervisor stops the controllers whose Deployments went', async () => {
    run('instance', 'destroy', USER);
    run('shared', 'destroy', '--cluster', CLUSTER);
    must('helm', ['uninstall', 'external-dns', '-n', 'external-dns', '--wait']);
    terraform(stackDir(`platform-${CLUSTER}`), 'destroy', '-auto-approve', '-input=false', '-no-color');
    await waitFor('the supervisor to stop every controller', 120, () => Object.keys(controllerStatus()).length === 0);
  });
});
