// Reading a stream's events and event windows from SQLite.
import type { EventItem, EventWindow } from '../../collector.js';
import { decodeEvent, decompress } from '../blob-codec.js';
import type { SqliteDatabase } from '../open-database.js';
import { streamKey } from '../run-row.js';
import type { EventReader } from '../types.js';

export interface StoredWindowRow {
  partition: string;
  from_time: string;
  to_time: string;
  complete: number;
  error: string | null;
}

export function windowOf(r: StoredWindowRow): EventWindow {
  return {
    partition: r.partition,
    from: r.from_time,
    to: r.to_time,
    complete: r.complete === 1,
    ...(r.error ? { error: r.error } : {}),
  };
}

type BlobRow = { codec: string; content: Buffer };

const eventOf = (row: BlobRow): EventItem => decodeEvent(decompress(row.codec, row.content).toString('utf8'));

export class SqliteEventReader implements EventReader {
  constructor(private readonly db: SqliteDatabase) {}

  async watermarks(collector: string, scope: string): Promise<Record<string, string>> {
    const rows = this.db
      .prepare(
        `SELECT partition, max(to_time) AS watermark FROM event_windows
         WHERE stream = ? AND complete = 1 GROUP BY partition ORDER BY partition`,
      )
      .all(streamKey(collector, scope)) as { partition: string; watermark: string }[];
    return Object.fromEntries(rows.map((r) => [r.partition, r.watermark]));
  }

  async windowsOf(seq: number): Promise<EventWindow[]> {
    const rows = this.db
      .prepare('SELECT partition, from_time, to_time, complete, error FROM event_windows WHERE run_seq = ? ORDER BY partition')
      .all(seq) as StoredWindowRow[];
    return rows.map(windowOf);
  }

  async streamWindows(collector: string, scope: string, from: Date, to: Date): Promise<EventWindow[]> {
    const rows = this.db
      .prepare(
        `SELECT partition, from_time, to_time, complete, error FROM event_windows
         WHERE stream = ? AND to_time > ? AND from_time < ? ORDER BY partition, from_time, run_seq`,
      )
      .all(streamKey(collector, scope), from.toISOString(), to.toISOString()) as StoredWindowRow[];
    return rows.map(windowOf);
  }

  async *iterateEvents(collector: string, scope: string, from: Date, to: Date): AsyncIterable<EventItem> {
    const statement = this.db.prepare(
      `SELECT b.codec, b.content FROM events e JOIN blobs b ON b.hash = e.blob_hash
       WHERE e.stream = ? AND e.occurred_at >= ? AND e.occurred_at < ? ORDER BY e.occurred_at, e.event_id`,
    );
    for (const row of statement.iterate(streamKey(collector, scope), from.toISOString(), to.toISOString()) as Iterable<BlobRow>) {
      yield eventOf(row);
    }
  }

  async eventsOf(collector: string, scope: string, from: Date, to: Date): Promise<EventItem[]> {
    const rows = this.db
      .prepare(
        `SELECT b.codec, b.content FROM events e JOIN blobs b ON b.hash = e.blob_hash
         WHERE e.stream = ? AND e.occurred_at >= ? AND e.occurred_at < ? ORDER BY e.occurred_at, e.event_id`,
      )
      .all(streamKey(collector, scope), from.toISOString(), to.toISOString()) as BlobRow[];
    return rows.map(eventOf);
  }

  async eventsById(collector: string, scope: string, eventIds: readonly string[]): Promise<EventItem[]> {
    const events: EventItem[] = [];
    const stream = streamKey(collector, scope);
    // In slices: SQLite bounds the number of parameters of one statement.
    for (let start = 0; start < eventIds.length; start += 500) {
      const ids = eventIds.slice(start, start + 500);
      const rows = this.db
        .prepare(
          `SELECT b.codec, b.content FROM events e JOIN blobs b ON b.hash = e.blob_hash
           WHERE e.stream = ? AND e.event_id IN (${ids.map(() => '?').join(', ')})`,
        )
        .all(stream, ...ids) as BlobRow[];
      for (const row of rows) events.push(eventOf(row));
    }
    return events;
  }
}
