import { writeFileSync } from 'fs';

// Preloaded into each measured synth: records the process's own peak memory as it exits.
const report = process.env.BENCH_REPORT;
if (report) {
  process.on('exit', () => writeFileSync(report, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })));
}
