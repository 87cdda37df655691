// Reading a stream's events and event windows from PostgreSQL (see sqlite/event-reader.ts).
import type pg from 'pg';
import type { EventItem, EventWindow } from '../../collector.js';
import { decodeEvent, decompress } from '../blob-codec.js';
import { streamKey } from '../run-row.js';
import type { EventReader } from '../types.js';
import { rows } from './connection.js';

interface StoredWindowRow {
  partition: string;
  from_time: string;
  to_time: string;
  complete: number;
  error: string | null;
}

function windowOf(r: StoredWindowRow): EventWindow {
  return { partition: r.partition, from: r.from_time, to: r.to_time, complete: r.complete === 1, ...(r.error ? { error: r.error } : {}) };
}

type BlobRow = { codec: string; content: Buffer };
const eventOf = (row: BlobRow): EventItem => decodeEvent(decompress(row.codec, row.content).toString('utf8'));

/** Events read per query when iterating a population. */
const PAGE = 1000;

export class PostgresEventReader implements EventReader {
  constructor(private readonly pool: () => Promise<pg.Pool>) {}

  async watermarks(collector: string, scope: string): Promise<Record<string, string>> {
    const found = await rows<{ partition: string; watermark: string }>(
      await this.pool(),
      `SELECT partition, max(to_time) AS watermark FROM event_windows
       WHERE stream = $1 AND complete = 1 GROUP BY partition ORDER BY partition`,
      [streamKey(collector, scope)],
    );
    return Object.fromEntries(found.map((r) => [r.partition, r.watermark]));
  }

  async windowsOf(seq: number): Promise<EventWindow[]> {
    const found = await rows<StoredWindowRow>(
      await this.pool(),
      'SELECT partition, from_time, to_time, complete, error FROM event_windows WHERE run_seq = $1 ORDER BY partition',
      [seq],
    );
    return found.map(windowOf);
  }

  async streamWindows(collector: string, scope: string, from: Date, to: Date): Promise<EventWindow[]> {
    const found = await rows<StoredWindowRow>(
      await this.pool(),
      `SELECT partition, from_time, to_time, complete, error FROM event_windows
       WHERE stream = $1 AND to_time > $2 AND from_time < $3 ORDER BY partition, from_time, run_seq`,
      [streamKey(collector, scope), from.toISOString(), to.toISOString()],
    );
    return found.map(windowOf);
  }

  /** Page by page, keyed on (occurred_at, event_id): memory stays one page whatever the population. */
  async *iterateEvents(collector: string, scope: string, from: Date, to: Date): AsyncIterable<EventItem> {
    const pool = await this.pool();
    const stream = streamKey(collector, scope);
    let after: [string, string] = ['', ''];
    for (;;) {
      const page = await rows<BlobRow & { occurred_at: string; event_id: string }>(
        pool,
        `SELECT e.occurred_at, e.event_id, b.codec, b.content FROM events e JOIN blobs b ON b.hash = e.blob_hash
         WHERE e.stream = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3 AND (e.occurred_at, e.event_id) > ($4, $5)
         ORDER BY e.occurred_at, e.event_id LIMIT ${PAGE}`,
        [stream, from.toISOString(), to.toISOString(), ...after],
      );
      for (const row of page) yield eventOf(row);
      const last = page.at(-1);
      if (!last || page.length < PAGE) return;
      after = [last.occurred_at, last.event_id];
    }
  }

  async eventsOf(collector: string, scope: string, from: Date, to: Date): Promise<EventItem[]> {
    const found = await rows<BlobRow>(
      await this.pool(),
      `SELECT b.codec, b.content FROM events e JOIN blobs b ON b.hash = e.blob_hash
       WHERE e.stream = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3 ORDER BY e.occurred_at, e.event_id`,
      [streamKey(collector, scope), from.toISOString(), to.toISOString()],
    );
    return found.map(eventOf);
  }

  async eventsById(collector: string, scope: string, eventIds: readonly string[]): Promise<EventItem[]> {
    if (eventIds.length === 0) return [];
    const found = await rows<BlobRow>(
      await this.pool(),
      `SELECT b.codec, b.content FROM events e JOIN blobs b ON b.hash = e.blob_hash WHERE e.stream = $1 AND e.event_id = ANY($2)`,
      [streamKey(collector, scope), [...eventIds]],
    );
    return found.map(eventOf);
  }
}
