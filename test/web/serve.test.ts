import { writeFileSync } from 'fs';
import { join } from 'path';
import { CLI_CONFIG, Workspace } from '../cli/stand-in';

describe('sandboxkit serve without a sign-in', () => {
  it('refuses to listen on any address but 127.0.0.1, and says why', async () => {
    const w = new Workspace('');
    writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')));
    const r = await w.run('serve', '--host', '0.0.0.0', '--port', '0');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'sandboxkit: --host 0.0.0.0: without web.auth in the config (a sign-in proxy or an OIDC issuer) the page is served on 127.0.0.1 only, since nobody signs in',
    );
    expect(r.out).toBe('');
  });

  it('names a missing client secret variable of the OIDC sign-in before anything listens', async () => {
    const w = new Workspace('');
    writeFileSync(
      w.config,
      `${CLI_CONFIG(join(w.dir, 'kubeconfig'))}web:\n  externalUrl: https://sandboxes.example.org\n  auth:\n    oidc: { issuer: https://login.example.org, clientId: sandboxkit, clientSecretEnv: NOT_SET_HERE }\n`,
    );
    const r = await w.run('serve', '--port', '0');
    expect(r.code).toBe(2);
    expect(r.err).toContain('web.auth.oidc.clientSecretEnv names NOT_SET_HERE, which is not set');
  });
});
