import { appendFileSync, mkdirSync, readFileSync } from 'fs';
import { basename, join } from 'path';

/**
 * The tools the fleet benchmark gives the CLI (bench/fleet.ts): terraform, kubectl and helm that answer at once from
 * a fleet of namespaces in a JSON file, so that what is timed is the command line's own work over many instances.
 * Run as `node fleet-tools.js <tool> ...args`.
 */
const [tool, ...args] = process.argv.slice(2);
const namespaces = JSON.parse(readFileSync(process.env.FLEET_NAMESPACES!, 'utf8')) as Record<string, object>[];
function print(value: unknown): void {
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
}
if (process.env.FLEET_LOG) appendFileSync(process.env.FLEET_LOG, `${tool} ${args.join(' ')}\n`);

function kubectl(): void {
  let a = args.filter((x) => !x.startsWith('--request-timeout'));
  while (a[0] === '--kubeconfig' || a[0] === '--context') a = a.slice(2);
  const [verb, what] = a;
  if (verb === 'get' && what === '--raw') return print({ gitVersion: 'v1.34.4' });
  if (verb === 'get' && what === 'namespaces') {
    const field = a[a.indexOf('--field-selector') + 1];
    const name = a.includes('--field-selector') ? field.replace('metadata.name=', '') : undefined;
    return print({ items: name ? namespaces.filter((n: any) => n.metadata.name === name) : namespaces });
  }
  if (verb === 'get') return print({ items: [] });
}

function terraform(): void {
  const dir = args.find((a) => a.startsWith('-chdir='))!.slice('-chdir='.length);
  const cmd = args.find((a) => !a.startsWith('-'));
  if (cmd === 'init') return void mkdirSync(join(dir, '.terraform'), { recursive: true });
  if (cmd === 'state') return;
  if (cmd === 'output') return print({});
  if (cmd === 'apply' || cmd === 'plan') {
    const name = basename(dir).replace(/^instance-/, '');
    print({ type: 'change_summary', changes: { add: 1, change: 0, remove: 0, operation: 'plan' } });
    if (cmd === 'apply')
      print({
        type: 'outputs',
        outputs: {
          namespace: { value: name },
          created_at: { value: '2026-12-01T00:00:00Z' },
          expires_at: { value: '2026-12-09T00:00:00Z' },
          hostnames: { value: [] },
        },
      });
  }
}

function helm(): void {
  if (args[0] === 'list') print([]);
}

({ kubectl, terraform, helm })[tool as 'kubectl' | 'terraform' | 'helm']();
