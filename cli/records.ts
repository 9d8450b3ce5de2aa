import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import type { ClusterConfig, SandboxConfig, StateBackendConfig } from '../config/types';
import { instanceStackName } from '../stacks/names';
import type { CliContext } from './context';
import { CliError, EXIT } from './io';
import { NOT_FOUND, TOOL_ENV, type ToolName } from './tools';
import { parseRecord, recordName, type InstanceRecord } from './lifecycle/record';

export type { InstanceRecord } from './lifecycle/record';

/** Instance names found in one state backend: with a record, or with state only. */
export interface BackendListing {
  readonly records: readonly InstanceRecord[];
  /** Instances whose state exists without a record (made by `cdktf deploy`, or by an older CLI). */
  readonly stateOnly: readonly { readonly name: string; readonly cluster?: string }[];
}

/** Reads and writes records and state keys in one cluster's state backend. */
export interface RecordStore {
  /** Where, for messages: a folder or a bucket URL. */
  readonly where: string;
  list(): Promise<BackendListing>;
  get(name: string): Promise<InstanceRecord | undefined>;
  put(record: InstanceRecord): Promise<void>;
  /** Removes the instance's state object after a destroy; the record stays, `gone`, with the instance's history. */
  forgetState(name: string): Promise<void>;
  /** Removes the record and the state object: what gc does with the record of an instance gone long ago. */
  forget(name: string): Promise<void>;
}

const DEFAULT_PREFIX = 'sandboxkit';

export function stateOf(config: SandboxConfig, cluster: ClusterConfig | undefined): StateBackendConfig {
  return cluster?.state ?? config.state ?? { backend: 'local' };
}

/** Local state: `<project>/<directory>/instance-<name>.tfstate`, as stacks/backend.ts writes it; the record sits beside it. */
export class LocalRecords implements RecordStore {
  readonly where: string;

  constructor(private readonly dir: string) {
    this.where = dir;
  }

  /** The instance's state file. */
  stateFile(name: string): string {
    return join(this.dir, `${instanceStackName(name)}.tfstate`);
  }

  private file(name: string): string {
    return join(this.dir, `${instanceStackName(name)}.sandboxkit.json`);
  }

  async list(): Promise<BackendListing> {
    if (!existsSync(this.dir)) return { records: [], stateOnly: [] };
    const files = readdirSync(this.dir);
    const records = files
      .filter((f) => /^instance-.+\.sandboxkit\.json$/.test(f))
      .map((f) => parseRecord(readFileSync(join(this.dir, f), 'utf8'), join(this.dir, f)));
    const recorded = new Set(records.map(recordName));
    const stateOnly = files
      .map((f) => /^instance-(.+)\.tfstate$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined && !recorded.has(n))
      .map((name) => ({ name }));
    return { records, stateOnly };
  }

  async get(name: string): Promise<InstanceRecord | undefined> {
    const file = this.file(name);
    return existsSync(file) ? parseRecord(readFileSync(file, 'utf8'), file) : undefined;
  }

  async put(record: InstanceRecord): Promise<void> {
    const file = this.file(recordName(record));
    mkdirSync(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(temp, file);
  }

  async forgetState(name: string): Promise<void> {
    const state = this.stateFile(name);
    for (const f of [state, `${state}.backup`]) rmSync(f, { force: true });
  }

  async forget(name: string): Promise<void> {
    await this.forgetState(name);
    rmSync(this.file(name), { force: true });
  }
}

/** Keys of one cluster's instances in a bucket: state and record per instance. */
abstract class RemoteRecords implements RecordStore {
  abstract readonly where: string;
  protected abstract readonly tool: ToolName;
  constructor(protected readonly ctx: CliContext) {}

  protected abstract listKeys(): Promise<string[]>;
  protected abstract recordKey(name: string): string;
  protected abstract stateKey(name: string): string;
  /** Instance name and kind of a listed key, or undefined for other objects. */
  protected abstract classify(key: string): { name: string; kind: 'state' | 'record' } | undefined;
  protected abstract read(key: string): Promise<string | undefined>;
  protected abstract write(key: string, text: string): Promise<void>;
  protected abstract remove(key: string): Promise<void>;

