// Child process for the long run (node --expose-gc): one process collects `days` simulated days of the
// synthetic estate through the real runner and store, and reports heap used after a full GC and open
// file descriptors at the baseline day and at the end, then verifies the chain. One JSON line.
import { readdirSync } from 'node:fs';
import { openStore } from '../../src/store/index.js';
import { collectSyntheticDay } from './synthetic-estate.js';

const [dbPath, daysArg, baselineArg, resourcesArg] = process.argv.slice(2);
if (!dbPath || !daysArg || !baselineArg || !resourcesArg) throw new Error('usage: long-run-child <db> <days> <baseline day> <resources>');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const days = Number(daysArg);
const baselineDay = Number(baselineArg);

interface Sample {
  day: number;
  heapUsed: number;
  rss: number;
  fds: number;
}

function sample(day: number): Sample {
  // Several collections: the first may only promote what the last run left behind.
  for (let i = 0; i < 4; i++) gc!();
  return { day, heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss, fds: readdirSync('/proc/self/fd').length };
}

const started = Date.now();
const store = openStore(dbPath);
const samples: Sample[] = [];
const statuses: Record<string, number> = {};
for (let day = 0; day < days; day++) {
  const { runs, unrecorded } = await collectSyntheticDay(store, day, Number(resourcesArg));
  if (unrecorded.length > 0) throw new Error(`day ${day}: ${unrecorded.join('; ')}`);
  for (const run of runs) statuses[run.status] = (statuses[run.status] ?? 0) + 1;
  if (day + 1 === baselineDay || day + 1 === days) samples.push(sample(day + 1));
}
const verify = await store.verify();
const stats = await store.stats();
await store.close();
process.stdout.write(
  `${JSON.stringify({ samples, statuses, verify: { ok: verify.ok, runs: verify.runs, problems: verify.problems.slice(0, 3) }, fileBytes: stats.fileBytes, ms: Date.now() - started })}\n`,
);
