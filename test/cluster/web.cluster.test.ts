import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { createServer as createNetServer, type AddressInfo } from 'net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { stringify } from 'yaml';
import {
  chartMirror,
  exec,
  exists,
  items,
  kubectlJson,
  ROOT,
  suiteCluster,
  suiteWorkspace,
  tempDir,
  terraform,
  TEST_CLUSTER,
  waitFor,
} from './kube';
import { startIssuer } from './oidc-issuer';

/**
 * `sandboxkit serve` in Debian's Chromium, driven by Playwright, on a real API server: a tester creates an instance
 * from a template, finds it in the list, opens it and follows its URL, extends, stops, starts and destroys it;
 * another user sees it and is refused every action. Users sign in through the proxy header (as oauth2-proxy passes
 * it), sent by the browser from 127.0.0.1, the proxy's address in the config. Screenshots of each page go to
 * $SANDBOXKIT_SCREENSHOTS (docs/images for the guide), else to a temporary folder.
 */
const { work, configFile, outdir, stackDir, cli, synth } = suiteWorkspace('sandboxkit-web-');
const CLUSTER = 'web';
const DOMAIN = 'sandbox.test';
const NAME = 'web-demo';
const ALICE = 'alice@example.org';
const BOB = 'bob@example.org';
const CAROL = 'carol@example.org';
const CHROMIUM = process.env.SANDBOXKIT_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.SANDBOXKIT_SCREENSHOTS
  ? join(ROOT, process.env.SANDBOXKIT_SCREENSHOTS)
  : tempDir('web-shots-');
/** Terraform applies behind a form post: the page answers when the action is done. */
const ACTION_TIMEOUT = 10 * 60_000;

let server: ChildProcess | undefined;
let oidcServer: ChildProcess | undefined;
let base = '';
let serverLog = () => '';
let browser: Browser | undefined;
let alice: BrowserContext;
let bob: BrowserContext;

/** The suite's config, with the `web` key given. */
const config = (web: Record<string, unknown>) => ({
  state: { backend: 'local', directory: 'state' },
  clusters: [{ ...suiteCluster(CLUSTER, DOMAIN), platform: { chartMirror: chartMirror() } }],
  templates: [
    {
      name: 'preview',
      description: 'Keycloak on PostgreSQL with demo users, and an inbox',
      blocks: ['postgresql', 'keycloak'],
      mocks: ['email'],
      datasets: [{ block: 'postgresql', variant: 'minimal' }],
      ttlHours: 2,
    },
  ],
  web,
});
const annotations = (): Record<string, string> => kubectlJson('get', 'namespace', NAME).metadata.annotations ?? {};
const replicas = () =>
  [...items('deployments', '-n', NAME), ...items('statefulsets', '-n', NAME)].map((w) => w.spec.replicas);
const recordFile = join(work, 'state', `instance-${NAME}.sandboxkit.json`);
const record = () => JSON.parse(readFileSync(recordFile, 'utf8'));

/** Starts `sandboxkit serve` on 127.0.0.1 for `config`; resolves with its address once it listens. */
function startServer(
  config: string,
  port = 0,
  env: NodeJS.ProcessEnv = {},
): Promise<{ base: string; child: ChildProcess; log: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'node',
      [join(ROOT, 'dist', 'cli', 'main.js'), 'serve', '--port', String(port), '--config', config, '--out', outdir],
      { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
    );
    let log = '';
    const seen = (d: Buffer) => {
      log += d.toString();
      const m = /^serving (http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(log);
      if (m) resolve({ base: m[1], child, log: () => log });
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => reject(new Error(`sandboxkit serve exited ${code}:\n${log}`)));
  });
}

/** A port nobody listens on now, for a server that must know its own address before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function context(user: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const c = await browser!.newContext({ extraHTTPHeaders: { 'X-Forwarded-Email': user }, ...options });
  c.setDefaultTimeout(30_000);
  c.setDefaultNavigationTimeout(ACTION_TIMEOUT);
  return c;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `web-${name}.png`), fullPage: true });

/** Submits the form of `button` and waits for the page the post ends on (Terraform may run meanwhile). */
async function submit(page: Page, button: string): Promise<void> {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST', { timeout: ACTION_TIMEOUT });
  await page.getByRole('button', { name: button, exact: true }).click({ timeout: ACTION_TIMEOUT });
  await posted;
  await page.waitForLoadState();
}

