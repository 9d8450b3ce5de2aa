import { InvalidArgumentError, type Command } from 'commander';
import { actionOf, type Runner } from '../command-kit';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`expected a port 0 to 65535, got "${value}"`);
  return n;
};

export function registerServe(program: Command, run: Runner): void {
  program
    .command('serve')
    .description(
      'a web page for the people who use the sandboxes: every instance, its URLs, expiry and cost; extend, stop, start, destroy and create from a template',
    )
    .option(
      '--host <address>',
      'address to listen on; other than 127.0.0.1 only with web.auth in the config',
      '127.0.0.1',
    )
    .option('--port <port>', 'port to listen on (0: any free one)', port, 8080)
    .addHelpText(
      'after',
      `
Who signs in and who may act is set under \`web\` in the config: a sign-in proxy (oauth2-proxy) or an OpenID
Connect issuer, and the platform admins. Everyone signed in sees every instance; only an instance's owner, its
owner group and the admins may change it. Without web.auth the page is served on 127.0.0.1 only and acts as the
user running the command. See docs/guides/web.md.`,
    )
    .action(
      actionOf(run, async (ctx, cmd) => {
        const o = cmd.opts() as { host: string; port: number };
        return (await import('../web/server')).serveCommand(ctx, { host: o.host, port: o.port });
      }),
    );
}
