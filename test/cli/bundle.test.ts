import { createHash } from 'crypto';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { httpSource } from '../../cli/bundle';
import { loadConfig } from '../../config/load';
import { buildSandbox } from '../../stacks/sandbox-app';
import { newApp } from '../../synth/synthesize';
import { synthJson, tempDir } from '../fixtures';
import { CLI_CONFIG, Workspace } from './stand-in';

const MIRROR = join(__dirname, '..', '..', '..', 'shared', 'charts-mirror');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function workspace(): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')));
  return w;
}

describe('sandboxkit bundle', () => {
  it("writes the instance's chart archives with an index.yaml whose entries name, version, url and digest each archive", async () => {
    const w = workspace();
    const dir = join(w.dir, 'bundle');
    const r = await w.run('bundle', dir, '--instance', 'alpha', '--from', MIRROR, '--json');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    const index = parse(readFileSync(join(dir, 'index.yaml'), 'utf8'));
    expect(index.apiVersion).toBe('v1');
    // alpha has the postgresql block (CloudNativePG's `cluster` chart); the email mock is packaged, so not bundled.
    expect(Object.keys(index.entries)).toEqual(['cluster']);
    const [entry] = index.entries.cluster;
    expect(entry).toMatchObject({ apiVersion: 'v2', name: 'cluster', version: '0.8.1', urls: ['cluster-0.8.1.tgz'] });
    expect(entry.digest).toBe(sha256(join(dir, 'cluster-0.8.1.tgz')));
    expect(readFileSync(join(dir, 'cluster-0.8.1.tgz'))).toEqual(readFileSync(join(MIRROR, 'cluster-0.8.1.tgz')));
    expect(JSON.parse(r.out).charts).toEqual([expect.objectContaining({ name: 'cluster', version: '0.8.1' })]);
  });

  it('lists the images the bundle needs in images.txt, each by its source name and its name in the registry mirror', async () => {
    const w = workspace();
    const dir = join(w.dir, 'bundle');
    expect((await w.run('bundle', dir, '--instance', 'alpha', '--from', MIRROR)).code).toBe(0);
    const images = readFileSync(join(dir, 'images.txt'), 'utf8').trim().split('\n');
    expect(images.length).toBeGreaterThan(1);
    for (const line of images) expect(line).toMatch(/^(?!mirror\.internal)\S+:\S+ mirror\.internal:5000\/\S+:\S+$/);
    expect(images).toContain(
      'ghcr.io/cloudnative-pg/postgresql:18.3 mirror.internal:5000/cloudnative-pg/postgresql:18.3',
    );
    expect(images).toEqual([...images].sort());
  });

  it('bundles a cluster as its platform plus every instance on it, and adds to an existing bundle', async () => {
    const w = workspace();
    const dir = join(w.dir, 'bundle');
    expect((await w.run('bundle', dir, '--instance', 'alpha', '--from', MIRROR)).code).toBe(0);
    expect((await w.run('bundle', dir, '--cluster', 'kind', '--from', MIRROR)).code).toBe(0);
    const index = parse(readFileSync(join(dir, 'index.yaml'), 'utf8'));
    expect(Object.keys(index.entries)).toEqual(
      expect.arrayContaining(['cluster', 'cert-manager', 'cloudnative-pg', 'gateway-helm']),
    );
    for (const [name, entries] of Object.entries<any[]>(index.entries)) {
      for (const e of entries) {
        expect({ name, digest: e.digest }).toEqual({ name, digest: sha256(join(dir, e.urls[0])) });
      }
    }
  });

  it('deploys from the bundle alone: every remote chart of the platform and instance stacks is an archive in the bundle folder', async () => {
    const w = workspace();
    const dir = join(w.dir, 'bundle');
    expect((await w.run('bundle', dir, '--cluster', 'kind', '--from', MIRROR)).code).toBe(0);
    writeFileSync(
      w.config,
      w
        .configText()
        .replace(
          'platform: { registryMirror: mirror.internal:5000 }',
          'platform: { registryMirror: mirror.internal:5000, chartMirror: ./bundle }',
        ),
    );
    const stacks = buildSandbox(newApp(tempDir('bundle-synth-')), loadConfig(w.config));
    const releases = [stacks.platforms.get('platform-kind')!, stacks.instances.get('instance-alpha')!].flatMap((s) =>
      Object.values<any>(synthJson(s).resource!.helm_release),
    );
    const remote = releases.filter((r) => String(r.chart).startsWith(dir));
    expect(remote.map((r) => r.chart)).toEqual(
      expect.arrayContaining([join(dir, 'cluster-0.8.1.tgz'), join(dir, 'cert-manager-v1.21.1.tgz')]),
    );
    // No release names a repository: each chart is a bundle archive or one this package ships as a stack asset.
    for (const r of releases) {
      expect({ chart: r.chart, repository: r.repository }).toEqual({
        chart: expect.stringMatching(new RegExp(`^(${dir}/|assets/)`)),
        repository: undefined,
      });
    }
    for (const r of remote) expect(existsSync(r.chart)).toBe(true);
  });

  it('copies from a Helm repository over HTTP: the index it serves, then each archive its entry names', async () => {
    const fetched: string[] = [];
    const source = httpSource('http://mirror.test/charts/', async (url) => {
      fetched.push(url);
      return url.endsWith('index.yaml')
        ? Buffer.from(
            'apiVersion: v1\nentries:\n  cluster:\n    - {name: cluster, version: 0.8.1, apiVersion: v2, urls: [archives/cluster-0.8.1.tgz], digest: x}\n',
          )
        : Buffer.from('archive');
    });
    const { archive, entry } = await source.fetch('cluster', '0.8.1');
    expect(archive.toString()).toBe('archive');
    expect(entry).toMatchObject({ name: 'cluster', apiVersion: 'v2' });
    expect(fetched).toEqual([
      'http://mirror.test/charts/index.yaml',
      'http://mirror.test/charts/archives/cluster-0.8.1.tgz',
    ]);
    await expect(source.fetch('nope', '1.0.0')).rejects.toThrow(
      /chart nope 1\.0\.0 is not in the index of http:\/\/mirror\.test\/charts/,
    );
  });

  it('refuses without a source, and names the chart a source folder lacks, writing nothing', async () => {
    const w = workspace();
    const dir = join(w.dir, 'bundle');
    const none = await w.run('bundle', dir, '--instance', 'alpha');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/give --from <url-or-folder>: cluster kind has no platform\.chartMirror/);
    const empty = tempDir('empty-mirror-');
    const missing = await w.run('bundle', dir, '--instance', 'alpha', '--from', empty);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/chart cluster 0\.8\.1 is not in .*empty-mirror-/);
    expect(existsSync(dir)).toBe(false);
  });
});
