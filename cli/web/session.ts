import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import type { WebUser } from './access';

/** How long a signed-in OIDC session lasts without signing in again. */
export const SESSION_HOURS = 8;

interface Session {
  user?: WebUser;
  expires: number;
  /** An OIDC sign-in under way: the PKCE verifier and state, and the page to return to. */
  login?: { verifier: string; state: string; nonce: string; returnTo: string };
}

/**
 * Browser sessions of one `sandboxkit serve` process, in memory: a random id in a signed cookie, and a CSRF token
 * derived from it that every form carries. Nothing about instances is kept here; a restart signs everyone out.
 */
export class Sessions {
  /** Signs the session cookie and the CSRF tokens; new with each process. */
  readonly secret = randomBytes(32).toString('hex');
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session id. */
  create(): string {
    if (this.sessions.size > 10_000)
      for (const [id, s] of this.sessions) if (s.expires < this.now()) this.sessions.delete(id);
    const id = randomBytes(24).toString('base64url');
    this.sessions.set(id, { expires: this.now() + SESSION_HOURS * 3_600_000 });
    return id;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expires < this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  /** The session under a new id, the old id forgotten: after a sign-in, so that an id known before it is worthless. */
  rotate(id: string): string {
    const s = this.get(id);
    const fresh = this.create();
    if (s) this.sessions.set(fresh, s);
    this.sessions.delete(id);
    return fresh;
  }

  drop(id: string): void {
    this.sessions.delete(id);
  }

  /** The CSRF token of a session: an HMAC of its id, so that it needs no storage and changes with the session. */
  csrfToken(id: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${id}`).digest('base64url');
  }

  /** Whether `token` is the session's CSRF token (compared in constant time). */
  csrfValid(id: string | undefined, token: unknown): boolean {
    if (!id || typeof token !== 'string' || !this.get(id)) return false;
    const want = Buffer.from(this.csrfToken(id));
    const got = Buffer.from(token);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}
