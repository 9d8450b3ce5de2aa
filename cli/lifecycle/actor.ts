import { dirname, resolve } from 'path';
import type { CliContext } from '../context';

/** Who runs a command, and how that was found: recorded in the instance's history, and the default owner. */
export interface Actor {
  readonly name: string;
  readonly from: 'git config user.email' | '$USER' | 'unknown' | 'sandboxkit serve';
}

/**
 * The git user e-mail of the config's repository (or the global one), else the login name. An e-mail is what
 * the authenticators of managed clusters report as the user name, so it also makes the right default owner.
 */
export async function currentActor(ctx: CliContext): Promise<Actor> {
  const r = await ctx.tools.run('git', ['config', 'user.email'], { cwd: dirname(resolve(ctx.store.file)) });
  const email = r.code === 0 ? r.stdout.trim() : '';
  if (email) return { name: email, from: 'git config user.email' };
  const login = ctx.io.env.USER || ctx.io.env.LOGNAME || ctx.io.env.USERNAME;
  return login ? { name: login, from: '$USER' } : { name: 'unknown', from: 'unknown' };
}
