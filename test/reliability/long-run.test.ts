// Long run: a simulated year of daily runs in one process with a fake clock (the synthetic estate
// through the real runner and store). Heap used after GC and open file descriptors at the end stay
// where they were at the baseline day (no leak per run), and the whole chain verifies.
// `npm test` runs 60 days against a day-20 baseline; `npm run test:soak` (SOAK=1) the full year
// against day 30.
import { describe, expect, it } from 'vitest';
import { spawnTs } from '../helpers/child-process.js';
import { tempDbPath } from '../helpers/store-fixtures.js';

const SOAK = process.env.SOAK === '1';
const DAYS = SOAK ? 365 : 60;
const BASELINE_DAY = SOAK ? 30 : 20;
const RESOURCES = SOAK ? 2000 : 300;
/** Heap used after GC may differ by this fraction between the baseline and the end. */
const HEAP_TOLERANCE = 0.1;

interface Sample {
  day: number;
  heapUsed: number;
  rss: number;
  fds: number;
}

describe(`long run: ${DAYS} simulated days in one process`, () => {
  it(
    'keeps heap and file descriptors flat and the chain verifiable',
    async () => {
      const run = spawnTs('test/helpers/long-run-child.ts', [tempDbPath(), String(DAYS), String(BASELINE_DAY), String(RESOURCES)], ['--expose-gc']);
      const result = await run.done;
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(run.lines.at(-1)!) as {
        samples: Sample[];
        statuses: Record<string, number>;
        verify: { ok: boolean; runs: number; problems: unknown[] };
        fileBytes: number;
        ms: number;
      };
      const [baseline, end] = report.samples as [Sample, Sample];
      expect(baseline.day).toBe(BASELINE_DAY);
      expect(end.day).toBe(DAYS);
      expect(report.verify).toMatchObject({ ok: true, runs: DAYS, problems: [] });
      // One partial run a week (a resource it cannot read), the rest ok: every day stored.
      expect((report.statuses.ok ?? 0) + (report.statuses.partial ?? 0)).toBe(DAYS);
      expect(report.statuses.partial).toBeGreaterThan(0);
      expect(end.fds).toBeLessThanOrEqual(baseline.fds);
      expect(end.heapUsed).toBeLessThanOrEqual(baseline.heapUsed * (1 + HEAP_TOLERANCE));
      const mib = (n: number) => (n / 1048576).toFixed(1);
      process.stdout.write(
        `long run: ${DAYS} days (${RESOURCES} resources) in ${(report.ms / 1000).toFixed(1)} s; heap after GC day ${baseline.day} ${mib(baseline.heapUsed)} MiB, day ${end.day} ${mib(end.heapUsed)} MiB; ` +
          `rss ${mib(baseline.rss)} -> ${mib(end.rss)} MiB; fds ${baseline.fds} -> ${end.fds}; store ${mib(report.fileBytes)} MiB\n`,
      );
    },
    SOAK ? 900_000 : 60_000,
  );
});
