import { instanceIndex } from '../config-store';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import {
  expiryAddress,
  prepareStack,
  readOutputs,
  resolveInstance,
  withInstance,
  withInstanceLock,
} from '../instances';
import { markApplied } from '../activity';
import { withFileSecrets } from '../file-secrets';
import { terraformChange } from '../terraform';
import { setItemField } from '../yaml-edit';

/**
 * Moves the instance's expiry to now + TTL. The expiry is a `time_offset`
 * that Terraform computes once; it is replaced (`terraform apply -replace`)
 * so that the expiry moves even when the TTL stays the same. An instance
 * that was never deployed is refused, not created.
 */
export async function extendInstance(ctx: CliContext, name: string, hours: number): Promise<number> {
  const config = ctx.store.read();
  const found = await resolveInstance(ctx, config, name);
  if (config.instances?.find((i) => i.name === name)?.protected) {
    throw new CliError(`instance "${name}" is protected and does not expire; there is nothing to extend`, EXIT.usage);
  }
  const instance = { ...found.instance, ttlHours: hours };
  const ref = { ...found, instance, config: withInstance(config, instance) };
  const outputs = await withInstanceLock(ctx, name, async () => {
    const before = await readOutputs(ctx, found, true);
    if (!before) {
      throw new CliError(
        `instance "${name}" has not been deployed (its state has no outputs), so there is nothing to extend; deploy it with: sandboxkit instance create ${name} ... --update`,
        EXIT.usage,
      );
    }
    const dir = await prepareStack(ctx, ref);
    await withFileSecrets(ctx, ref.config, name, 'apply', (secrets) =>
      terraformChange(ctx, dir, 'apply', [`-replace=${expiryAddress(dir)}`, ...secrets]),
    );
    await markApplied(ctx, found.cluster, instance.namespace ?? instance.name);
    const now = ctx.io.now();
    await ref.store.put({
      kind: 'sandboxkit-instance',
      instance,
      status: 'deployed',
      createdAt: found.record?.createdAt ?? before.createdAt ?? now.toISOString(),
      expiresAt: new Date(now.getTime() + hours * 3_600_000).toISOString(),
      updatedAt: now.toISOString(),
    });
    return readOutputs(ctx, ref);
  });
  if (found.inConfig && (found.instance.ttlHours ?? 48) !== hours) {
    await ctx.store.update((text) => {
      const i = instanceIndex(text, name);
      return i >= 0 ? setItemField('instances', i, 'ttlHours', hours) : undefined;
    });
  }
  const result = { instance: name, ttlHours: hours, expiresAt: outputs?.expiresAt ?? null };
  ctx.io.out(
    ctx.json
      ? JSON.stringify(result)
      : `extended ${name}: ${hours}h from now${outputs?.expiresAt ? `, expires ${outputs.expiresAt}` : ''}`,
  );
  return EXIT.ok;
}
