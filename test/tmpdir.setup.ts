import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * One temporary folder per test run, removed by tmpdir.teardown.ts: cdktf's `Testing.app()` and the suites' own
 * workspaces go there (workers inherit TMPDIR), so a run leaves nothing in the system's temporary folder.
 */
export default function setup(): void {
  process.env.SANDBOXKIT_TEST_TMPDIR = process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'sandboxkit-jest-'));
}