/** Presses Tab until the element named `name` has the focus: what a keyboard user does. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate('document.activeElement?.textContent?.trim()')) === name) return;
  }
  throw new Error(`"${name}" is not reachable with the Tab key`);
}

/**
 * WCAG 2 A and AA problems axe-core finds on the page at `url` (labels, contrast, names, structure), seen as alice.
 * The page's Content-Security-Policy refuses any script, so the audit runs in a context that bypasses it.
 */
async function accessibilityProblems(url: string): Promise<string[]> {
  const auditor = await context(ALICE, { bypassCSP: true });
  try {
    const page = await auditor.newPage();
    await page.goto(url);
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const result: any = await page.evaluate(
      "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } })",
    );
    return result.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
  } finally {
    await auditor.close();
  }
}

describe(`sandboxkit serve in a real browser (${TEST_CLUSTER})`, () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} does not exist: install Debian's chromium (scripts/install-browser.sh)`);
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(
      configFile,
      stringify(config({ auth: { proxy: { trustedAddresses: ['127.0.0.1'] } }, admins: ['platform@example.org'] })),
    );
    synth();
    terraform(stackDir(`platform-${CLUSTER}`), 'init', '-input=false', '-no-color');
    terraform(stackDir(`platform-${CLUSTER}`), 'apply', '-auto-approve', '-input=false', '-no-color');
    const started = await startServer(configFile);
    server = started.child;
    base = started.base;
    serverLog = started.log;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    alice = await context(ALICE);
    bob = await context(BOB);
  });

  // Runs whatever failed before: the instance, the platform, the server and the browser are removed.
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    server?.kill('SIGTERM');
    oidcServer?.kill('SIGTERM');
    if (exists('namespace', NAME) || existsSync(recordFile)) cli('instance', 'destroy', NAME, '--yes');
    if (existsSync(join(stackDir(`platform-${CLUSTER}`), '.terraform')))
      exec('terraform', ['destroy', '-auto-approve', '-input=false', '-no-color'], {
        cwd: stackDir(`platform-${CLUSTER}`),
        env: { ...process.env, TF_IN_AUTOMATION: '1' },
      });
  }, 900_000);

  it('creates an instance from a template, owned by the user signed in', async () => {
    const page = await alice.newPage();
    await page.goto(`${base}/create`);
    expect(await page.getByText(/blocks: postgresql, keycloak/).count()).toBe(1);
    await page.getByLabel('Name').fill(NAME);
    await page.getByLabel('preview').check();
    await shot(page, 'create');
    await submit(page, 'Create');
    expect(new URL(page.url()).pathname).toBe(`/instances/${NAME}`);
    expect(await page.getByRole('status').textContent()).toContain(`Created ${NAME}.`);
    expect(await page.locator('#phase').textContent()).toBe('ready');
    const ns = kubectlJson('get', 'namespace', NAME);
    expect(ns.metadata.labels['sandbox.dev/instance']).toBe(NAME);
    expect(record()).toMatchObject({ spec: { owner: ALICE }, status: { phase: 'ready', template: 'preview' } });
    expect(record().history).toEqual([expect.objectContaining({ by: ALICE, action: 'create', outcome: 'succeeded' })]);
  });

  it('lists it with its owner and status, expiry as relative time and cost; filters and sorts', async () => {
    const page = await alice.newPage();
    await page.goto(base);
    await page.getByLabel('Owner').selectOption(ALICE);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/owner=alice/);
    const row = page.getByRole('row', { name: new RegExp(NAME) });
    expect(await row.textContent()).toMatch(/alice@example\.org[\s\S]*ready[\s\S]*in (1h \d+m|2h 0m)/);
    await page.getByRole('link', { name: 'Expires (sort)' }).click();
    expect(await page.locator('th[aria-sort=ascending]').textContent()).toContain('Expires');
    expect(await accessibilityProblems(page.url())).toEqual([]);
    await shot(page, 'list');
  });

  it('opens the instance: its URL is the one the cluster routes, and the browser follows it', async () => {
    const page = await alice.newPage();
    await page.goto(base);
    await page.getByRole('link', { name: NAME, exact: true }).click();
    const url = `https://keycloak.${NAME}.${DOMAIN}`;
    const hostnames = items('httproutes', '-n', NAME).flatMap((r) => r.spec.hostnames ?? []);
    expect(hostnames).toContain(`keycloak.${NAME}.${DOMAIN}`);
    expect(await page.locator('#pods').textContent()).toMatch(/^(\d+) of \1$/);
    expect(await page.getByRole('table', { name: 'Seed jobs' }).textContent()).toMatch(
      /seed-postgresql-minimal[\s\S]*succeeded/,
    );
    expect(await page.getByRole('link', { name: 'Mailpit inbox' }).getAttribute('href')).toBe('http://localhost:8025/');
    expect(await accessibilityProblems(page.url())).toEqual([]);
    await shot(page, 'instance');
    // No gateway proxy runs on kwok nodes: a stand-in answers for the instance's host, so that the link is followed.
    await page.route(`${url}/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<title>keycloak stand-in</title>' }),
    );
    await page.getByRole('link', { name: url }).click();
    await page.waitForURL(`${url}/`);
    expect(await page.title()).toBe('keycloak stand-in');
  });

  it('shows the instance to another user, and refuses them every action, even a forged post', async () => {
    const page = await bob.newPage();
    await page.goto(`${base}/instances/${NAME}`);
    expect(await page.locator('#not-allowed').textContent()).toContain(
      `you are signed in as ${BOB}; only its owner ${ALICE} and platform admins may change this instance`,
    );
    expect(await page.getByRole('button', { name: /Stop|Destroy|Extend/ }).count()).toBe(0);
    await shot(page, 'refused');
    expect((await page.goto(`${base}/instances/${NAME}/confirm?action=destroy`))!.status()).toBe(403);
    await page.goto(`${base}/create`);
    const token = await page.locator('input[name=_csrf]').first().getAttribute('value');
    for (const action of ['stop', 'destroy']) {
      const res = await bob.request.post(`${base}/instances/${NAME}/${action}`, {
        form: { _csrf: token!, confirm: NAME },
        headers: { Origin: base },
      });
      expect(res.status()).toBe(403);
    }
    expect(annotations()['sandbox.dev/stopped']).toBeUndefined();
    expect(exists('namespace', NAME)).toBe(true);
    expect(record().history).toHaveLength(1);
  });

  it('extends the instance after a confirmation: the namespace and the page say the new expiry', async () => {
    const before = Date.parse(annotations()['sandbox.dev/expires-at']);
    const page = await alice.newPage();
    await page.goto(`${base}/instances/${NAME}`);
    await page.getByLabel('New lifetime from now').fill('8h');
    await page.getByRole('button', { name: 'Extend…' }).click();
    expect(await page.getByRole('heading').textContent()).toBe(`Extend ${NAME}?`);
    expect(await accessibilityProblems(page.url())).toEqual([]);
    await shot(page, 'confirm-extend');
    await submit(page, `Extend ${NAME}`);
    expect(await page.getByRole('status').textContent()).toContain(`Extended ${NAME}.`);
    const after = annotations()['sandbox.dev/expires-at'];
    expect(Date.parse(after)).toBeGreaterThan(before + 5 * 3600_000);
    expect(await page.locator('#expires').textContent()).toContain(after);
    expect(record().history.at(-1)).toMatchObject({ by: ALICE, action: 'extend', outcome: 'succeeded' });
  });

  it('stops it with the keyboard alone: every workload at zero, the page says stopped', async () => {
    const page = await alice.newPage();
    await page.goto(`${base}/instances/${NAME}`);
    await tabTo(page, 'Stop…');
    await page.keyboard.press('Enter');
    await page.waitForURL(/confirm\?action=stop/);
    await tabTo(page, `Stop ${NAME}`);
    const posted = page.waitForResponse((r) => r.request().method() === 'POST', { timeout: ACTION_TIMEOUT });
    await page.keyboard.press('Enter');
    await posted;
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toContain(`Stopped ${NAME}.`);
    expect(await page.locator('#phase').textContent()).toBe('stopped');
    expect(replicas().every((n) => n === 0)).toBe(true);
    expect(annotations()['sandbox.dev/stopped']).toBeDefined();
  });

  it('starts it again: the replicas it had, and the page says ready once the pods are', async () => {
    const page = await alice.newPage();
    await page.goto(`${base}/instances/${NAME}`);
    await page.getByRole('button', { name: 'Start…' }).click();
    await submit(page, `Start ${NAME}`);
    expect(await page.getByRole('status').textContent()).toContain(`Started ${NAME}.`);
    expect(replicas().every((n) => n > 0)).toBe(true);
    expect(annotations()['sandbox.dev/stopped']).toBeUndefined();
    for (let i = 0; i < 90 && (await page.locator('#phase').textContent()) !== 'ready'; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      await page.reload();
    }
    expect(await page.locator('#phase').textContent()).toBe('ready');
  });

  it('signs in with OpenID Connect, and lets a member of an admin group act on any instance', async () => {
    const secret = randomBytes(16).toString('hex');
    const issuer = await startIssuer('sandboxkit', secret, { email: CAROL, groups: ['sandbox-admins'] });
    try {
      const port = await freePort();
      const oidcConfig = join(work, 'oidc.yaml');
      writeFileSync(
        oidcConfig,
        stringify(
          config({
            externalUrl: `http://127.0.0.1:${port}`,
            auth: { oidc: { issuer: issuer.url, clientId: 'sandboxkit', clientSecretEnv: 'WEB_TEST_OIDC_SECRET' } },
            adminGroups: ['sandbox-admins'],
          }),
        ),
      );
      const started = await startServer(oidcConfig, port, {
        NODE_EXTRA_CA_CERTS: issuer.caFile,
        WEB_TEST_OIDC_SECRET: secret,
      });
      oidcServer = started.child;
      const unsigned = await fetch(`${started.base}/instances/${NAME}`, {
        redirect: 'manual',
        headers: { 'X-Forwarded-Email': ALICE },
      });
      expect(unsigned.status).toBe(302);
      expect(unsigned.headers.get('location')).toBe(`/auth/login?returnTo=%2Finstances%2F${NAME}`);
      const carol = await browser!.newContext({ ignoreHTTPSErrors: true });
      const page = await carol.newPage();
      const visited: string[] = [];
      page.on('request', (r) => visited.push(new URL(r.url()).origin));
      await page.goto(`${started.base}/instances/${NAME}`);
      expect({ refusals: issuer.refusals, log: started.log() }).toEqual({
        refusals: [],
        log: expect.not.stringContaining('sign-in failed'),
      });
      expect(visited).toContain(issuer.url);
      expect(new URL(page.url()).pathname).toBe(`/instances/${NAME}`);
      expect(await page.locator('header .who').textContent()).toMatch(
        new RegExp(`${CAROL}\\s*\\(signed in with OpenID Connect\\)`),
      );
      expect(await page.getByText('you are a platform admin').count()).toBe(1);
      expect(issuer.refusals).toEqual([]);
      const token = await page.locator('header input[name=_csrf]').getAttribute('value');
      const out = await carol.request.post(`${started.base}/auth/logout`, {
        form: { _csrf: token! },
        headers: { Origin: started.base },
        maxRedirects: 0,
      });
      expect(out.status()).toBe(303);
      const after = await carol.request.get(`${started.base}/instances/${NAME}`, { maxRedirects: 0 });
      expect(after.headers()['location']).toMatch(/^\/auth\/login/);
      await carol.close();
    } finally {
      oidcServer?.kill('SIGTERM');
      await issuer.close();
    }
  });

  it('is usable on a phone: nothing wider than the screen', async () => {
    const phone = await context(ALICE, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    for (const path of ['/', `/instances/${NAME}`, '/create']) {
      await page.goto(`${base}${path}`);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect({ path, overflow }).toEqual({ path, overflow: 0 });
    }
    await page.goto(`${base}/instances/${NAME}`);
    await shot(page, 'phone');
    await phone.close();
  });

  it('destroys it after the name is typed: the namespace goes, the record keeps who did what and when', async () => {
    const page = await alice.newPage();
    await page.goto(`${base}/instances/${NAME}`);
    await page.getByRole('button', { name: 'Destroy…' }).click();
    await page.getByLabel('Type the instance name to confirm').fill(NAME);
    await shot(page, 'confirm-destroy');
    await submit(page, `Destroy ${NAME}`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByRole('status').textContent()).toContain(`Destroyed ${NAME}.`);
    await waitFor(`namespace ${NAME} to be gone`, 300, () => !exists('namespace', NAME));
    const r = record();
    expect(r.status.phase).toBe('gone');
    expect(r.history.map((h: any) => `${h.by} ${h.action} ${h.outcome}`)).toEqual(
      ['create', 'extend', 'stop', 'start', 'destroy'].map((a) => `${ALICE} ${a} succeeded`),
    );
    for (const h of r.history) expect(Date.parse(h.at)).not.toBeNaN();
    expect(serverLog()).toContain(`refused stop ${NAME} to ${BOB}`);
  });
});
