import { spawn } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { createServer, type IncomingMessage, type Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';
import { tempDir } from '../fixtures';

/*
 * charts/seed-data's HTTP loader, run with curl against a server on 127.0.0.1 that answers as Keycloak's token
 * endpoint and admin REST API do (simulated: no Keycloak runs here). It shows what the script sends: a password
 * grant, then every request with the access token, and nothing once the marker answers 200.
 */

const SCRIPT = join(__dirname, '..', '..', 'charts', 'seed-data', 'files', 'load-http.sh');
const PASSWORD = 'generated-admin-password';
const TOKEN = 'eyJ-access-token';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly body: string;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => done(text));
  });
}

/** Keycloak's answers for the paths the keycloak `demo` dataset uses; `realms` holds the created realms. */
function keycloak(seen: Seen[], realms: Set<string>): Server {
  return createServer(async (req, res) => {
    const text = await body(req);
    const path = req.url ?? '/';
    seen.push({ method: req.method!, path, authorization: req.headers.authorization, body: text });
    const authorized = req.headers.authorization === `Bearer ${TOKEN}`;
    if (path === '/realms/master/protocol/openid-connect/token' && req.method === 'POST') {
      const form = new URLSearchParams(text);
      const ok =
        form.get('grant_type') === 'password' &&
        form.get('client_id') === 'admin-cli' &&
        form.get('username') === 'admin' &&
        form.get('password') === PASSWORD;
      res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
      return res.end(ok ? JSON.stringify({ access_token: TOKEN, expires_in: 60 }) : '{"error":"invalid_grant"}');
    }
    if (path.startsWith('/admin/')) {
      if (!authorized) return res.writeHead(401).end();
      if (path === '/admin/realms' && req.method === 'POST') {
        realms.add(JSON.parse(text).realm);
        return res.writeHead(201).end();
      }
      const realm = /^\/admin\/realms\/([^/]+)$/.exec(path)?.[1];
      return res.writeHead(realm && realms.has(realm) ? 200 : 404).end();
    }
    return res.writeHead(200).end();
  });
}

function load(url: string, password: string): Promise<{ code: number; out: string }> {
  const dir = tempDir('seed-http-');
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'realms.json'), '{"realm":"sandbox","enabled":true}');
  writeFileSync(join(dir, 'password'), password);
  const env = {
    PATH: process.env.PATH,
    DATASET: 'demo',
    WAIT_SECONDS: '10',
    TARGET_URL: url,
    TARGET_PATH: '/admin',
    TARGET_METHOD: 'POST',
    MARKER_PATH: '/admin/realms/sandbox',
    TOKEN_PATH: '/realms/master/protocol/openid-connect/token',
    TOKEN_CLIENT_ID: 'admin-cli',
    TOKEN_USERNAME: 'admin',
    TOKEN_PASSWORD_FILE: join(dir, 'password'),
    DATA_DIR: join(dir, 'data'),
  };
  return new Promise((done) => {
    const child = spawn('sh', [SCRIPT], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => done({ code: code ?? 1, out }));
  });
}

describe('seed-data HTTP fixtures with an access token', () => {
  const seen: Seen[] = [];
  const realms = new Set<string>();
  const server = keycloak(seen, realms);
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((closed) => server.close(() => closed())));
  beforeEach(() => (seen.length = 0));

  it('gets a token with a password grant, then creates the realm through the admin API with it', async () => {
    const run = await load(url, PASSWORD);
    expect(run).toEqual({ code: 0, out: expect.stringContaining('seed: dataset demo loaded') });
    expect(seen.filter((s) => s.path !== '/').map((s) => [s.method, s.path, s.authorization])).toEqual([
      ['POST', '/realms/master/protocol/openid-connect/token', undefined],
      ['GET', '/admin/realms/sandbox', `Bearer ${TOKEN}`],
      ['POST', '/admin/realms', `Bearer ${TOKEN}`],
    ]);
    expect([...realms]).toEqual(['sandbox']);
  });

  it('sends nothing more once the realm exists', async () => {
    const run = await load(url, PASSWORD);
    expect(run).toEqual({ code: 0, out: expect.stringContaining('seed: dataset demo already loaded') });
    expect(seen.filter((s) => s.method === 'POST' && s.path === '/admin/realms')).toEqual([]);
  });

  it('fails, sending no fixture, when the grant is refused', async () => {
    const run = await load(url, 'wrong');
    expect(run.code).not.toBe(0);
    expect(seen.filter((s) => s.path.startsWith('/admin/'))).toEqual([]);
  });
});
