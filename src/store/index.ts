// The store's public face: open a store by path; everything else goes through EvidenceStore.
import { SqliteEvidenceStore } from './sqlite-store.js';
import type { EvidenceStore } from './types.js';

export function openStore(path: string): EvidenceStore {
  return SqliteEvidenceStore.open(path);
}

export type * from './types.js';
export { StoreError } from './types.js';
