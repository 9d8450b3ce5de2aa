import { webApp, type SignIn } from '../../cli/web/app';
import type { WebOperations } from '../../cli/web/operations';
import type { ListRow } from '../../cli/web/list-page';
import type { InstanceDocument } from '../../cli/lifecycle/status';
import { parseTtlHours } from '../../cli/duration';
import { CliError } from '../../cli/io';

const NOW = new Date('2026-12-07T08:00:00Z');
const ALICE = 'alice@example.org';

const row = (name: string, owner: string, phase: string, expiresAt: string | null, cost: number | null): ListRow => ({
  name,
  cluster: 'lab',
  owner,
  phase,
  blocks: ['postgresql'],
  expiresAt,
  protected: false,
  dailyCostUsd: cost,
  unobserved: false,
});

function doc(name: string, owner: string): InstanceDocument {
  return {
    kind: 'SandboxInstance',
    spec: { name, cluster: 'lab', owner, blocks: ['keycloak'], mocks: ['email'], ttlHours: 4 },
    status: {
      phase: 'ready',
      cluster: 'lab',
      namespace: name,
      owner,
      origin: 'cli',
      createdAt: '2026-12-07T07:00:00Z',
      expiresAt: '2026-12-07T11:00:00Z',
      protected: false,
      urls: [
        { block: 'keycloak', url: `https://keycloak.${name}.sandbox.test` },
        { block: 'evil', url: 'javascript:alert(1)' },
      ],
      pods: { ready: 2, total: 3, notReady: [{ name: 'keycloak-0', reason: 'ContainersNotReady' }] },
      lastError: 'apply failed: <b>quota</b>',
      podSecurity: 'restricted',
      dailyCostUsd: 1.5,
      costBasis: 'quota',
      observed: 'yes',
      problems: [],
      history: [{ at: '2026-12-07T07:00:00Z', by: ALICE, action: 'create', outcome: 'succeeded' }],
    },
  } as unknown as InstanceDocument;
}

/** Stand-ins for the lifecycle functions: they record what the page asked, and fail as the CLI's do. */
function fakeOps() {
  const calls: string[] = [];
  const ops: WebOperations = {
    list: async () => ({
      rows: [
        row('beta', 'bob@example.org', 'stopped', '2026-12-08T08:00:00Z', 2),
        row('alpha', ALICE, 'ready', '2026-12-07T10:00:00Z', 1),
        row('x<script>', '<img src=x onerror=alert(1)>', 'ready', null, null),
      ],
      warnings: [],
    }),
    document: async (name) => {
      if (name === 'missing') throw new CliError('instance "missing" is not in the config nor in a record', 1);
      return doc(name, name === 'alpha' ? ALICE : 'bob@example.org');
    },
    checks: async () => ({
      seeds: [{ name: 'seed-postgresql-demo', release: 'seed-postgresql-demo', outcome: 'succeeded' }],
      tests: [],
    }),
    spec: async (name) => doc(name, name === 'alpha' ? ALICE : 'bob@example.org').spec,
    extend: async (name, ttl, actor) => {
      const hours = parseTtlHours(ttl, '--ttl');
      calls.push(`extend ${name} ${hours} by ${actor.name} via ${actor.from}`);
    },
    stop: async (name, actor) => void calls.push(`stop ${name} by ${actor.name}`),
    start: async (name, actor) => void calls.push(`start ${name} by ${actor.name}`),
    destroy: async (name, actor) => void calls.push(`destroy ${name} by ${actor.name}`),
    create: async (form, actor) => {
      if (!/^[a-z0-9-]+$/.test(form.name))
        throw new CliError(`<name>: "${form.name}" must be a DNS label (lower-case letters, digits and dashes)`);
      calls.push(`create ${form.name} from ${form.template} by ${actor.name}`);
    },
    clusters: () => ['lab'],
    configText: () => 'templates:\n  - name: preview\n    blocks: [postgresql]\n    ttlHours: 2\n',
  };
  return { ops, calls };
}

const PROXY: SignIn = { kind: 'proxy' };

