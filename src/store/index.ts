// The store's public face: open a store by path; everything else goes through EvidenceStore.
import { SqliteEvidenceStore } from './sqlite-store.js';
import type { EvidenceStore } from './types.js';

import type { StoreKind } from './types.js';

/** `kind`: what a store created by this opening holds (default real); an existing store keeps its own. */
export function openStore(path: string, options: { readonly?: boolean; kind?: StoreKind } = {}): EvidenceStore {
  return SqliteEvidenceStore.open(path, options);
}

export type * from './types.js';
export { StoreError } from './types.js';
export { DEMO_CONFIG_DIGEST } from './identity.js';
export { checkStoreFile, StoreFileError } from './store-file.js';
export { isDamagedStoreError, isStoreBusyError, lastOpenedStorePath } from './open-database.js';
