// What can be wrong with the file a store path names, found before SQLite is asked to use it, and said in
// one line that names the file, the cause and the fix: a directory, a read-only file or folder, an empty
// file, bytes that are not SQLite, a file cut short, another application's database. SQLite's own words
// for these ("unable to open database file", "file is not a database", "no such table: runs") name
// neither the file nor what to do, and a writer that only learns of a read-only file at its commit has
// collected for nothing.
import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { StoreError } from './types.js';

/** The path names no usable store, and another path (or a fixed file) is the fix: a usage error. */
export class StoreFileError extends StoreError {
  override name = 'StoreFileError';
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StoreFileError(`cannot use ${path} as the evidence store: ${(error as Error).message}`);
  }
}

function writable(path: string): NodeJS.ErrnoException | null {
  try {
    accessSync(path, constants.W_OK);
    return null;
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

function header(path: string, size: number): Buffer {
  const bytes = Buffer.alloc(Math.min(HEADER_BYTES, size));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/**
 * The database file is shorter than its header says (a copy or download cut off): SQLite would read
 * the missing pages as "database disk image is malformed" at some later query.
 */
function cutShort(bytes: Buffer, size: number): string | null {
  if (bytes.length < HEADER_BYTES) return `${size} bytes, less than a SQLite header`;
  const raw = bytes.readUInt16BE(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  const pages = bytes.readUInt32BE(28);
  // The in-header size counts only when written by a SQLite that keeps it (version-valid-for = change counter).
  if (pages === 0 || bytes.readUInt32BE(92) !== bytes.readUInt32BE(24)) return null;
  const expected = pageSize * pages;
  return size < expected ? `${size} of its ${expected} bytes` : null;
}

/**
 * Refuses, before it is opened, a path that cannot be an evidence store (StoreFileError: a usage error)
 * or a store that is damaged (StoreError). Writers also need the file and its folder writable (SQLite
 * keeps -wal and -shm files beside it); a missing file is created by writers and refused by readers
 * before this is called. A postgres:// location passes: it is not a file.
 */
export function checkStoreFile(path: string, access: 'read' | 'write'): void {
  // A PostgreSQL store is no file: the database answers for itself when it is first used.
  if (/^postgres(ql)?:\/\//i.test(path)) return;
  const stats = statOrNull(path);
  if (stats?.isDirectory()) {
    throw new StoreFileError(`${path} is a directory, not an evidence store file: pass --db (or store.path) a file, e.g. ${join(path, 'evidence.db')}`);
  }
  if (stats && !stats.isFile()) throw new StoreFileError(`${path} is not a regular file: pass --db (or store.path) the evidence store's file`);
  if (stats && stats.size === 0 && access === 'read') {
    throw new StoreFileError(
      `${path} is empty: no evidence store yet; run \`evidence-agent collect\` (or \`evidence-agent demo\`) into it first, or pass --db the store's file`,
    );
  }
  if (stats && stats.size > 0) {
    const bytes = header(path, stats.size);
    if (!bytes.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
      throw new StoreFileError(
        `${path} is not an evidence store: it is not a SQLite database (another kind of file, or a store overwritten); pass --db the store's file, or restore the store from a backup`,
      );
    }
    const short = cutShort(bytes, stats.size);
    if (short) {
      throw new StoreError(`${path} is damaged: the file is cut short (${short}); restore it from a backup, then \`evidence-agent verify\``);
    }
  }
  if (access === 'write') {
    const folder = dirname(path);
    const fileDenied = stats ? writable(path) : null;
    const denied = fileDenied ?? (statOrNull(folder) ? writable(folder) : null);
    if (denied) {
      const what = fileDenied ? `${path} is read-only` : `the folder ${folder} of the evidence store is read-only`;
      throw new StoreFileError(
        `${what} (${denied.code ?? denied.message}): every run is written into the store, and SQLite keeps its -wal and -shm files beside it; ` +
          'make both writable for the user running the agent, or point --db (or store.path) at a writable place',
      );
    }
  }
}
