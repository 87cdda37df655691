// The collectors' conditional-request cache in SQLite: not evidence, replaced freely, not in the chain.
import type { CachedResponse } from '../../collector.js';
import { compress, decompress } from '../blob-codec.js';
import type { SqliteDatabase } from '../open-database.js';
import { streamKey } from '../run-row.js';
import type { ResponseCache } from '../types.js';
import { StoreError } from '../types.js';

export class SqliteResponseCache implements ResponseCache {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly readonly: boolean,
  ) {}

  async cachedResponse(collector: string, scope: string, key: string): Promise<CachedResponse | undefined> {
    const row = this.db.prepare('SELECT etag, codec, body FROM http_cache WHERE stream = ? AND key = ?').get(streamKey(collector, scope), key) as
      { etag: string; codec: string; body: Buffer } | undefined;
    return row ? { etag: row.etag, body: decompress(row.codec, row.body).toString('utf8') } : undefined;
  }

  async cacheResponse(collector: string, scope: string, key: string, value: CachedResponse): Promise<void> {
    if (this.readonly) throw new StoreError('the store is open read-only');
    const body = compress(value.body);
    this.db
      .prepare(
        `INSERT INTO http_cache (stream, key, etag, codec, body, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (stream, key) DO UPDATE SET etag = excluded.etag, codec = excluded.codec, body = excluded.body, updated_at = excluded.updated_at`,
      )
      .run(streamKey(collector, scope), key, value.etag, body.codec, body.content, new Date().toISOString());
  }
}
