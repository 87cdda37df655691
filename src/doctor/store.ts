// The store, as the writers will find it, checked without writing: an existing file is opened read-only
// and untouched (not even SQLite's -wal and -shm are created next to it) and must be a store of real evidence, intact, and writable by this user;
// a missing one must be creatable (its directory writable). The file is never created here.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { openStore } from '../store/index.js';
import { errorText, fail, ok } from './check.js';
import type { DoctorCheck } from './check.js';

const writable = (path: string) => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

export async function storeChecks(path: string): Promise<DoctorCheck[]> {
  if (!existsSync(path)) {
    const dir = dirname(path);
    if (!existsSync(dir))
      return [fail('store', path, `does not exist, and neither does its directory ${dir}: create it (a volume mounted there) or set store.path`)];
    return [
      writable(dir)
        ? ok('store', path, 'not created yet: the first collect or daemon creates it (its directory is writable)')
        : fail('store', path, `does not exist, and its directory ${dir} is not writable by this user`),
    ];
  }
  if (!statSync(path).isFile()) return [fail('store', path, 'is not a file')];
  let store;
  try {
    store = openStore(path, { readonly: true, untouched: true });
  } catch (error) {
    return [fail('store', path, errorText(error))];
  }
  try {
    const identity = await store.identity();
    const runs = (await store.stats()).runs;
    if (!identity.intact) return [fail('store', path, `its identity record does not match its hash: run evidence-agent verify --db ${path}`)];
    if (identity.kind === 'demo')
      return [fail('store', path, 'is a demo store (simulated runs): collect and the daemon refuse it; set store.path to another file')];
    const canWrite = writable(path) && writable(dirname(path));
    return [
      canWrite
        ? ok('store', path, `a store of real evidence, ${runs} run(s), writable`)
        : fail('store', path, `a store of real evidence, but it (or its directory, for the WAL) is not writable by this user`),
    ];
  } catch (error) {
    return [fail('store', path, errorText(error))];
  } finally {
    await store.close();
  }
}
