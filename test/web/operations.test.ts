import { writeFileSync } from 'fs';
import { join } from 'path';
import { ConfigStore } from '../../cli/config-store';
import type { CliContext } from '../../cli/context';
import type { Io } from '../../cli/io';
import { ProcessRunner } from '../../cli/tools';
import { webApp } from '../../cli/web/app';
import { cliOperations } from '../../cli/web/operations';
import { CLI_CONFIG, Workspace } from '../cli/stand-in';

/**
 * The page over the CLI's own lifecycle functions, with the CLI tests' stand-ins for Terraform, Helm and kubectl:
 * what the page does is what the command does, recorded in the same instance record.
 */
function setup() {
  const w = new Workspace('');
  writeFileSync(
    w.config,
    `${CLI_CONFIG(join(w.dir, 'kubeconfig'))}templates:\n  - name: preview\n    blocks: [valkey]\n    mocks: [email]\n    ttlHours: 2\n`,
  );
  let err = '';
  const io: Io = {
    out: () => undefined,
    err: (t) => (err += `${t}\n`),
    color: false,
    env: {
      PATH: process.env.PATH,
      HOME: w.dir,
      SANDBOXKIT_TERRAFORM: join(w.dir, 'fake-terraform'),
      SANDBOXKIT_HELM: join(w.dir, 'fake-helm'),
      SANDBOXKIT_KUBECTL: join(w.dir, 'fake-kubectl'),
      USER: 'tester',
      FAKE_NOW: w.now.toISOString(),
    },
    now: () => w.now,
    interactive: false,
    ask: async () => '',
    cwd: w.dir,
  };
  const ctx: CliContext = {
    io,
    tools: new ProcessRunner(io),
    store: new ConfigStore(w.config),
    outdir: w.out,
    json: false,
    verbose: false,
  };
  const app = webApp({ operations: cliOperations(ctx), signIn: { kind: 'proxy' }, web: {}, now: () => w.now });
  const browser = (user: string) => {
    let cookie = '';
    const request = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('X-Forwarded-Email', user);
      if (cookie) headers.set('Cookie', cookie);
      const res = await app.request(
        path,
        { ...init, headers },
        { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
      );
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0];
      return res;
    };
    const csrf = async () => /name="_csrf" value="([^"]+)"/.exec(await (await request('/create')).text())![1];
    return {
      get: request,
      post: async (path: string, fields: Record<string, string>) =>
        request(path, {
          method: 'POST',
          body: new URLSearchParams({ _csrf: await csrf(), ...fields }),
          headers: { Origin: 'http://localhost', 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
    };
  };
  return { w, browser, log: () => err };
}

describe('sandboxkit serve over the lifecycle functions (stand-in tools)', () => {
  it('creates from a template, extends, refuses another user, and destroys: each recorded as the CLI records it', async () => {
    const { w, browser } = setup();
    const carol = browser('carol@example.org');
    const created = await carol.post('/create', { name: 'pr-7', template: 'preview' });
    expect(created.status).toBe(303);
    const record = w.record('pr-7')!;
    expect(record.spec).toMatchObject({
      owner: 'carol@example.org',
      blocks: ['valkey'],
      mocks: ['email'],
      ttlHours: 2,
    });
    expect(record.status).toMatchObject({ phase: 'ready', template: 'preview' });

    const list = await (await carol.get('/?owner=carol%40example.org')).text();
    expect(list).toContain('href="/instances/pr-7"');
    expect(list).toContain('1 of 2 instances');

    const dave = browser('dave@example.org');
    expect((await dave.post('/instances/pr-7/extend', { ttl: '8h' })).status).toBe(403);
    expect((await carol.post('/instances/pr-7/extend', { ttl: '8h' })).status).toBe(303);
    expect(w.record('pr-7')!.history.map((h) => `${h.by} ${h.action} ${h.outcome}`)).toEqual([
      'carol@example.org create succeeded',
      'carol@example.org extend succeeded',
    ]);

    expect((await carol.post('/instances/pr-7/destroy', { confirm: 'pr-7' })).status).toBe(303);
    expect(w.record('pr-7')!.status.phase).toBe('gone');
    expect(w.record('pr-7')!.history.at(-1)).toMatchObject({ by: 'carol@example.org', action: 'destroy' });
  });

  it('shows the errors of `instance create` for a bad name, an unknown template and a name that exists', async () => {
    const { w, browser } = setup();
    const carol = browser('carol@example.org');
    const cases: [Record<string, string>, RegExp, number][] = [
      [{ name: 'Bad_Name', template: 'preview' }, /&lt;name&gt;/, 400],
      [{ name: 'ok', template: 'preveiw' }, /preveiw/, 400],
      [{ name: 'alpha', template: 'preview' }, /instance &quot;alpha&quot; is declared in the config/, 409],
      [
        { name: 'ok', template: 'preview', ttl: '99y' },
        /--ttl must be hours or days such as 48h or 2d, got &quot;99y&quot;/,
        400,
      ],
    ];
    for (const [form, message, status] of cases) {
      const res = await carol.post('/create', form);
      const text = await res.text();
      expect({ form, status: res.status, shown: message.test(text) }).toEqual({ form, status, shown: true });
    }
    expect(w.record('ok')).toBeUndefined();
  });
});
