import { basename } from 'path';
import type { CliContext } from './context';
import { humanDuration } from './duration';
import { CliError, EXIT } from './io';
import { NOT_FOUND, TOOL_ENV, type ToolResult } from './tools';

/** One Terraform diagnostic, as `-json` reports it. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
}

/** One resource a plan would change, as `--dry-run` shows it. */
export interface PlannedChange {
  readonly address: string;
  /** Terraform's action: create, update, delete, replace. */
  readonly action: string;
}

/** What a Terraform command that changes things reported. */
export interface ApplyReport {
  readonly exitCode: number;
  readonly stdout: string;
  /** Resources planned to change (creates, updates, deletes, replacements). */
  readonly planned: number;
  /** Each of them, in the order Terraform planned them. */
  readonly changes: readonly PlannedChange[];
  /** Resources whose change completed. */
  readonly done: number;
  readonly diagnostics: readonly Diagnostic[];
  /** The root module's output values an apply reported at its end; undefined when it reported none. */
  readonly outputs?: Readonly<Record<string, { readonly value: unknown }>>;
}

/** A failed Terraform step; `changedSomething` tells whether an apply or destroy had begun. */
export class TerraformError extends CliError {
  constructor(
    message: string,
    readonly changedSomething: boolean,
  ) {
    super(message, EXIT.failed);
    this.name = 'TerraformError';
  }
}

const elapsed = (start: number, now: number) => humanDuration(now - start, true);

/** Terraform's message when no tool could be started. */
function missingTool(result: ToolResult): CliError {
  return new CliError(
    `terraform could not be started (${result.stderr.trim().split('\n').pop()}).\nInstall Terraform or OpenTofu 1.10 or later, or set ${TOOL_ENV.terraform} to its path; \`sandboxkit doctor\` checks every tool this config needs.`,
    EXIT.failed,
  );
}

/** Lines of init output that say the provider registry could not be reached. */
const OFFLINE =
  /Failed to query available provider packages|Failed to install provider|could not connect to registry|dial tcp|no such host|i\/o timeout|connection refused|Could not retrieve the list of available versions/i;

/** What to do when providers cannot be downloaded. */
export const OFFLINE_HINT = `Terraform could not download the providers this stack needs: the provider registry cannot be reached from this machine.
To work offline, give Terraform a local copy of the providers, either
  - a filesystem mirror: fill a folder on a connected machine with
      terraform -chdir=<stack folder> providers mirror /path/to/mirror
    then write a CLI config file containing
      provider_installation { filesystem_mirror { path = "/path/to/mirror" } }
    and point TF_CLI_CONFIG_FILE at it, or
  - a plugin cache that already holds them: TF_PLUGIN_CACHE_DIR=/path/to/plugin-cache
and run the command again.`;

/**
 * `terraform init`; with `--verbose`, Terraform's lines are passed on as they come. An unreachable provider
 * registry gets a message that says so and how to work offline; the CLI never runs `terraform providers lock`.
 */
export async function terraformInit(ctx: CliContext, dir: string): Promise<void> {
  const stack = basename(dir);
  const start = ctx.io.now().getTime();
  if (ctx.verbose) ctx.io.err(`init ${stack} ...`);
  // Terraform's errors are shown once, in full, in the failure message; the lines before them show progress.
  let erroring = false;
  const result = await ctx.tools.run('terraform', [`-chdir=${dir}`, 'init', '-input=false', '-no-color'], {
    onLine: (line) => {
      erroring ||= /^[│╷╵]?\s*Error: /.test(line);
      if (ctx.verbose && !erroring && line.trim()) ctx.io.err(`  ${line}`);
    },
  });
  if (result.code === NOT_FOUND) throw missingTool(result);
  if (result.code === 130)
    throw new CliError(`init ${stack} interrupted after ${elapsed(start, ctx.io.now().getTime())}`, EXIT.interrupted);
  if (result.code !== 0) {
    const text = `${result.stdout}\n${result.stderr}`;
    const errors = errorBlocks(text);
    const providers = [...new Set([...text.matchAll(/for provider\s+(\S+?):/g)].map((m) => m[1]))];
    const hint = OFFLINE.test(text)
      ? `\n\n${OFFLINE_HINT}${providers.length ? `\nProviders it needs: ${providers.join(', ')}.` : ''}`
      : '';
    throw new TerraformError(`init ${stack} failed:\n${errors || text.trim()}${hint}`, false);
  }
  if (ctx.verbose) ctx.io.err(`init ${stack} done (${elapsed(start, ctx.io.now().getTime())})`);
}