  protected async call(
    args: readonly string[],
    input?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    const result = await this.ctx.tools.run(this.tool, args, { input });
    if (result.code === NOT_FOUND) {
      throw new CliError(
        `${this.tool} could not be started: the instance records and state in ${this.where} are read with it. Install it, or set ${TOOL_ENV[this.tool]}; \`sandboxkit doctor\` checks every tool this config needs.`,
        EXIT.failed,
      );
    }
    return result;
  }

  protected failure(what: string, result: { stderr: string }): CliError {
    return new CliError(
      `${what} in ${this.where} failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`,
      EXIT.failed,
    );
  }

  async list(): Promise<BackendListing> {
    const keys = await this.listKeys();
    const state = new Set<string>();
    const recorded = new Set<string>();
    for (const key of keys) {
      const found = this.classify(key);
      if (found) (found.kind === 'state' ? state : recorded).add(found.name);
    }
    const names = [...recorded].sort();
    const texts = await this.readRecords(names);
    const records = names.flatMap((name, i) =>
      texts[i] === undefined ? [] : [parseRecord(texts[i]!, `${this.where}${this.recordKey(name)}`)],
    );
    return {
      records,
      stateOnly: [...state]
        .filter((n) => !recorded.has(n))
        .sort()
        .map((name) => ({ name })),
    };
  }

  /** The text of each named record, several at a time: one CLI process per key would not scale to a fleet. */
  protected async readRecords(names: readonly string[]): Promise<(string | undefined)[]> {
    const texts: (string | undefined)[] = new Array(names.length);
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const i = next++;
        texts[i] = await this.read(this.recordKey(names[i]));
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, names.length) }, worker));
    return texts;
  }

  async get(name: string): Promise<InstanceRecord | undefined> {
    const text = await this.read(this.recordKey(name));
    return text === undefined ? undefined : parseRecord(text, `${this.where}${this.recordKey(name)}`);
  }

  async put(record: InstanceRecord): Promise<void> {
    await this.write(this.recordKey(recordName(record)), `${JSON.stringify(record, null, 2)}\n`);
  }

  async forgetState(name: string): Promise<void> {
    await this.remove(this.stateKey(name));
  }

  async forget(name: string): Promise<void> {
    await this.remove(this.recordKey(name));
    await this.remove(this.stateKey(name));
  }
}

/** Records read at the same time from a bucket. */
const READ_CONCURRENCY = 8;

const NOT_THERE = /NoSuchKey|Not Found|\(404\)|does not exist|BlobNotFound|No URLs matched|NotFound/i;

class S3Records extends RemoteRecords {
  readonly where: string;
  protected readonly tool = 'aws' as const;
  private readonly prefix: string;

  constructor(
    ctx: CliContext,
    private readonly state: Extract<StateBackendConfig, { backend: 's3' }>,
    cluster: string,
  ) {
    super(ctx);
    this.prefix = `${state.keyPrefix ?? DEFAULT_PREFIX}/${cluster}/instances/`;
    this.where = `s3://${state.bucket}/${this.prefix}`;
  }

  protected recordKey = (name: string) => `${this.prefix}${name}.sandboxkit.json`;
  protected stateKey = (name: string) => `${this.prefix}${name}.tfstate`;
  protected classify(key: string) {
    const m = /([^/]+)\.(tfstate|sandboxkit\.json)$/.exec(key.slice(this.prefix.length));
    return m && !m[1].includes('/')
      ? { name: m[1], kind: m[2] === 'tfstate' ? ('state' as const) : ('record' as const) }
      : undefined;
  }

  protected async listKeys(): Promise<string[]> {
    const r = await this.call([
      's3api',
      'list-objects-v2',
      '--bucket',
      this.state.bucket,
      '--prefix',
      this.prefix,
      '--region',
      this.state.region,
      '--output',
      'json',
    ]);
    if (r.code !== 0) throw this.failure('listing instances', r);
    if (!r.stdout.trim()) return [];
    return ((JSON.parse(r.stdout) as { Contents?: { Key: string }[] }).Contents ?? []).map((c) => c.Key);
  }

