import { readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { Workspace } from './stand-in';

const WORKFLOW = parse(readFileSync(join(__dirname, '..', '..', 'examples', 'preview-environment.yml'), 'utf8')) as {
  env: Record<string, string>;
  jobs: Record<string, { if: string; steps: { if?: string; run?: string }[] }>;
};

/** The repository's sandbox.yaml: one AWS cluster whose state is in S3, no instances. */
const REPO_CONFIG = `# the team's sandboxes
clusters:
  - name: aws-main
    cloud: aws
    region: eu-west-1
    kubernetesVersion: "1.33"
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admins]
    state: { backend: s3, bucket: team-state, region: eu-west-1 }
instances: []
`;

const PR = { number: 42, sha: 'c0ffee', login: 'octocat', repository: 'acme/shop' };

/** Fills in GitHub expressions the way Actions would for this pull request. */
function expressions(text: string): string {
  return text
    .replace(/\$\{\{ github\.event\.pull_request\.number \}\}/g, String(PR.number))
    .replace(/\$\{\{ github\.event\.pull_request\.head\.sha \}\}/g, PR.sha)
    .replace(/\$\{\{ github\.event\.pull_request\.user\.login \}\}/g, PR.login)
    .replace(/\$\{\{ github\.repository \}\}/g, PR.repository);
}

/** Whether a job or step `if:` holds for `action` (the workflow compares github.event.action only). */
function holds(condition: string | undefined, action: string): boolean {
  if (!condition) return true;
  const m = /^github\.event\.action (==|!=) '(\w+)'$/.exec(condition.trim());
  if (!m) throw new Error(`cannot evaluate "${condition}"`);
  return m[1] === '==' ? action === m[2] : action !== m[2];
}

/** The words of a shell command line with double-quoted words and $VARIABLES expanded, as bash would split them. */
function words(line: string, env: Record<string, string>): string[] {
  const expanded = (s: string) => s.replace(/\$([A-Z_]+)/g, (_, name: string) => env[name] ?? '');
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? expanded(m[1]) : expanded(m[2])));
}

/** Runs every `npx sandboxkit` command of the jobs that run for `action`, in order, as a fresh runner would. */
async function pullRequestEvent(
  w: Workspace,
  action: string,
): Promise<{ command: string; code: number; out: string; err: string }[]> {
  const env = Object.fromEntries(Object.entries(WORKFLOW.env).map(([k, v]) => [k, expressions(v)]));
  rmSync(w.out, { recursive: true, force: true });
  const results = [];
  for (const job of Object.values(WORKFLOW.jobs)) {
    if (!holds(job.if, action)) continue;
    for (const step of job.steps) {
      if (!step.run || !holds(step.if, action)) continue;
      const line = expressions(step.run).replace(/\\\n/g, ' ').trim();
      if (!line.startsWith('npx sandboxkit ')) continue;
      const argv = words(line, env).slice(2);
      const r = await w.run(...argv);
      results.push({ command: argv.slice(0, 2).join(' '), ...r });
      if (r.code !== 0) return results;
    }
  }
  return results;
}

describe('the preview-environment workflow', () => {
  it('commits nothing and hides no failure', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'examples', 'preview-environment.yml'), 'utf8');
    expect(text).not.toMatch(/git (commit|push)/);
    expect(text).not.toMatch(/\|\| (echo|true)/);
    expect(WORKFLOW.jobs.create.steps.find((s) => s.run?.includes('instance create'))!.run).toMatch(/ --update$/);
    expect(WORKFLOW.jobs.destroy.steps.find((s) => s.run?.includes('instance destroy'))!.run).toMatch(/ --yes$/);
  });

  it('creates the instance with the pull request image, updates and extends it on a push, and destroys it from the default branch', async () => {
    const w = new Workspace(REPO_CONFIG);
    const config = w.configText();

    const opened = await pullRequestEvent(w, 'opened');
    expect(opened.map((r) => [r.command, r.code])).toEqual([
      ['doctor', 0],
      ['instance create', 0],
      ['instance test', 0],
    ]);
    expect(w.configText()).toBe(config);
    const recordFile = join(w.dir, 's3', 'team-state', 'sandboxkit', 'aws-main', 'instances', 'pr-42.sandboxkit.json');
    const record = JSON.parse(readFileSync(recordFile, 'utf8'));
    expect(record).toMatchObject({
      status: { phase: 'ready' },
      spec: { name: 'pr-42', owner: 'octocat', ttlHours: 72 },
    });
    const keycloak = record.spec.blocks.find((b: { name?: string }) => b.name === 'keycloak');
    expect(keycloak.values).toEqual({ image: { repository: 'ghcr.io/acme/shop/keycloak', tag: 'pr-42-c0ffee' } });
    const stack = JSON.parse(readFileSync(join(w.out, 'stacks', 'instance-pr-42', 'cdk.tf.json'), 'utf8'));
    const release = Object.values(
      stack.resource.helm_release as Record<string, { name: string; values: string[] }>,
    ).find((r) => r.name === 'keycloak')!;
    expect(JSON.parse(release.values[0]).image).toMatchObject({
      repository: 'ghcr.io/acme/shop/keycloak',
      tag: 'pr-42-c0ffee',
    });

    PR.sha = 'beef01';
    const pushed = await pullRequestEvent(w, 'synchronize');
    expect(pushed.map((r) => [r.command, r.code])).toEqual([
      ['doctor', 0],
      ['instance create', 0],
      ['instance extend', 0],
      ['instance test', 0],
    ]);
    expect(pushed[1].out).toMatch(/^updated instance pr-42 on aws-main: ready\n[\s\S]*changed: +blocks\n/);
    expect(
      w
        .calls()
        .filter((c) => c.startsWith('terraform instance-pr-42') && / apply /.test(c))
        .pop(),
    ).toMatch(/-replace=time_offset\./);

    writeFileSync(w.config, config);
    const closed = await pullRequestEvent(w, 'closed');
    expect(closed.map((r) => [r.command, r.code, r.out])).toEqual([
      ['instance destroy', 0, 'destroyed instance pr-42\n'],
    ]);
    expect(w.calls()).toContain(
      'terraform instance-pr-42  destroy -auto-approve -input=false -no-color -json -refresh=false',
    );
    expect(w.calls()).toContain(
      'aws s3 rm s3://team-state/sandboxkit/aws-main/instances/pr-42.tfstate --region eu-west-1',
    );
    // The record stays as the instance's history: who created, updated, extended and destroyed it.
    expect(JSON.parse(readFileSync(recordFile, 'utf8'))).toMatchObject({
      status: { phase: 'gone' },
      history: [
        { action: 'create', outcome: 'succeeded' },
        { action: 'update', outcome: 'succeeded', detail: 'changed blocks' },
        { action: 'extend', outcome: 'succeeded' },
        { action: 'destroy', outcome: 'succeeded' },
      ],
    });
    expect(w.configText()).toBe(config);
  });
});
