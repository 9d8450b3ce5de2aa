import { spawnSync } from 'child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { tempDir } from '../fixtures';
import { requireTool, run } from '../tools';

const ROOT = join(__dirname, '..', '..');

/** The image names scripts/images/build.sh builds, from its recipes. */
function builtImages(): string[] {
  const r = spawnSync(
    'bash',
    ['-c', 'source scripts/images/recipes.sh; for i in "${IMAGES[@]}"; do "image_${i//-/_}" ref; done'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim().split('\n');
}

/** Every image a chart renders with its default values (and the given sets), from `helm template`. */
function renderedImages(chart: string, ...sets: string[]): string[] {
  const out = run(requireTool('helm'), [
    'template',
    'x',
    join(ROOT, 'charts', chart),
    '--kube-version',
    '1.34.4',
    ...sets.flatMap((s) => ['--set', s]),
  ]);
  return [...out.matchAll(/^\s*image:\s*"?([^"\s]+)"?/gm)].map((m) => m[1]);
}

describe('images built for the real node (scripts/images)', () => {
  const built = builtImages();
  const expectBuilt = (images: readonly string[]) => {
    for (const image of images) expect({ image, built: built.includes(image) }).toEqual({ image, built: true });
  };

  test.each([
    ['mock-email', []],
    ['mock-sms', []],
    ['mock-payment', []],
    ['mock-cloud', []],
    ['mysql', []],
    ['instance-reaper', []],
    [
      'seed-data',
      [
        'dataset.name=d',
        'dataset.files.a\\.sql=x',
        'target.engine=postgresql',
        'target.host=h',
        'target.port=1',
        'target.database=d',
        'target.username=u',
        'target.passwordSecret.name=s',
        'target.passwordSecret.key=k',
      ],
    ],
    [
      'seed-data',
      [
        'dataset.name=d',
        'dataset.url=https://example.org/a.sql',
        'target.engine=mysql',
        'target.host=h',
        'target.port=1',
        'target.database=d',
        'target.username=u',
        'target.passwordSecret.name=s',
        'target.passwordSecret.key=k',
      ],
    ],
  ])('every image chart %s runs is built under the name the chart uses', (chart, sets) => {
    const images = renderedImages(chart, ...sets);
    expect(images.length).toBeGreaterThan(0);
    expectBuilt(images);
  });

  test.each(['mysql', 'keycloak'])('the images of catalog block %s, which the node suite runs, are built', (name) => {
    const images = BUILTIN_CATALOG.find((e) => e.name === name)!.images;
    expectBuilt(images);
  });

  test('the node runs the pause and CoreDNS images it builds', () => {
    const versions = readFileSync(join(ROOT, 'scripts', 'node', 'versions.sh'), 'utf8');
    for (const name of ['PAUSE_IMAGE', 'COREDNS_IMAGE']) {
      const image = new RegExp(`^${name}=(\\S+)`, 'm').exec(versions)![1];
      expect(built).toContain(image);
    }
  });
});

describe('scripts/node/up.sh', () => {
  test('fails with the name of a missing part and how to build it', () => {
    const r = spawnSync('bash', [join(ROOT, 'scripts', 'node', 'up.sh')], {
      encoding: 'utf8',
      env: { ...process.env, SANDBOXKIT_NODE_CACHE: tempDir('node-cache-') },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/node: (.*\/kubelet is missing: run scripts\/node\/build\.sh|needs root)/);
  });
});

describe('scripts/node/build.sh --check-versions', () => {
  /** Runs the check on a copy of scripts/node whose go.mod is `goMod`. */
  function check(goMod: string) {
    const dir = tempDir('node-scripts-');
    mkdirSync(join(dir, 'kube'));
    for (const f of ['build.sh', 'versions.sh']) copyFileSync(join(ROOT, 'scripts', 'node', f), join(dir, f));
    writeFileSync(join(dir, 'kube', 'go.mod'), goMod);
    return spawnSync('bash', [join(dir, 'build.sh'), '--check-versions'], { encoding: 'utf8' });
  }
  const goMod = readFileSync(join(ROOT, 'scripts', 'node', 'kube', 'go.mod'), 'utf8');
  const version = /^KUBERNETES_VERSION=(\S+)/m.exec(
    readFileSync(join(ROOT, 'scripts', 'node', 'versions.sh'), 'utf8'),
  )![1];

  test('accepts the Kubernetes module as go mod tidy writes it, requiring the version of versions.sh', () => {
    expect(goMod).toContain(`k8s.io/kubernetes ${version}`);
    expect(check(goMod).status).toBe(0);
  });

  test('refuses a module that requires another version, naming both files', () => {
    const r = check(goMod.replace(`k8s.io/kubernetes ${version}`, 'k8s.io/kubernetes v1.33.0'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`scripts/node/kube/go.mod does not require k8s.io/kubernetes ${version} (versions.sh)`);
  });
});
