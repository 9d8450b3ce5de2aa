import { execFileSync } from 'child_process';
import { mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync, copyFileSync } from 'fs';
import { dirname, join } from 'path';
import { tempDir } from './fixtures';

const ROOT = join(__dirname, '..');
const PEERS = ['cdktf', 'constructs', '@cdktf/provider-aws', '@cdktf/provider-helm', '@cdktf/provider-kubernetes', '@cdktf/provider-random', '@cdktf/provider-time'];
const DEPENDENCIES = ['yaml', 'zod'];

/** Packs the package and installs the tarball into a fresh consumer, with the dependencies already on this machine: no network. */
function installConsumer(): string {
  const work = tempDir('sandboxkit-pack-');
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  const consumer = join(work, 'consumer');
  const modules = join(consumer, 'node_modules');
  mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', modules]);
  renameSync(join(modules, 'package'), join(modules, 'sandboxkit'));
  // Only the AWS provider is installed in the consumer: the other clouds' providers are optional peers.
  for (const name of [...PEERS, ...DEPENDENCIES]) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
  }
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, types: [], outDir: 'dist' }, files: ['main.ts'] }),
  );
  copyFileSync(join(__dirname, 'consumer', 'main.ts'), join(consumer, 'main.ts'));
  return consumer;
}

describe('the npm package', () => {
  let consumer: string;
  beforeAll(() => {
    consumer = installConsumer();
  }, 180000);

  it('ships the compiled code, the charts and no tests', () => {
    const pkg = join(consumer, 'node_modules', 'sandboxkit');
    expect(readdirSync(pkg).sort()).toEqual(['README.md', 'charts', 'dist', 'examples', 'package.json']);
    expect(readdirSync(join(pkg, 'charts')).sort()).toEqual(readdirSync(join(ROOT, 'charts')).sort());
    expect(readdirSync(join(pkg, 'dist'))).not.toContain('test');
  });

  it('compiles and synthesizes a consumer app that composes the constructs its own way', () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], { cwd: consumer, encoding: 'utf8' });
    execFileSync(process.execPath, ['dist/main.js'], { cwd: consumer, encoding: 'utf8' });
    const read = (stack: string) => JSON.parse(readFileSync(join(consumer, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    const cluster = read('team-cluster');
    expect(Object.values(cluster.resource.aws_eks_cluster)[0]).toMatchObject({ name: 'team', vpc_config: { public_access_cidrs: ['198.51.100.0/24'] } });
    expect(Object.keys(cluster.resource.aws_nat_gateway)).toHaveLength(2);
    const sandbox = read('team-sandbox');
    const releases = Object.values(sandbox.resource.helm_release).map((r: any) => r.name).sort();
    expect(releases).toEqual(['ledger', 'mock-sms', 'postgresql']);
    const ledger = Object.values(sandbox.resource.helm_release).find((r: any) => r.name === 'ledger') as any;
    expect(JSON.parse(ledger.values[0])).toEqual({
      replicas: 1,
      db: { host: 'postgresql.ledger-pr-42.svc.cluster.local' },
      auth: { secret: 'ledger-credentials' },
      notify: { smsUrl: 'http://mock-sms.ledger-pr-42.svc.cluster.local:8080' },
    });
  });

  it.each([
    ['sandboxkit/aws', ['@cdktf/provider-aws']],
    ['sandboxkit', ['@cdktf/provider-helm', '@cdktf/provider-kubernetes', '@cdktf/provider-random', '@cdktf/provider-time']],
  ])('loads only the providers %s needs', (entry, expected) => {
    const script = `require(${JSON.stringify(entry)});
      const loaded = new Set(Object.keys(require.cache).map((k) => (k.match(/node_modules\\/(@cdktf\\/provider-[a-z]+)\\//) || [])[1]).filter(Boolean));
      process.stdout.write(JSON.stringify([...loaded].sort()));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8' }));
    expect(loaded).toEqual(expected);
  });
});
