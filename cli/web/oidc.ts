import type { WebOidcAuthConfig } from '../../config/types';
import { CliError, EXIT } from '../io';
import type { Sessions } from './session';

/** Signing in with OpenID Connect: the authorization code flow with PKCE, state and nonce, via openid-client. */
export interface OidcSignIn {
  /** Starts a sign-in for the session: the issuer's authorization URL to send the browser to. */
  start(sessions: Sessions, sid: string, returnTo: string): Promise<string>;
  /** Completes it from the callback URL: the session gets its user; returns the page to go back to. */
  finish(sessions: Sessions, sid: string, callback: URL): Promise<string>;
}

const CALLBACK = '/auth/callback';

/** A path of this site only, so that the sign-in cannot be made to redirect elsewhere. */
const localPath = (p: string) => (/^\/(?![/\\])/.test(p) ? p : '/');

/**
 * Reads the issuer's discovery document (at start, so that a wrong issuer fails `sandboxkit serve` at once). The
 * client secret comes from the environment variable the config names; it is never written anywhere.
 */
export async function oidcSignIn(
  config: WebOidcAuthConfig,
  externalUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<OidcSignIn> {
  const secret = config.clientSecretEnv ? env[config.clientSecretEnv] : undefined;
  if (config.clientSecretEnv && !secret)
    throw new CliError(
      `web.auth.oidc.clientSecretEnv names ${config.clientSecretEnv}, which is not set: export the client secret in it`,
      EXIT.usage,
    );
  const client = await import('openid-client');
  let server;
  try {
    server = await client.discovery(
      new URL(config.issuer),
      config.clientId,
      secret,
      secret ? undefined : client.None(),
    );
  } catch (err) {
    throw new CliError(
      `web.auth.oidc.issuer ${config.issuer}: its discovery document could not be read (${(err as Error).message})`,
      EXIT.failed,
    );
  }
  const redirectUri = new URL(CALLBACK, externalUrl).toString();
  const userClaim = config.userClaim ?? 'email';
  const groupsClaim = config.groupsClaim ?? 'groups';
  return {
    async start(sessions, sid, returnTo) {
      const session = sessions.get(sid);
      if (!session) throw new Error('no session');
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      session.login = { verifier, state, nonce, returnTo: localPath(returnTo) };
      return client
        .buildAuthorizationUrl(server, {
          redirect_uri: redirectUri,
          scope: `openid email profile${groupsClaim === 'groups' ? ' groups' : ''}`,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        })
        .toString();
    },
    async finish(sessions, sid, callback) {
      const session = sessions.get(sid);
      if (!session?.login) throw new Error('no sign-in was started in this browser session');
      const { verifier, state, nonce, returnTo } = session.login;
      session.login = undefined;
      const current = new URL(`${callback.pathname}${callback.search}`, externalUrl);
      const tokens = await client
        .authorizationCodeGrant(server, current, {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        })
        .catch((err: Error & { error?: string; error_description?: string }) => {
          // The issuer's own reason (invalid_client, invalid_grant, ...) says what to fix.
          throw new Error(
            err.error
              ? `${err.message}: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`
              : err.message,
          );
        });
      const claims: Record<string, unknown> = tokens.claims() ?? {};
      const name = claims[userClaim];
      if (typeof name !== 'string' || !name) throw new Error(`the ID token has no ${userClaim} claim`);
      const groups = claims[groupsClaim];
      session.user = {
        name,
        groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
      };
      return returnTo;
    },
  };
}
