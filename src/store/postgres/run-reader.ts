// Reading runs from PostgreSQL (see sqlite/run-reader.ts).
import type pg from 'pg';
import type { ChainedRunFields } from '../chain.js';
import { chainFields, toRecord } from '../run-row.js';
import type { RunRow } from '../run-row.js';
import type { RunFilter, RunReader, RunRecord } from '../types.js';
import { firstRow, rows } from './connection.js';

export class PostgresRunReader implements RunReader {
  constructor(private readonly pool: () => Promise<pg.Pool>) {}

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: string, value: unknown) => where.push(condition.replace('?', `$${params.push(value)}`));
    if (filter.collector) add('collector = ?', filter.collector);
    if (filter.scope) add('scope = ?', filter.scope);
    if (filter.from) add('started_at >= ?', filter.from.toISOString());
    if (filter.to) add('started_at < ?', filter.to.toISOString());
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq${
      filter.limit ? ` DESC LIMIT ${Math.max(0, Math.floor(filter.limit))}` : ''
    }`;
    const found = (await rows<RunRow>(await this.pool(), sql, params)).map(toRecord);
    return filter.limit ? found.reverse() : found;
  }

  async getRun(seq: number): Promise<RunRecord | undefined> {
    const row = await firstRow<RunRow>(await this.pool(), 'SELECT * FROM runs WHERE seq = $1', [seq]);
    return row && toRecord(row);
  }

  async latestSnapshots(at: Date = new Date()): Promise<RunRecord[]> {
    return this.latestPerStream(at, "status IN ('ok', 'partial') AND");
  }

  async latestRuns(at: Date = new Date()): Promise<RunRecord[]> {
    return this.latestPerStream(at, '');
  }

  private async latestPerStream(at: Date, condition: string): Promise<RunRecord[]> {
    const found = await rows<RunRow>(
      await this.pool(),
      `SELECT r.* FROM runs r
       JOIN (SELECT collector, scope, max(seq) AS seq FROM runs
             WHERE ${condition} started_at <= $1 GROUP BY collector, scope) latest
         ON latest.seq = r.seq
       ORDER BY r.collector, r.scope`,
      [at.toISOString()],
    );
    return found.map(toRecord);
  }

  async lastResolvedScope(collector: string, configuredScope: string): Promise<string | undefined> {
    const row = await firstRow<{ scope: string }>(
      await this.pool(),
      `SELECT scope FROM runs WHERE collector = $1 AND (meta::jsonb ->> 'configuredScope') = $2 ORDER BY seq DESC LIMIT 1`,
      [collector, configuredScope],
    );
    return row?.scope;
  }

  async chainedRuns(fromSeq: number, toSeq: number): Promise<{ fields: ChainedRunFields; hash: string }[]> {
    const found = await rows<RunRow>(await this.pool(), 'SELECT * FROM runs WHERE seq BETWEEN $1 AND $2 ORDER BY seq', [fromSeq, toSeq]);
    return found.map((row) => ({ fields: chainFields(row), hash: row.hash }));
  }
}
