import { writeFileSync } from 'fs';

// Preloaded into each measured process: records its own peak memory and CPU time as it exits.
const report = process.env.BENCH_REPORT;
if (report) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      report,
      JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMicros: usage.userCPUTime + usage.systemCPUTime }),
    );
  });
}
