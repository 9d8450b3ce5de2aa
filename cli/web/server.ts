import type { AddressInfo } from 'net';
import { serve } from '@hono/node-server';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { currentActor } from '../lifecycle/actor';
import { webApp, type SignIn } from './app';
import { oidcSignIn } from './oidc';
import { cliOperations } from './operations';

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * How users sign in, from the config's `web.auth`. With neither a proxy nor an issuer, the user is whoever runs the
 * command (as for the CLI), and the page is served on the loopback address only.
 */
async function signInOf(ctx: CliContext, host: string): Promise<{ signIn: SignIn; says: string }> {
  const web = ctx.store.read().web;
  const auth = web?.auth;
  if (auth?.proxy)
    return {
      signIn: { kind: 'proxy' },
      says: `users signed in by the proxy at ${(auth.proxy.trustedAddresses ?? ['127.0.0.1', '::1']).join(', ')} (header ${auth.proxy.userHeader ?? 'X-Forwarded-Email'})`,
    };
  if (auth?.oidc)
    return {
      signIn: { kind: 'oidc', oidc: await oidcSignIn(auth.oidc, web!.externalUrl!, ctx.io.env) },
      says: `users signed in with OpenID Connect at ${auth.oidc.issuer}`,
    };
  if (!LOOPBACK.has(host))
    throw new CliError(
      `--host ${host}: without web.auth in the config (a sign-in proxy or an OIDC issuer) the page is served on 127.0.0.1 only, since nobody signs in; see docs/guides/web.md`,
      EXIT.usage,
    );
  const actor = await currentActor(ctx);
  return {
    signIn: { kind: 'local', user: { name: actor.name, groups: [] } },
    says: `no sign-in configured (web.auth): only this machine can reach the page, and everyone on it acts as ${actor.name} (${actor.from})`,
  };
}

/** `sandboxkit serve`: serves the pages until interrupted (Ctrl-C or SIGTERM); actions in flight finish first. */
export async function serveCommand(ctx: CliContext, o: ServeOptions): Promise<number> {
  const config = ctx.store.read();
  const { signIn, says } = await signInOf(ctx, o.host);
  const host = signIn.kind === 'local' ? '127.0.0.1' : o.host;
  const external = config.web?.externalUrl ? new URL(config.web.externalUrl) : undefined;
  const app = webApp({
    operations: cliOperations(ctx),
    signIn,
    web: config.web,
    ...(external ? { origins: [external.origin], secureCookie: external.protocol === 'https:' } : {}),
    now: () => ctx.io.now(),
    log: (line) => ctx.io.err(`serve: ${line}`),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: o.port }, () => resolve(s));
    s.once('error', (err) =>
      reject(new CliError(`cannot listen on ${host}:${o.port}: ${(err as Error).message}`, EXIT.failed)),
    );
  });
  // An action runs Terraform for minutes; the request waits for it.
  (server as unknown as { requestTimeout: number }).requestTimeout = 0;
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  ctx.io.out(`serving http://${shown}:${address.port}/`);
  ctx.io.out(`sign-in: ${says}`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return EXIT.ok;
}
