// The collectors' conditional-request cache in PostgreSQL: not evidence, replaced freely, not in the chain.
import type pg from 'pg';
import type { CachedResponse } from '../../collector.js';
import { compress, decompress } from '../blob-codec.js';
import { streamKey } from '../run-row.js';
import type { ResponseCache } from '../types.js';
import { StoreError } from '../types.js';
import { firstRow } from './connection.js';

export class PostgresResponseCache implements ResponseCache {
  constructor(
    private readonly pool: () => Promise<pg.Pool>,
    private readonly readonly: boolean,
  ) {}

  async cachedResponse(collector: string, scope: string, key: string): Promise<CachedResponse | undefined> {
    const row = await firstRow<{ etag: string; codec: string; body: Buffer }>(
      await this.pool(),
      'SELECT etag, codec, body FROM http_cache WHERE stream = $1 AND key = $2',
      [streamKey(collector, scope), key],
    );
    return row ? { etag: row.etag, body: decompress(row.codec, row.body).toString('utf8') } : undefined;
  }

  async cacheResponse(collector: string, scope: string, key: string, value: CachedResponse): Promise<void> {
    if (this.readonly) throw new StoreError('the store is open read-only');
    const body = compress(value.body);
    await (
      await this.pool()
    ).query(
      `INSERT INTO http_cache (stream, key, etag, codec, body, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (stream, key) DO UPDATE SET etag = excluded.etag, codec = excluded.codec, body = excluded.body, updated_at = excluded.updated_at`,
      [streamKey(collector, scope), key, value.etag, body.codec, body.content, new Date().toISOString()],
    );
  }
}
