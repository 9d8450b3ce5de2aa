import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getSignedCookie, setSignedCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { WebConfig } from '../../config/types';
import { ConfigError } from '../../config/load';
import { CliError, EXIT } from '../io';
import type { Actor } from '../lifecycle/actor';
import { mayAct, type WebUser } from './access';
import { createPage, templatesOf, type CreateForm } from './create-page';
import { proxyUser } from './identity';
import { ACTIONS, confirmPage, instancePage, type WebAction } from './instance-page';
import { notice, page, STYLE, type Html } from './layout';
import { listPage, listQuery } from './list-page';
import type { OidcSignIn } from './oidc';
import type { WebOperations } from './operations';
import { Sessions } from './session';

/** How users are identified: the local user (127.0.0.1 only), a trusted proxy's headers, or an OIDC session. */
export type SignIn =
  | { readonly kind: 'local'; readonly user: WebUser }
  | { readonly kind: 'proxy' }
  | { readonly kind: 'oidc'; readonly oidc: OidcSignIn };

export interface WebAppOptions {
  readonly operations: WebOperations;
  readonly signIn: SignIn;
  readonly web?: WebConfig;
  readonly sessions?: Sessions;
  /** The page's own origin (scheme://host:port) for the CSRF origin check, when it is not the request's Host. */
  readonly origins?: readonly string[];
  /** Mark the session cookie Secure: the page is reached over https (a TLS terminator in front of it). */
  readonly secureCookie?: boolean;
  readonly now?: () => Date;
  /** Where failures are logged (the server's stderr). */
  readonly log?: (line: string) => void;
}

type Env = { Variables: { user: WebUser; sid: string } };

const COOKIE = 'sandboxkit_session';
/** An instance name: a DNS label (config/schema.ts). */
const INSTANCE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Words the page says after an action; only these are shown, never text from the query string. */
const DONE: Record<string, string> = {
  extend: 'Extended',
  stop: 'Stopped',
  start: 'Started',
  destroy: 'Destroyed',
  create: 'Created',
};

/** The HTTP status for an error of the CLI: bad input 400, anything else that failed 500. */
function statusOf(err: unknown): 400 | 409 | 500 {
  if (err instanceof ConfigError) return 400;
  if (err instanceof CliError) return err.exitCode === EXIT.usage ? 400 : 409;
  return 500;
}

/** The message the CLI prints for an error (without its `sandboxkit: ` prefix). */
const messageOf = (err: unknown) => (err as Error).message;

/**
 * The web application of `sandboxkit serve`: pages over the instances the CLI knows, and the lifecycle actions
 * through the CLI's own functions. Every request is identified first; every form post carries the session's CSRF
 * token and an Origin of the page itself.
 */