/**
 * The `Error: ...` paragraphs of Terraform's plain output, each in full;
 * a paragraph whose headline repeats an earlier one is counted, not repeated.
 */
export function errorBlocks(text: string): string {
  const blocks = errorParagraphs(text);
  const shown = new Map<string, { text: string; more: number }>();
  for (const block of blocks) {
    const headline = block.split('\n')[0];
    const seen = shown.get(headline);
    if (seen) seen.more++;
    else shown.set(headline, { text: block, more: 0 });
  }
  return [...shown.values()]
    .map((b) => (b.more ? `${b.text}\n(${b.more} more of the same error)` : b.text))
    .join('\n\n');
}

function errorParagraphs(text: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/^[│╷╵]\s?/, ''));
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (/^Error: /.test(line)) {
      if (current) blocks.push(current.join('\n').trim());
      current = [line];
    } else if (current) {
      if (/^(Warning: |Initializing |Terraform )/.test(line)) {
        blocks.push(current.join('\n').trim());
        current = undefined;
      } else current.push(line);
    }
  }
  if (current) blocks.push(current.join('\n').trim());
  return blocks;
}

interface JsonMessage {
  readonly '@level'?: string;
  readonly '@message'?: string;
  readonly type?: string;
  readonly hook?: {
    readonly resource?: { readonly addr?: string };
    readonly action?: string;
    readonly elapsed_seconds?: number;
  };
  readonly change?: { readonly resource?: { readonly addr?: string }; readonly action?: string };
  readonly changes?: {
    readonly add?: number;
    readonly change?: number;
    readonly remove?: number;
    readonly import?: number;
    readonly operation?: string;
  };
  readonly outputs?: Record<string, { readonly value?: unknown; readonly action?: string }>;
  readonly diagnostic?: {
    readonly severity?: string;
    readonly summary?: string;
    readonly detail?: string;
    readonly address?: string;
  };
}

const PAST: Record<string, string> = {
  create: 'created',
  update: 'updated',
  delete: 'destroyed',
  replace: 'replaced',
  read: 'read',
};

/**
 * Runs a Terraform command that plans or changes resources with `-json`, and
 * reports its progress on stderr while it runs: the phase, each resource as it
 * completes with done/total, and the elapsed time. Errors are Terraform's own
 * diagnostics, in full.
 */
