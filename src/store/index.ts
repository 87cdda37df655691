// The store's public face: open a store by path; everything else goes through EvidenceStore.
import { SqliteEvidenceStore } from './sqlite-store.js';
import type { EvidenceStore } from './types.js';

export function openStore(path: string, options: { readonly?: boolean } = {}): EvidenceStore {
  return SqliteEvidenceStore.open(path, options);
}

export type * from './types.js';
export { StoreError } from './types.js';
export { checkStoreFile, StoreFileError } from './store-file.js';
export { isDamagedStoreError, isStoreBusyError, lastOpenedStorePath } from './open-database.js';
