// Rows written many at a time: one INSERT per slice (PostgreSQL takes at most 65,535 parameters).
import type { Queryable } from './connection.js';

const MAX_PARAMETERS = 60_000;

/** Inserts rows (objects with the same keys, the table's column names) into `table`. */
export async function insertRows(db: Queryable, table: string, rows: readonly object[], suffix = ''): Promise<void> {
  const [first] = rows;
  if (!first) return;
  const columns = Object.keys(first);
  const perSlice = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < rows.length; start += perSlice) {
    const slice = rows.slice(start, start + perSlice);
    const params: unknown[] = [];
    const tuples = slice.map((row) => {
      const record = row as Record<string, unknown>;
      return `(${columns.map((column) => `$${params.push(record[column] ?? null)}`).join(', ')})`;
    });
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${suffix}`, params);
  }
}
