import type { CliContext } from '../context';
import { humanDuration } from '../duration';
import { EXIT, red } from '../io';
import { isExpired, readOutputs } from '../instances';

export interface InstanceRow {
  readonly name: string;
  readonly cluster: string;
  readonly owner: string;
  readonly blocks: readonly string[];
  readonly createdAt: string | null;
  readonly expiresAt: string | null;
  readonly state: 'running' | 'expired' | 'not deployed';
}

/** Every instance of the config, with what its Terraform outputs say. */
export async function instanceRows(ctx: CliContext): Promise<InstanceRow[]> {
  const now = ctx.io.now();
  const rows: InstanceRow[] = [];
  for (const i of ctx.store.read().instances ?? []) {
    const outputs = await readOutputs(ctx, i.name);
    rows.push({
      name: i.name,
      cluster: i.cluster,
      owner: i.owner,
      blocks: i.blocks.map((b) => (typeof b === 'string' ? b : b.name)),
      createdAt: outputs?.createdAt ?? null,
      expiresAt: outputs?.expiresAt ?? null,
      state: !outputs ? 'not deployed' : isExpired(outputs, now) ? 'expired' : 'running',
    });
  }
  return rows;
}

export async function listInstances(ctx: CliContext, expiredOnly: boolean): Promise<number> {
  const rows = (await instanceRows(ctx)).filter((r) => !expiredOnly || r.state === 'expired');
  if (ctx.json) {
    ctx.io.out(JSON.stringify(rows));
    return EXIT.ok;
  }
  const now = ctx.io.now().getTime();
  const table = [
    ['NAME', 'CLUSTER', 'OWNER', 'BLOCKS', 'CREATED', 'EXPIRES', 'STATE'],
    ...rows.map((r) => [
      r.name,
      r.cluster,
      r.owner,
      r.blocks.join(','),
      r.createdAt ? `${humanDuration(now - Date.parse(r.createdAt))} ago` : '-',
      r.expiresAt ? (Date.parse(r.expiresAt) > now ? `in ${humanDuration(Date.parse(r.expiresAt) - now)}` : `${humanDuration(now - Date.parse(r.expiresAt))} ago`) : '-',
      r.state === 'expired' ? red(ctx.io, r.state) : r.state,
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].replace(/\u001b\[\d+m/g, '').length)));
  for (const row of table) ctx.io.out(row.map((cell, c) => cell.padEnd(widths[c] + cell.length - cell.replace(/\u001b\[\d+m/g, '').length)).join('  ').trimEnd());
  return EXIT.ok;
}