export function webApp(o: WebAppOptions): Hono<Env> {
  const sessions = o.sessions ?? new Sessions();
  const now = o.now ?? (() => new Date());
  const log = o.log ?? (() => undefined);
  const ops = o.operations;
  const app = new Hono<Env>();

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
    }),
  );
  // The forms are a few fields; nobody signed in may make the server hold more.
  app.use(bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('the form is too large', 413) }));
  // Form posts from another site are refused by their Origin, before the token is looked at.
  app.use(csrf(o.origins?.length ? { origin: [...o.origins] } : {}));

  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/style.css', (c) => c.body(STYLE, 200, { 'Content-Type': 'text/css; charset=utf-8' }));

  if (o.signIn.kind === 'oidc') {
    const oidc = o.signIn.oidc;
    app.get('/auth/login', async (c) => {
      const sid = await sessionOf(c, sessions, true, o.secureCookie);
      return c.redirect(await oidc.start(sessions, sid, c.req.query('returnTo') ?? '/'), 302);
    });
    app.get('/auth/callback', async (c) => {
      const sid = await sessionOf(c, sessions, false, o.secureCookie);
      try {
        const returnTo = await oidc.finish(sessions, sid, new URL(c.req.url));
        await setSession(c, sessions.rotate(sid), sessions.secret, o.secureCookie);
        return c.redirect(returnTo, 302);
      } catch (err) {
        log(`sign-in failed: ${messageOf(err)}`);
        return c.text(`Sign-in failed: ${messageOf(err)}`, 401);
      }
    });
  }

  // Who is asking: every page needs a user.
  app.use(async (c, next) => {
    const sid = await sessionOf(c, sessions, true, o.secureCookie);
    c.set('sid', sid);
    const signIn = o.signIn;
    if (signIn.kind === 'local') c.set('user', signIn.user);
    else if (signIn.kind === 'proxy') {
      const who = proxyUser((h) => c.req.header(h), getConnInfo(c).remote.address, o.web?.auth?.proxy ?? {});
      if ('refused' in who) return c.text(who.refused, 401);
      c.set('user', who.user);
    } else {
      const user = sessions.get(sid)?.user;
      if (!user) {
        if (c.req.method !== 'GET') return c.text('sign in first', 401);
        return c.redirect(`/auth/login?returnTo=${encodeURIComponent(new URL(c.req.url).pathname)}`, 302);
      }
      c.set('user', user);
    }
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      if (!sessions.csrfValid(sid, form._csrf))
        return render(
          c,
          'Refused',
          notice(
            'error',
            'the form is out of date (its CSRF token does not match your session): reload the page and try again',
          ),
          403,
        );
    }
    await next();
    return undefined;
  });

  if (o.signIn.kind === 'oidc')
    app.post('/auth/logout', (c) => {
      sessions.drop(c.get('sid'));
      return c.redirect('/', 303);
    });

  const frame = (c: Context<Env>, title: string) => ({
    title,
    user: c.get('user'),
    signIn:
      o.signIn.kind === 'local'
        ? 'no sign-in configured: served on 127.0.0.1 only'
        : o.signIn.kind === 'proxy'
          ? 'signed in through the proxy'
          : 'signed in with OpenID Connect',
    signOut: o.signIn.kind === 'oidc',
    csrf: sessions.csrfToken(c.get('sid')),
  });
  const render = (c: Context<Env>, title: string, content: Html, status: 200 | 400 | 403 | 404 | 409 | 500 = 200) =>
    c.html(page(frame(c, title), content), status);
  const actor = (c: Context<Env>): Actor => ({ name: c.get('user').name, from: 'sandboxkit serve' });

  app.get('/', async (c) => {
    const { rows, warnings } = await ops.list();
    const done = c.req.query('done');
    const name = c.req.query('name');
    return render(
      c,
      'Instances',
      html`${done && DONE[done] && name && INSTANCE_NAME.test(name) ? notice('done', `${DONE[done]} ${name}.`) : ''}${listPage(
        rows,
        listQuery((k) => c.req.query(k)),
        now(),
        warnings,
      )}`,
    );
  });

  // Only names an instance can have reach the lifecycle functions (the config schema's DNS label).
  const knownName: MiddlewareHandler<Env> = async (c, next) => {
    const name = c.req.param('name') ?? '';
    if (!INSTANCE_NAME.test(name))
      return render(c, 'Not found', notice('error', `there is no instance named "${name}"`), 404);
    await next();
    return undefined;
  };
  app.use('/instances/:name', knownName);
  app.use('/instances/:name/*', knownName);

  app.get('/instances/:name', async (c) => {
    const name = c.req.param('name');
    let doc;
    try {
      doc = await ops.document(name);
    } catch (err) {
      return render(c, name, notice('error', messageOf(err)), err instanceof CliError ? 404 : 500);
    }
    const done = c.req.query('done');
    return render(
      c,
      name,
      html`${done && DONE[done] ? notice('done', `${DONE[done]} ${name}.`) : ''}${instancePage(doc, await ops.checks(doc), mayAct(c.get('user'), doc.spec, o.web), now())}`,
    );
  });

  app.get('/instances/:name/confirm', async (c) => {
    const name = c.req.param('name');
    const action = ACTIONS.find((a) => a === c.req.query('action'));
    if (!action) return render(c, name, notice('error', `expected one of ${ACTIONS.join(', ')}`), 400);
    let doc;
    try {
      doc = await ops.document(name);
    } catch (err) {
      return render(c, name, notice('error', messageOf(err)), err instanceof CliError ? 404 : 500);
    }
    const decision = mayAct(c.get('user'), doc.spec, o.web);
    if (!decision.allowed) return render(c, name, notice('error', `${decision.reason}.`), 403);
    const ttl = action === 'extend' ? (c.req.query('ttl') ?? '') : undefined;
    return render(c, `${action} ${name}`, confirmPage(doc, action, ttl, sessions.csrfToken(c.get('sid'))));
  });

  app.post('/instances/:name/:action', async (c) => {
    const name = c.req.param('name');
    const action = ACTIONS.find((a) => a === c.req.param('action')) as WebAction | undefined;
    if (!action) return render(c, name, notice('error', `expected one of ${ACTIONS.join(', ')}`), 400);
    const form = await c.req.parseBody();
    const back = html`<p><a href="/instances/${encodeURIComponent(name)}">Back to ${name}</a></p>`;
    let spec;
    try {
      spec = await ops.spec(name);
    } catch (err) {
      return render(c, name, notice('error', messageOf(err)), err instanceof CliError ? 404 : 500);
    }
    const decision = mayAct(c.get('user'), spec, o.web);
    if (!decision.allowed) {
      log(`refused ${action} ${name} to ${c.get('user').name}: not the owner, its group or an admin`);
      return render(c, name, html`${notice('error', `${decision.reason}.`)}${back}`, 403);
    }
    if (action === 'destroy' && form.confirm !== name)
      return render(
        c,
        name,
        html`${notice('error', 'not destroyed: the name typed is not the instance name')}${back}`,
        400,
      );
    try {
      log(`${c.get('user').name}: ${action} ${name}`);
      if (action === 'extend') await ops.extend(name, String(form.ttl ?? ''), actor(c));
      else await ops[action](name, actor(c));
    } catch (err) {
      log(`${action} ${name} failed: ${messageOf(err).split('\n')[0]}`);
      return render(c, name, html`${notice('error', messageOf(err))}${back}`, statusOf(err));
    }
    return c.redirect(
      action === 'destroy'
        ? `/?done=destroy&name=${encodeURIComponent(name)}`
        : `/instances/${encodeURIComponent(name)}?done=${action}`,
      303,
    );
  });

  const createForm = (c: Context<Env>, form: CreateForm) =>
    createPage(
      templatesOf(ops.configText()),
      ops.clusters(),
      c.get('user').name,
      sessions.csrfToken(c.get('sid')),
      form,
    );

  app.get('/create', (c) => render(c, 'Create', createForm(c, {})));

  app.post('/create', async (c) => {
    const body = await c.req.parseBody();
    const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
    const form = {
      name: text('name'),
      template: text('template'),
      cluster: text('cluster') || undefined,
      ttl: text('ttl') || undefined,
    };
    try {
      log(`${c.get('user').name}: create ${form.name} from ${form.template}`);
      await ops.create(form, actor(c));
    } catch (err) {
      log(`create ${form.name} failed: ${messageOf(err).split('\n')[0]}`);
      return render(c, 'Create', html`${notice('error', messageOf(err))}${createForm(c, form)}`, statusOf(err));
    }
    return c.redirect(`/instances/${encodeURIComponent(form.name)}?done=create`, 303);
  });

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    log(`error: ${err.stack ?? err.message}`);
    return c.text(`sandboxkit serve: ${err.message}`, 500);
  });
  return app;
}

/** The session id of the request's signed cookie, or a new session (with its cookie) when `create`. */
async function sessionOf(c: Context, sessions: Sessions, create: boolean, secure = false): Promise<string> {
  const sid = await getSignedCookie(c, sessions.secret, COOKIE);
  if (typeof sid === 'string' && sessions.get(sid)) return sid;
  if (!create) return '';
  const fresh = sessions.create();
  await setSession(c, fresh, sessions.secret, secure);
  return fresh;
}

/** Sets the session cookie: signed, not readable by scripts, sent on top-level navigations only from other sites. */
async function setSession(c: Context, sid: string, secret: string, secure = false): Promise<void> {
  await setSignedCookie(c, COOKIE, sid, secret, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: secure || new URL(c.req.url).protocol === 'https:',
  });
}