export async function terraformChange(
  ctx: CliContext,
  dir: string,
  verb: 'apply' | 'destroy' | 'plan',
  extraArgs: readonly string[] = [],
  signal?: AbortSignal,
): Promise<ApplyReport> {
  const stack = basename(dir);
  const label = `${verb} ${stack}`;
  const start = ctx.io.now().getTime();
  const args = [
    `-chdir=${dir}`,
    verb,
    ...(verb === 'plan' ? [] : ['-auto-approve']),
    '-input=false',
    '-no-color',
    '-json',
    ...extraArgs,
  ];
  let planned = 0;
  let done = 0;
  const changes: PlannedChange[] = [];
  let outputs: ApplyReport['outputs'];
  let changing = false;
  const diagnostics: Diagnostic[] = [];
  const plain: string[] = [];
  ctx.io.err(`${label}: planning ...`);
  const now = () => ctx.io.now().getTime();
  const onMessage = (m: JsonMessage) => {
    switch (m.type) {
      case 'planned_change':
        if (m.change?.action && m.change.action !== 'noop' && m.change.action !== 'read') {
          planned++;
          changes.push({ address: m.change.resource?.addr ?? '?', action: m.change.action });
        }
        return;
      case 'change_summary':
        if (m.changes?.operation === 'plan' && verb !== 'plan') {
          planned = (m.changes.add ?? 0) + (m.changes.change ?? 0) + (m.changes.remove ?? 0);
          ctx.io.err(`${label}: ${planned ? `${planned} to change` : 'nothing to change'} (${elapsed(start, now())})`);
        }
        return;
      case 'apply_start':
        if (!changing) {
          changing = true;
          ctx.io.err(`${label}: ${verb === 'destroy' ? 'destroying' : 'applying'} ...`);
        }
        return;
      case 'apply_progress':
        ctx.io.err(
          `  still working on ${m.hook?.resource?.addr} (${m.hook?.elapsed_seconds ?? 0}s) [${done}/${planned}, ${elapsed(start, now())}]`,
        );
        return;
      case 'apply_complete':
        done++;
        ctx.io.err(
          `  ${PAST[m.hook?.action ?? ''] ?? m.hook?.action} ${m.hook?.resource?.addr} [${done}/${planned}, ${elapsed(start, now())}]`,
        );
        return;
      case 'apply_errored':
        ctx.io.err(`  failed ${m.hook?.resource?.addr} [${done}/${planned}, ${elapsed(start, now())}]`);
        return;
      case 'outputs':
        // The plan's message names actions; the apply's, at its end, carries the values.
        if (m.outputs && Object.values(m.outputs).some((o) => 'value' in o))
          outputs = Object.fromEntries(Object.entries(m.outputs).map(([k, o]) => [k, { value: o.value }]));
        return;
      case 'diagnostic': {
        const d = m.diagnostic ?? {};
        const diagnostic: Diagnostic = {
          severity: d.severity === 'warning' ? 'warning' : 'error',
          summary: d.summary ?? m['@message'] ?? '',
          detail: d.detail || undefined,
          address: d.address,
        };
        diagnostics.push(diagnostic);
        if (diagnostic.severity === 'warning') ctx.io.err(`  Warning: ${diagnostic.summary}`);
        return;
      }
    }
  };
  const result = await ctx.tools.run('terraform', args, {
    signal,
    onLine: (line, stream) => {
      if (stream === 'stdout' && line.startsWith('{')) {
        try {
          onMessage(JSON.parse(line) as JsonMessage);
          return;
        } catch {
          // not a JSON message: shown as it is
        }
      }
      if (line.trim()) {
        plain.push(line);
        ctx.io.err(`  ${line}`);
      }
    },
  });
  if (result.code === NOT_FOUND) throw missingTool(result);
  const took = elapsed(start, now());
  if (signal?.aborted && result.code !== 0) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new TerraformError(
      `${label} stopped after ${took}: ${(signal.reason as Error)?.message ?? 'its time was up'}${planned ? ` (${done}/${planned} changes done)` : ''}${errors.length ? `\n${errors.join('\n\n')}` : ''}`,
      changing || done > 0,
    );
  }
  if (result.code === 130) throw new CliError(`${label} interrupted after ${took}`, EXIT.interrupted);
  const failed = verb === 'plan' ? result.code !== 0 && result.code !== 2 : result.code !== 0;
  if (failed) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    const text = errors.length
      ? errors.join('\n\n')
      : errorBlocks(plain.join('\n')) || plain.slice(-15).join('\n') || `terraform exited with ${result.code}`;
    throw new TerraformError(
      `${label} failed after ${took}${planned ? ` (${done}/${planned} changes done)` : ''}:\n${text}`,
      changing || done > 0,
    );
  }
  ctx.io.err(`${label} done: ${verb === 'plan' ? `${planned} to change` : `${done}/${planned} changes`} (${took})`);
  return { exitCode: result.code, stdout: result.stdout, planned, changes, done, diagnostics, outputs };
}

export function formatDiagnostic(d: Diagnostic): string {
  return [
    `Error: ${d.summary}`,
    d.address ? `  with ${d.address}` : '',
    d.detail
      ? d.detail
          .split('\n')
          .map((l) => `  ${l}`.trimEnd())
          .join('\n')
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}