function setup(signIn: SignIn = PROXY, origins?: string[]) {
  const { ops, calls } = fakeOps();
  const app = webApp({
    operations: ops,
    signIn,
    ...(origins ? { origins } : {}),
    web: { auth: { proxy: {} }, admins: ['root@example.org'] },
    now: () => NOW,
  });
  /** A browser of one user: keeps the session cookie, sends the proxy's header from the proxy's address. */
  const browser = (user: string | undefined, address = '127.0.0.1') => {
    let cookie = '';
    const request = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      if (user) headers.set('X-Forwarded-Email', user);
      if (cookie) headers.set('Cookie', cookie);
      const res = await app.request(path, { ...init, headers }, { incoming: { socket: { remoteAddress: address } } });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0];
      return res;
    };
    return {
      get: request,
      async csrf(): Promise<string> {
        const text = await (await request('/create')).text();
        return /name="_csrf" value="([^"]+)"/.exec(text)![1];
      },
      async post(path: string, fields: Record<string, string>, origin = 'http://localhost') {
        return request(path, {
          method: 'POST',
          body: new URLSearchParams(fields),
          headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        });
      },
    };
  };
  return { app, calls, browser };
}

describe('sandboxkit serve: the pages', () => {
  it('lists every instance with relative expiry and cost, escaping what owners wrote', async () => {
    const res = await setup().browser(ALICE).get('/');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/3 of 3 instances;\s+estimated 3.00 USD a day at most/);
    expect(text).toMatch(/<time datetime="2026-12-07T10:00:00Z"[^>]*>in 2h 0m<\/time>/);
    expect(text).not.toContain('<img src=x');
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(text).toContain('href="/instances/x%3Cscript%3E"');
  });

  it('filters by owner and sorts by expiry, latest first', async () => {
    const text = await (await setup().browser(ALICE).get('/?owner=bob%40example.org')).text();
    expect(text).toContain('1 of 3 instances');
    const sorted = await (await setup().browser(ALICE).get('/?sort=expires&dir=desc')).text();
    const order = [...sorted.matchAll(/href="\/instances\/([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['x%3Cscript%3E', 'beta', 'alpha']);
    expect(sorted).toMatch(/aria-sort="descending"[\s\S]*?Expires/);
  });

  it("shows an instance's URLs, pods, seeds, mocks, last error and history; no javascript: link", async () => {
    const text = await (await setup().browser(ALICE).get('/instances/alpha')).text();
    expect(text).toContain('href="https://keycloak.alpha.sandbox.test"');
    expect(text).not.toContain('javascript:');
    expect(text).toContain('2 of 3');
    expect(text).toContain('keycloak-0: ContainersNotReady');
    expect(text).toContain('seed-postgresql-demo');
    expect(text).toContain('kubectl -n alpha port-forward svc/mock-email 8025');
    expect(text).toContain('apply failed: &lt;b&gt;quota&lt;/b&gt;');
    expect(text).toContain('you own this instance');
  });

  it('says when an instance is not found, with the CLI message', async () => {
    const res = await setup().browser(ALICE).get('/instances/missing');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('instance &quot;missing&quot; is not in the config nor in a record');
  });

  it('answers 404 for a name no instance can have, before any lifecycle function sees it', async () => {
    const s = setup();
    const alice = s.browser(ALICE);
    const res = await alice.get('/instances/..%2F..%2Fetc');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('there is no instance named &quot;../../etc&quot;');
    expect((await alice.post('/instances/Alpha/stop', { _csrf: await alice.csrf() })).status).toBe(404);
    expect(s.calls).toEqual([]);
  });

  it('offers no action to another user, and says who may', async () => {
    const text = await (await setup().browser('bob@example.org').get('/instances/alpha')).text();
    expect(text).toContain(
      'you are signed in as bob@example.org; only its owner alice@example.org and platform admins may change this instance',
    );
    expect(text).not.toContain('/confirm');
  });
});

describe('sandboxkit serve: sign-in', () => {
  it('refuses a request without the proxy header, and one from an address other than the proxy', async () => {
    const s = setup();
    expect((await s.browser(undefined).get('/')).status).toBe(401);
    const res = await s.browser(ALICE, '192.0.2.7').get('/');
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('192.0.2.7 is not one of its addresses');
  });

  it('serves the local user without any header in local mode', async () => {
    const s = setup({ kind: 'local', user: { name: 'me', groups: [] } });
    const text = await (await s.browser(undefined).get('/')).text();
    expect(text).toContain('no sign-in configured: served on 127.0.0.1 only');
  });
});

describe('sandboxkit serve: actions', () => {
  it('stops an instance for its owner through the lifecycle function, as that user', async () => {
    const s = setup();
    const alice = s.browser(ALICE);
    const res = await alice.post('/instances/alpha/stop', { _csrf: await alice.csrf() });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/instances/alpha?done=stop');
    expect(s.calls).toEqual([`stop alpha by ${ALICE}`]);
  });

  it("refuses another owner's instance, whatever they post", async () => {
    const s = setup();
    const bob = s.browser('bob@example.org');
    for (const action of ['extend', 'stop', 'start', 'destroy']) {
      const res = await bob.post(`/instances/alpha/${action}`, {
        _csrf: await bob.csrf(),
        ttl: '8h',
        confirm: 'alpha',
      });
      expect(res.status).toBe(403);
    }
    expect((await bob.get('/instances/alpha/confirm?action=destroy')).status).toBe(403);
    expect(s.calls).toEqual([]);
  });

  it('refuses a form larger than any the pages send', async () => {
    const s = setup();
    const alice = s.browser(ALICE);
    const res = await alice.post('/instances/alpha/extend', { _csrf: await alice.csrf(), ttl: 'x'.repeat(100_000) });
    expect(res.status).toBe(413);
    expect(s.calls).toEqual([]);
  });

  it('lets a platform admin act on any instance', async () => {
    const s = setup();
    const root = s.browser('root@example.org');
    expect((await root.post('/instances/alpha/start', { _csrf: await root.csrf() })).status).toBe(303);
    expect(s.calls).toEqual(['start alpha by root@example.org']);
  });

  it('refuses a post without the CSRF token of the session, or from another origin', async () => {
    const s = setup();
    const alice = s.browser(ALICE);
    expect((await alice.post('/instances/alpha/stop', { _csrf: 'forged' })).status).toBe(403);
    const other = s.browser(ALICE);
    const token = await alice.csrf();
    await other.get('/');
    expect((await other.post('/instances/alpha/stop', { _csrf: token })).status).toBe(403);
    expect(
      (await alice.post('/instances/alpha/stop', { _csrf: await alice.csrf() }, 'https://evil.example')).status,
    ).toBe(403);
    expect(s.calls).toEqual([]);
  });

  it('accepts forms from the external URL of the config only, when it is set (a TLS-terminating proxy in front)', async () => {
    const s = setup(PROXY, ['https://sandboxes.example.org']);
    const alice = s.browser(ALICE);
    expect((await alice.post('/instances/alpha/stop', { _csrf: await alice.csrf() })).status).toBe(403);
    const res = await alice.post(
      '/instances/alpha/stop',
      { _csrf: await alice.csrf() },
      'https://sandboxes.example.org',
    );
    expect(res.status).toBe(303);
    expect(s.calls).toEqual([`stop alpha by ${ALICE}`]);
  });

  it('extends with the TTL the form says, and shows the CLI error for a bad one', async () => {
    const s = setup();
    const alice = s.browser(ALICE);
    expect((await alice.post('/instances/alpha/extend', { _csrf: await alice.csrf(), ttl: '2d' })).status).toBe(303);
    expect(s.calls).toEqual([`extend alpha 48 by ${ALICE} via sandboxkit serve`]);
    const bad = await alice.post('/instances/alpha/extend', { _csrf: await alice.csrf(), ttl: '9000h' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('--ttl must be between 1h and 720h (30 days), got 9000h');
  });

  it('destroys only when the name is typed to confirm', async () => {
    const s = setup();
    const alice = s.browser(ALICE);
    const wrong = await alice.post('/instances/alpha/destroy', { _csrf: await alice.csrf(), confirm: 'alph' });
    expect(wrong.status).toBe(400);
    expect(s.calls).toEqual([]);
    const res = await alice.post('/instances/alpha/destroy', { _csrf: await alice.csrf(), confirm: 'alpha' });
    expect(res.headers.get('location')).toBe('/?done=destroy&name=alpha');
    expect(s.calls).toEqual([`destroy alpha by ${ALICE}`]);
  });

  it('creates from a template as the signed-in user, and keeps the form with the CLI error', async () => {
    const s = setup();
    const alice = s.browser(ALICE);
    const page = await (await alice.get('/create')).text();
    expect(page).toContain('value="preview"');
    expect(page).toContain('blocks: postgresql');
    const bad = await alice.post('/create', { _csrf: await alice.csrf(), name: 'Bad_Name', template: 'preview' });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('&lt;name&gt;: &quot;Bad_Name&quot; must be a DNS label');
    expect(text).toContain('value="Bad_Name"');
    const ok = await alice.post('/create', { _csrf: await alice.csrf(), name: 'mine', template: 'preview' });
    expect(ok.headers.get('location')).toBe('/instances/mine?done=create');
    expect(s.calls).toEqual([`create mine from preview by ${ALICE}`]);
  });
});
