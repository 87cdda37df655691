// The PostgreSQL store's identity record (see ../identity.ts): intact when it is the only one and matches its hash.
import { storeIdentityHash } from '../chain.js';
import { identityFieldsOf } from '../identity.js';
import type { StoreIdentity } from '../types.js';
import { rows } from './connection.js';
import type { Queryable } from './connection.js';

export async function readIdentity(db: Queryable): Promise<StoreIdentity> {
  const found = await rows<Parameters<typeof identityFieldsOf>[0] & { hash: string }>(db, 'SELECT * FROM store_identity');
  const [row] = found;
  if (!row) return { storeId: '', kind: 'real', createdAt: '', recorded: false, intact: false };
  const intact = found.length === 1 && storeIdentityHash(identityFieldsOf(row)) === row.hash;
  return { storeId: row.store_id, kind: row.kind, createdAt: row.created_at, recorded: true, intact };
}
