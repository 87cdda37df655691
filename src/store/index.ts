// The store's public face: open a store by path; everything else goes through EvidenceStore.
import { SqliteEvidenceStore } from './sqlite-store.js';
import type { EvidenceStore } from './types.js';

import type { StoreKind } from './types.js';

/** `kind`: what a store created by this opening holds (default real); an existing store keeps its own. */
/**
 * `readonly`: nothing migrates or checkpoints the file. `untouched` (with readonly, for `doctor`): not
 * even SQLite's -wal and -shm files are created next to it; when no process has the store open (they do
 * not exist), a private copy is read instead.
 */
export function openStore(path: string, options: { readonly?: boolean; kind?: StoreKind; untouched?: boolean } = {}): EvidenceStore {
  return SqliteEvidenceStore.open(path, options);
}

export type * from './types.js';
export { StoreError } from './types.js';
export { DEMO_CONFIG_DIGEST } from './identity.js';
export { checkStoreFile, StoreFileError } from './store-file.js';
export { isDamagedStoreError, isStoreBusyError, lastOpenedStorePath } from './open-database.js';
