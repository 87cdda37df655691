// The store's public face: open a store by its location (a SQLite file's path, or a postgres:// URL);
// everything else goes through the role interfaces of types.ts.
import { isPostgresUrl } from './postgres/connection.js';
import { PostgresEvidenceStore } from './postgres/store.js';
import { SqliteEvidenceStore } from './sqlite-store.js';
import type { EvidenceStore } from './types.js';

import type { StoreKind } from './types.js';

/**
 * The store at `location`: PostgreSQL for a postgres:// URL (connected at the first call), else the
 * SQLite file at that path. `kind`: what a store created by this opening holds (default real); an
 * existing store keeps its own. `readonly`: nothing migrates or checkpoints the file. `untouched` (with
 * readonly, for `doctor`; SQLite): not even SQLite's -wal and -shm files are created next to it; when no
 * process has the store open (they do not exist), a private copy is read instead.
 */
export function openStore(location: string, options: { readonly?: boolean; kind?: StoreKind; untouched?: boolean } = {}): EvidenceStore {
  return isPostgresUrl(location) ? PostgresEvidenceStore.open(location, options) : SqliteEvidenceStore.open(location, options);
}

/** Where the config puts the store: store.url (PostgreSQL) when set, else store.path (SQLite). */
export function storeLocation(store: { path: string; url?: string | undefined }): string {
  return store.url ?? store.path;
}

export { isPostgresUrl, redactedUrl } from './postgres/connection.js';
export { migrateStore } from './migrate.js';
export type { MigrateResult } from './migrate.js';

export type * from './types.js';
export { StoreError } from './types.js';
export { DEMO_CONFIG_DIGEST } from './identity.js';
export { checkStoreFile, StoreFileError } from './store-file.js';
export { isDamagedStoreError, isStoreBusyError, lastOpenedStorePath } from './open-database.js';
