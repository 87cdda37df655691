// Child process for the read-only test: opens a store for reading and prints what verify says.
import { openStore } from '../../src/store/index.js';

const [dbPath] = process.argv.slice(2);
if (!dbPath) throw new Error('usage: verify-child <db>');
const store = openStore(dbPath, { readonly: true });
const report = await store.verify();
const runs = await store.listRuns();
await store.close();
process.stdout.write(JSON.stringify({ ok: report.ok, runs: runs.length }));
