import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import type { SandboxConfig } from '../config/types';
import { fileSecretVariable } from '../constructs/instance/file-secrets';
import type { CliContext } from './context';
import { CliError, EXIT } from './io';

/**
 * Runs `fn` with the Terraform arguments that hand the instance's file secrets
 * to its stack: a `-var-file` in a private temporary folder, removed afterwards.
 * The files are read relative to the config file. A destroy needs no content,
 * so a file that is gone by then passes an empty value.
 */
export async function withFileSecrets<T>(
  ctx: CliContext,
  config: SandboxConfig,
  instance: string,
  verb: 'apply' | 'plan' | 'destroy',
  fn: (args: string[]) => Promise<T>,
): Promise<T> {
  const files = (config.instances?.find((i) => i.name === instance)?.secrets ?? []).flatMap((s) =>
    'file' in s.from ? [{ name: s.name, path: s.from.file }] : [],
  );
  if (files.length === 0) return fn([]);
  const base = dirname(resolve(ctx.store.file));
  const values: Record<string, string> = {};
  for (const f of files) {
    const path = resolve(base, f.path);
    if (!existsSync(path)) {
      if (verb === 'destroy') {
        values[fileSecretVariable(f.name)] = '';
        continue;
      }
      throw new CliError(
        `instance "${instance}": secret "${f.name}" is read from ${path}, which does not exist`,
        EXIT.usage,
      );
    }
    values[fileSecretVariable(f.name)] = readFileSync(path, 'utf8');
  }
  const dir = mkdtempSync(join(tmpdir(), 'sandboxkit-secrets-'));
  chmodSync(dir, 0o700);
  const varFile = join(dir, 'secrets.tfvars.json');
  writeFileSync(varFile, JSON.stringify(values), { mode: 0o600 });
  try {
    return await fn([`-var-file=${varFile}`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
