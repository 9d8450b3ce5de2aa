import { createHash, generateKeyPairSync, randomBytes, sign } from 'crypto';
import { readFileSync } from 'fs';
import { createServer, type Server } from 'https';
import type { AddressInfo } from 'net';
import { join } from 'path';
import { must, tempDir } from './kube';

/** Who signs in at the test issuer, as its ID token says. */
export interface IssuerUser {
  readonly email: string;
  readonly groups: readonly string[];
}

export interface TestIssuer {
  readonly url: string;
  /** The issuer's certificate (self-signed for 127.0.0.1), for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** Token requests refused, and why: a wrong client secret, code or PKCE verifier. */
  readonly refusals: string[];
  close(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * A minimal OpenID Connect issuer on 127.0.0.1 over TLS: discovery, an authorization endpoint that signs `user` in at
 * once, a token endpoint that checks the client secret, the code and the PKCE verifier, and RS256 ID tokens with the
 * nonce. It stands in for Keycloak or Dex, which cannot run here; the client side (openid-client) is the real one.
 */
export async function startIssuer(clientId: string, clientSecret: string, user: IssuerUser): Promise<TestIssuer> {
  const dir = tempDir('oidc-issuer-');
  must('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const codes = new Map<string, { challenge: string; nonce: string; redirectUri: string }>();
  const refusals: string[] = [];
  let url = '';
  const idToken = (nonce: string) => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' }));
    const claims = { iss: url, sub: user.email, aud: clientId, iat: now, exp: now + 300, nonce, ...user };
    const body = `${header}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${b64url(sign('sha256', Buffer.from(body), privateKey))}`;
  };
  const server: Server = createServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (req, res) => {
      const u = new URL(req.url ?? '/', url);
      const json = (status: number, data: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (u.pathname === '/.well-known/openid-configuration')
        return json(200, {
          issuer: url,
          authorization_endpoint: `${url}/authorize`,
          token_endpoint: `${url}/token`,
          jwks_uri: `${url}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        });
      if (u.pathname === '/jwks')
        return json(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] });
      if (u.pathname === '/authorize') {
        const q = u.searchParams;
        const code = randomBytes(16).toString('hex');
        codes.set(code, {
          challenge: q.get('code_challenge') ?? '',
          nonce: q.get('nonce') ?? '',
          redirectUri: q.get('redirect_uri') ?? '',
        });
        const back = new URL(q.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state') ?? '');
        res.writeHead(302, { Location: back.toString() });
        return res.end();
      }
      if (u.pathname === '/token' && req.method === 'POST') {
        let text = '';
        req.on('data', (d: Buffer) => (text += d.toString()));
        req.on('end', () => {
          const form = new URLSearchParams(text);
          // client_secret_basic or client_secret_post, as the discovery document says.
          const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
            .toString()
            .split(':')
            .map(decodeURIComponent);
          const [id, secret] = req.headers.authorization
            ? basic
            : [form.get('client_id') ?? '', form.get('client_secret') ?? ''];
          const grant = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const problem =
            id !== clientId || secret !== clientSecret
              ? 'client authentication'
              : !grant
                ? 'unknown code'
                : createHash('sha256').update(verifier).digest('base64url') !== grant.challenge
                  ? 'PKCE verifier'
                  : grant.redirectUri !== form.get('redirect_uri')
                    ? 'redirect_uri'
                    : undefined;
          if (problem) {
            refusals.push(problem);
            return json(400, { error: 'invalid_grant', error_description: problem });
          }
          return json(200, {
            access_token: randomBytes(16).toString('hex'),
            token_type: 'Bearer',
            expires_in: 300,
            id_token: idToken(grant!.nonce),
          });
        });
        return undefined;
      }
      res.writeHead(404);
      return res.end();
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    caFile: join(dir, 'cert.pem'),
    refusals,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
