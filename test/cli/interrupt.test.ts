import { chmodSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ProcessRunner } from '../../cli/tools';
import { tempDir } from '../fixtures';

describe('Ctrl-C', () => {
  it('is passed to the running tool, which stops cleanly, and reported as 130', async () => {
    const dir = tempDir('interrupt-');
    const marker = join(dir, 'marker');
    const tool = join(dir, 'slow-terraform');
    // Stands in for Terraform: on SIGINT it releases its lock (writes the marker) and exits 130.
    writeFileSync(
      tool,
      `#!/bin/sh\ntrap 'echo released > ${marker}; exit 130' INT\necho started > ${marker}\nwhile true; do sleep 0.1; done\n`,
    );
    chmodSync(tool, 0o755);
    const runner = new ProcessRunner({
      out: () => undefined,
      err: () => undefined,
      color: false,
      env: { ...process.env, SANDBOXKIT_TERRAFORM: tool },
      now: () => new Date(),
      interactive: false,
      ask: async () => '',
      cwd: dir,
    });
    const existing = new Set(process.listeners('SIGINT'));
    const running = runner.run('terraform', ['apply']);
    const forward = process.listeners('SIGINT').filter((l) => !existing.has(l));
    for (let i = 0; i < 50 && readFileSync(marker, { flag: 'a+' }).toString() === ''; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(forward).toHaveLength(1);
    (forward[0] as () => void)();
    const result = await running;
    expect(result.code).toBe(130);
    expect(readFileSync(marker, 'utf8').trim()).toBe('released');
    expect(process.listeners('SIGINT')).not.toContain(forward[0]);
  });
});
