import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { mirrored } from '../../cli/commands/bom';
import { parseTtlHours } from '../../cli/duration';
import { errorBlocks } from '../../cli/terraform';
import { toolBinary } from '../../cli/tools';
import { tempDir } from '../fixtures';
import { CLI_CONFIG, Workspace } from './stand-in';

function workspace(extra = ''): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')) + extra);
  return w;
}

describe('sandboxkit CLI', () => {
  describe('instance test', () => {
    it('reports each release from Helm’s own output: passed, no tests, rejected by admission, failed', async () => {
      const w = workspace(
        '  - { name: beta, cluster: kind, owner: eve, blocks: [postgresql, valkey, seaweedfs], mocks: [email] }\n',
      );
      w.knob(
        'helm-out-valkey',
        'NAME: valkey\nSTATUS: deployed\nTEST SUITE: None\nNOTES:\nTEST SUITE: in the notes\nPhase: Succeeded\n',
      );
      w.knob('helm-out-seaweedfs', 'NAME: seaweedfs\nTEST SUITE:     seaweedfs-test\nPhase:          Failed\n');
      w.knob('helm-err-seaweedfs', 'Error: 1 error occurred:\n\t* pod seaweedfs-test failed\n');
      w.knob('helm-exit-seaweedfs', '1');
      w.knob('helm-out-postgresql', '');
      w.knob(
        'helm-err-postgresql',
        'Error: 1 error occurred:\n\t* pods "postgresql-test" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false\n',
      );
      w.knob('helm-exit-postgresql', '1');
      const r = await w.run('instance', 'test', 'beta', '--json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toEqual({
        instance: 'beta',
        passed: 1,
        noTests: 1,
        failed: 2,
        results: [
          { release: 'mock-email', status: 'passed', tests: [{ name: 'mock-email-test', phase: 'Succeeded' }] },
          {
            release: 'postgresql',
            status: 'rejected',
            tests: [],
            detail:
              'pods "postgresql-test" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
            excluded: [
              {
                name: 'postgresql-ping-test',
                reason: expect.stringMatching(/restricted Pod Security refuses its pod/),
              },
            ],
          },
          {
            release: 'valkey',
            status: 'no tests',
            tests: [],
            excluded: [{ name: 'valkey-test-auth-existing', reason: expect.stringMatching(/no security context/) }],
          },
          {
            release: 'seaweedfs',
            status: 'failed',
            tests: [{ name: 'seaweedfs-test', phase: 'Failed' }],
            detail: 'pod seaweedfs-test failed',
          },
        ],
      });
      // Hooks come from the release record: they run as the instance's deployer, never as the admin running the CLI.
      const asDeployer = '--kube-as-user system:serviceaccount:sandbox-deployers:deployer-beta';
      expect(w.calls()[0]).toBe(
        `helm test mock-email --namespace beta --timeout 5m --kubeconfig ${join(w.dir, 'kubeconfig')} --kube-context kind-kind ${asDeployer}`,
      );
      // The catalog leaves out a chart test that can never be admitted, and says why.
      expect(w.calls()[1]).toBe(
        `helm test postgresql --namespace beta --timeout 5m --filter !name=postgresql-ping-test --kubeconfig ${join(w.dir, 'kubeconfig')} --kube-context kind-kind ${asDeployer}`,
      );
      const text = (await w.run('instance', 'test', 'beta')).out;
      expect(text).toMatch(/^ {2}left out: postgresql-ping-test: the chart's ping test runs alpine:3\.17 as root/m);
      expect(text).toMatch(/^valkey: no tests$/m);
      expect(text).toMatch(/^postgresql: rejected\n {2}pods "postgresql-test" is forbidden/m);
      expect(text).toMatch(/^1 of 4 releases passed, 2 failed, 1 without tests$/m);
    });
  });

  it('points at doctor and SANDBOXKIT_HELM when helm is missing', async () => {
    const w = workspace();
    w.env.SANDBOXKIT_HELM = join(w.dir, 'no-such-helm');
    const r = await w.run('instance', 'test', 'alpha', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.message).toBe(
      'helm could not be started: install Helm 3 or set SANDBOXKIT_HELM; `sandboxkit doctor` checks every tool this config needs',
    );
  });

  describe('audit', () => {
    /** A platform stack applied earlier: its state holds resources, so there is something to audit. */
    function applied(): Workspace {
      const w = workspace();
      w.world((x) => (x.tfstate['platform-kind'] = ['helm_release.gateway']));
      return w;
    }
    const plan = (w: Workspace, json: object) => w.knob('show-platform-kind', JSON.stringify(json));

    it('is quiet and exits 0 when the stack matches the code', async () => {
      const w = applied();
      plan(w, { resource_changes: [{ address: 'helm_release.gateway', change: { actions: ['no-op'] } }] });
      expect(await w.run('audit', 'platform-kind')).toMatchObject({
        code: 0,
        out: 'platform-kind: in sync with the code\n',
      });
    });

    it('is in sync, exit 0, when only outputs are new', async () => {
      const w = applied();
      plan(w, { output_changes: { ingress_class: { actions: ['create'] } } });
      expect(await w.run('audit', 'platform-kind')).toMatchObject({
        code: 0,
        out: 'platform-kind: in sync with the code (the next apply records new outputs: ingress_class)\n',
      });
    });

    it('is in sync on a stack just applied: provider noise and fields the cluster owns are no drift', async () => {
      const w = applied();
      // What the refresh of a fresh instance stack reports: a quota's resource_version, null read back as {}.
      plan(w, {
        resource_drift: [
          {
            address: 'kubernetes_resource_quota_v1.q',
            change: {
              actions: ['update'],
              before: { metadata: [{ resource_version: '812', labels: null }] },
              after: { metadata: [{ resource_version: '815', labels: {} }] },
            },
          },
        ],
        resource_changes: [{ address: 'kubernetes_resource_quota_v1.q', change: { actions: ['no-op'] } }],
      });
      expect(await w.run('audit', 'platform-kind')).toMatchObject({ code: 0 });
    });

    it('reports a change made outside the code plainly, with the attribute, and exits 3', async () => {
      const w = applied();
      const quota = (cpu: string) => ({
        metadata: [{ resource_version: cpu }],
        spec: [{ hard: { 'requests.cpu': cpu } }],
      });
      plan(w, {
        resource_drift: [
          {
            address: 'kubernetes_resource_quota_v1.q',
            change: { actions: ['update'], before: quota('4'), after: quota('8') },
          },
        ],
        resource_changes: [
          {
            address: 'kubernetes_resource_quota_v1.q',
            change: { actions: ['update'], before: quota('8'), after: quota('4') },
          },
          { address: 'helm_release.y', change: { actions: ['create'], before: null, after: { name: 'y' } } },
        ],
      });
      const r = await w.run('audit', 'platform-kind');
      expect(r.code).toBe(3);
      expect(r.out).toBe(
        'platform-kind: 1 changed outside the code, 1 to change on the next apply\n' +
          '  changed outside: kubernetes_resource_quota_v1.q (the next apply would update it)\n' +
          '    spec[0].hard["requests.cpu"]: "4" -> "8"\n' +
          '  apply would create: helm_release.y\n',
      );
    });

    it('says a stack that was never applied has nothing to audit, and exits 1 rather than reporting drift', async () => {
      const w = workspace();
      expect(await w.run('audit', 'platform-kind')).toMatchObject({
        code: 1,
        err: expect.stringMatching(/platform-kind has not been applied \(its state holds no resource\)/),
      });
      expect(w.calls().filter((c) => / plan /.test(c))).toEqual([]);
    });

    it('refuses a stack the config does not have, suggesting the nearest', async () => {
      expect(await workspace().run('audit', 'platfrm-kind')).toMatchObject({
        code: 2,
        err: expect.stringMatching(
          /no stack named "platfrm-kind" in the config or the instance records; did you mean "platform-kind"\?/,
        ),
      });
    });
  });

  describe('bom', () => {
    it("lists an instance's charts and images once each, by source name and under the registry mirror", async () => {
      const r = await workspace().run('bom', 'alpha', '--json');
      const bom = JSON.parse(r.out);
      expect(bom.charts).toEqual([
        { repository: 'sandboxkit (packaged)', name: 'mock-email', version: '0.2.0' },
        { repository: 'https://cloudnative-pg.github.io/charts', name: 'cluster', version: '0.8.1' },
      ]);
      expect(bom.images).toEqual(
        expect.arrayContaining(['ghcr.io/cloudnative-pg/postgresql:18.3', 'docker.io/axllent/mailpit:v1.30.5']),
      );
      expect(new Set(bom.images).size).toBe(bom.images.length);
      expect(bom.mirror.map((m: { mirror: string }) => m.mirror)).toEqual(
        expect.arrayContaining([
          'mirror.internal:5000/cloudnative-pg/postgresql:18.3',
          'mirror.internal:5000/axllent/mailpit:v1.30.5',
        ]),
      );
      expect(bom.mirror.every((m: { mirror: string }) => m.mirror.startsWith('mirror.internal:5000/'))).toBe(true);
    });

    it('lists exactly the charts the cluster platform installs, in aligned columns', async () => {
      const w = workspace();
      const bom = JSON.parse((await w.run('bom', '--cluster', 'kind', '--json')).out);
      expect(bom.charts.map((c: { name: string }) => c.name)).toEqual([
        'external-secrets',
        'gateway-helm',
        'cert-manager',
        'cloudnative-pg',
        'platform-resources',
        'instance-reaper',
        'tenant-policies',
      ]);
      expect(bom.images).toContain('docker.io/alpine/kubectl:1.34.2');
      expect(bom.unknownImages).toEqual([]);
      expect(
        bom.images.filter((i: string) =>
          /envoyproxy\/gateway:|cert-manager-controller|cloudnative-pg\/cloudnative-pg:/.test(i),
        ),
      ).toHaveLength(3);
      const lines = (await w.run('bom', '--cluster', 'kind')).out.split('\n');
      const header = lines.find((l) => l.startsWith('CHART'))!;
      const row = lines.find((l) => l.startsWith('cert-manager'))!;
      expect(row.indexOf('v1.')).toBe(header.indexOf('VERSION'));
    });

    it('says to give an instance or --cluster', async () => {
      expect(await workspace().run('bom')).toMatchObject({
        code: 2,
        err: expect.stringMatching(
          /give an instance \(sandboxkit bom <instance>\) or a cluster \(sandboxkit bom --cluster <name>\)/,
        ),
      });
    });

    it('rewrites registries', () => {
      expect(mirrored('quay.io/keycloak/keycloak:26.1.0', 'm:5000')).toBe('m:5000/keycloak/keycloak:26.1.0');
      expect(mirrored('docker.io/kong:3.9.0', 'm:5000')).toBe('m:5000/kong:3.9.0');
      expect(mirrored('kong:3.9.0', 'm:5000')).toBe('m:5000/kong:3.9.0');
    });
  });

  describe('doctor', () => {
    it('passes when the tools are there, with their versions', async () => {
      const r = await workspace().run('doctor', '--json');
      expect(r.code).toBe(0);
      expect(
        JSON.parse(r.out).checks.map((c: { check: string; status: string; version?: string }) => [
          c.check,
          c.status,
          c.version,
        ]),
      ).toEqual([
        ['terraform', 'ok', '1.11.4'],
        ['helm', 'ok', '3.19.5'],
        ['kubectl', 'ok', '1.34.1'],
        ['kubeconfig kind', 'ok', undefined],
        ['api server kind', 'ok', '1.34.1'],
      ]);
    });

    it('checks that the API server answers with the kubeconfig and context Terraform will use, and says so shortly', async () => {
      const w = workspace();
      w.knob('api-down');
      const r = await w.run('doctor');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(
        /^missing\s+api server kind\s+-\s+https:\/\/127\.0\.0\.1:6443 does not answer: The connection to the server 127\.0\.0\.1:6443 was refused - did you specify the right host or port\?$/m,
      );
      expect(r.out).not.toMatch(/memcache\.go/);
      expect(r.out).toMatch(
        /api server kind: start the cluster, or fix clusters\[\]\.connection \(context kind-kind of .*kubeconfig\)/,
      );
    });

    it("reads a relative kubeconfig path from the config file's folder, as Terraform is then given it", async () => {
      const w = workspace();
      writeFileSync(w.config, CLI_CONFIG('./kubeconfig'));
      w.cwd = '/';
      const r = await w.run('doctor', '--json');
      const checks = JSON.parse(r.out).checks;
      expect(checks.find((c: { check: string }) => c.check === 'kubeconfig kind')).toMatchObject({
        status: 'ok',
        detail: `${join(w.dir, 'kubeconfig')} (context kind-kind)`,
      });
      expect(w.calls().filter((c) => c.startsWith('kubectl') && c.includes('/version'))).toEqual([
        `kubectl --kubeconfig ${join(w.dir, 'kubeconfig')} --context kind-kind get --raw /version --request-timeout=8s`,
      ]);
    });

    it('says what to install or fix in aligned columns, and exits 1', async () => {
      const w = workspace();
      w.knob('version', '1.5.7');
      writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'missing-kubeconfig')));
      const r = await w.run('doctor');
      expect(r.code).toBe(1);
      const lines = r.out.split('\n');
      expect(lines[0]).toMatch(/^STATUS\s+CHECK\s+VERSION\s+DETAIL$/);
      expect(lines[1]).toMatch(
        /^missing\s+terraform\s+1\.5\.7\s+.*fake-terraform is 1\.5\.7; 1\.10 or later is needed$/m,
      );
      expect(new Set(lines.slice(0, 5).map((l) => l.search(/(VERSION|1\.5\.7|3\.19\.5|1\.34\.1|- )/))).size).toBe(1);
      expect(r.out).toMatch(
        /To fix:\n {2}terraform: install Terraform or OpenTofu 1\.10 or later; plans and applies every stack \(1\.10\+ for S3-native state locking\)\n {2}kubeconfig kind: create the cluster/,
      );
    });

    it("finds helm in the project's .tools/bin when it is not on PATH, after the variable and PATH", () => {
      const dir = tempDir('tools-');
      mkdirSync(join(dir, '.tools', 'bin'), { recursive: true });
      writeFileSync(join(dir, '.tools', 'bin', 'helm'), '#!/bin/sh\n', { mode: 0o755 });
      expect(toolBinary('helm', { PATH: '/nonexistent' }, dir)).toBe(join(dir, '.tools', 'bin', 'helm'));
      expect(toolBinary('helm', { PATH: '/nonexistent', SANDBOXKIT_HELM: '/opt/helm' }, dir)).toBe('/opt/helm');
      expect(toolBinary('helm', { PATH: join(dir, '.tools', 'bin') }, '/')).toBe(join(dir, '.tools', 'bin', 'helm'));
    });

    it('refuses the AWS CLI v1 for an AWS cluster', async () => {
      const w = workspace();
      writeFileSync(w.config, readFileSync(join(__dirname, '..', '..', 'examples', 'sandbox.yaml'), 'utf8'));
      w.knob('aws-version', 'aws-cli/1.45.11 Python/3.11.7 Linux/6.1 botocore/1.43.11');
      const checks = JSON.parse((await w.run('doctor', '--json')).out).checks as {
        check: string;
        status: string;
        detail: string;
        fix?: string;
      }[];
      expect(checks.find((c) => c.check === 'aws')).toMatchObject({
        status: 'missing',
        detail: expect.stringMatching(/is 1\.45\.11; 2 or later is needed$/),
        fix: expect.stringMatching(/AWS CLI v2/),
      });
    });
  });

  describe('parsing helpers', () => {
    it("shows each of Terraform's errors in full once, counting repeats", () => {
      const text =
        'Initializing...\n\nError: Failed to query available provider packages\n\nCould not retrieve hashicorp/random\n\nError: Failed to query available provider packages\n\nCould not retrieve hashicorp/time\n';
      expect(errorBlocks(text)).toBe(
        'Error: Failed to query available provider packages\n\nCould not retrieve hashicorp/random\n(1 more of the same error)',
      );
    });

    it('parses TTLs', () => {
      expect(parseTtlHours('2d')).toBe(48);
      expect(parseTtlHours('36')).toBe(36);
    });
  });
});
