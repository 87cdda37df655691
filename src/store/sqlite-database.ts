// The SQLite connection type the store's parts share: in a file of its own, so that the parts
// open-database.ts runs (identity, intents, migrations) do not import it back.
import type Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;
