// Child process for the crash-consistency test: starts a large run and announces the commit, so the
// parent can SIGKILL it while the run's transaction is open.
import { openStore } from '../../src/store/index.js';
import { okOutcome, runStart, userEvidence } from './store-fixtures.js';

const [dbPath, countArg] = process.argv.slice(2);
if (!dbPath) throw new Error('usage: crash-child <db> [count]');
const count = Number(countArg ?? 200_000);
const store = openStore(dbPath);
const started = new Date(Date.UTC(2026, 0, 10, 3));
const intent = await store.startRun(runStart(started));
const evidence = Array.from({ length: count }, (_, i) => userEvidence(`user-${i}`, { n: i }));
process.stdout.write('committing\n');
await store.finishRun(intent, okOutcome(new Date(started.getTime() + 1000), evidence));
process.stdout.write('committed\n');
await store.close();