  /** Every record under the prefix in one `aws s3 cp --recursive`, when there are more than a few. */
  protected override async readRecords(names: readonly string[]): Promise<(string | undefined)[]> {
    if (names.length <= READ_CONCURRENCY) return super.readRecords(names);
    const dir = mkdtempSync(join(tmpdir(), 'sandboxkit-records-'));
    try {
      const r = await this.call([
        's3',
        'cp',
        `s3://${this.state.bucket}/${this.prefix}`,
        dir,
        '--recursive',
        '--exclude',
        '*',
        '--include',
        '*.sandboxkit.json',
        '--region',
        this.state.region,
        '--only-show-errors',
      ]);
      if (r.code !== 0) throw this.failure('reading the instance records', r);
      return names.map((name) => {
        const file = join(dir, `${name}.sandboxkit.json`);
        return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  protected async read(key: string): Promise<string | undefined> {
    const r = await this.call(['s3', 'cp', `s3://${this.state.bucket}/${key}`, '-', '--region', this.state.region]);
    if (r.code === 0) return r.stdout;
    if (NOT_THERE.test(r.stderr)) return undefined;
    throw this.failure(`reading ${key}`, r);
  }

  protected async write(key: string, text: string): Promise<void> {
    const sse = this.state.kmsKeyId ? ['--sse', 'aws:kms', '--sse-kms-key-id', this.state.kmsKeyId] : [];
    const r = await this.call(
      [
        's3',
        'cp',
        '-',
        `s3://${this.state.bucket}/${key}`,
        '--region',
        this.state.region,
        '--content-type',
        'application/json',
        ...sse,
      ],
      text,
    );
    if (r.code !== 0) throw this.failure(`writing ${key}`, r);
  }

  protected async remove(key: string): Promise<void> {
    const r = await this.call(['s3', 'rm', `s3://${this.state.bucket}/${key}`, '--region', this.state.region]);
    if (r.code !== 0 && !NOT_THERE.test(r.stderr)) throw this.failure(`removing ${key}`, r);
  }
}

class AzureRecords extends RemoteRecords {
  readonly where: string;
  protected readonly tool = 'az' as const;
  private readonly prefix: string;

  constructor(
    ctx: CliContext,
    private readonly state: Extract<StateBackendConfig, { backend: 'azurerm' }>,
    cluster: string,
  ) {
    super(ctx);
    this.prefix = `${state.keyPrefix ?? DEFAULT_PREFIX}/${cluster}/instances/`;
    this.where = `https://${state.storageAccountName}.blob.core.windows.net/${state.containerName}/${this.prefix}`;
  }

  private blob = () => [
    '--auth-mode',
    'login',
    '--account-name',
    this.state.storageAccountName,
    '--container-name',
    this.state.containerName,
  ];
  protected recordKey = (name: string) => `${this.prefix}${name}.sandboxkit.json`;
  protected stateKey = (name: string) => `${this.prefix}${name}.tfstate`;
  protected classify(key: string) {
    const m = /^([^/]+)\.(tfstate|sandboxkit\.json)$/.exec(key.slice(this.prefix.length));
    return m ? { name: m[1], kind: m[2] === 'tfstate' ? ('state' as const) : ('record' as const) } : undefined;
  }

  protected async listKeys(): Promise<string[]> {
    const r = await this.call([
      'storage',
      'blob',
      'list',
      ...this.blob(),
      '--prefix',
      this.prefix,
      '--query',
      '[].name',
      '--output',
      'json',
    ]);
    if (r.code !== 0) throw this.failure('listing instances', r);
    return r.stdout.trim() ? (JSON.parse(r.stdout) as string[]) : [];
  }

  protected async read(key: string): Promise<string | undefined> {
    const r = await this.call([
      'storage',
      'blob',
      'download',
      ...this.blob(),
      '--name',
      key,
      '--file',
      '/dev/stdout',
      '--no-progress',
      '--output',
      'none',
    ]);
    if (r.code === 0) return r.stdout;
    if (NOT_THERE.test(r.stderr)) return undefined;
    throw this.failure(`reading ${key}`, r);
  }

  protected async write(key: string, text: string): Promise<void> {
    const r = await this.call([
      'storage',
      'blob',
      'upload',
      ...this.blob(),
      '--name',
      key,
      '--data',
      text,
      '--overwrite',
      '--output',
      'none',
    ]);
    if (r.code !== 0) throw this.failure(`writing ${key}`, r);
  }

  protected async remove(key: string): Promise<void> {
    const r = await this.call(['storage', 'blob', 'delete', ...this.blob(), '--name', key, '--output', 'none']);
    if (r.code !== 0 && !NOT_THERE.test(r.stderr)) throw this.failure(`removing ${key}`, r);
  }
}

class GcsRecords extends RemoteRecords {
  readonly where: string;
  protected readonly tool = 'gcloud' as const;
  private readonly prefix: string;

  constructor(
    ctx: CliContext,
    private readonly state: Extract<StateBackendConfig, { backend: 'gcs' }>,
    cluster: string,
  ) {
    super(ctx);
    // The gcs backend keeps each instance's state at <prefix>/<cluster>/instances/<name>/default.tfstate.
    this.prefix = `${state.prefix ?? DEFAULT_PREFIX}/${cluster}/instances/`;
    this.where = `gs://${state.bucket}/${this.prefix}`;
  }

  private url = (key: string) => `gs://${this.state.bucket}/${key}`;
  protected recordKey = (name: string) => `${this.prefix}${name}/sandboxkit.json`;
  protected stateKey = (name: string) => `${this.prefix}${name}/default.tfstate`;
  protected classify(key: string) {
    const rest = key.replace(`gs://${this.state.bucket}/`, '').slice(this.prefix.length);
    const m = /^([^/]+)\/(default\.tfstate|sandboxkit\.json)$/.exec(rest);
    return m ? { name: m[1], kind: m[2] === 'default.tfstate' ? ('state' as const) : ('record' as const) } : undefined;
  }

  protected async listKeys(): Promise<string[]> {
    const r = await this.call(['storage', 'ls', `${this.where}**`]);
    if (r.code !== 0) {
      if (NOT_THERE.test(r.stderr)) return [];
      throw this.failure('listing instances', r);
    }
    return r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  }

  protected async read(key: string): Promise<string | undefined> {
    const r = await this.call(['storage', 'cat', this.url(key)]);
    if (r.code === 0) return r.stdout;
    if (NOT_THERE.test(r.stderr)) return undefined;
    throw this.failure(`reading ${key}`, r);
  }

  protected async write(key: string, text: string): Promise<void> {
    const r = await this.call(['storage', 'cp', '-', this.url(key)], text);
    if (r.code !== 0) throw this.failure(`writing ${key}`, r);
  }

  protected async remove(key: string): Promise<void> {
    const r = await this.call(['storage', 'rm', this.url(key)]);
    if (r.code !== 0 && !NOT_THERE.test(r.stderr)) throw this.failure(`removing ${key}`, r);
  }
}

/** The record store of one cluster's instances. */
export function recordStore(ctx: CliContext, config: SandboxConfig, cluster: ClusterConfig): RecordStore {
  const state = stateOf(config, cluster);
  switch (state.backend) {
    case 'local':
      // Terraform runs in <outdir>/stacks/<stack>, and a relative local backend path is relative to the project, beside
      // outdir; an absolute one stays as it is.
      return new LocalRecords(resolve(dirname(resolve(ctx.outdir)), state.directory ?? 'state'));
    case 's3':
      return new S3Records(ctx, state, cluster.name);
    case 'azurerm':
      return new AzureRecords(ctx, state, cluster.name);
    case 'gcs':
      return new GcsRecords(ctx, state, cluster.name);
  }
}

/** One store per distinct place, over every cluster of the config. */
export function allRecordStores(
  ctx: CliContext,
  config: SandboxConfig,
): { store: RecordStore; cluster: ClusterConfig }[] {
  const seen = new Set<string>();
  const stores: { store: RecordStore; cluster: ClusterConfig }[] = [];
  for (const cluster of config.clusters) {
    const store = recordStore(ctx, config, cluster);
    if (seen.has(store.where)) continue;
    seen.add(store.where);
    stores.push({ store, cluster });
  }
  return stores;
}
