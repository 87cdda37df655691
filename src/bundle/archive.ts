// Deterministic tar.gz of a bundle directory: entries sorted by path, fixed times, owner and modes, so
// the same files always give the same bytes; files are streamed from disk, never held in memory.
import { createReadStream, createWriteStream, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tar from 'tar-stream';

/** Every file under `root`, as POSIX paths relative to it, sorted. */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/** `mtime`: a fixed entry time chosen by the caller, so the archive does not depend on when it was written. */
export async function packDirectory(root: string, out: string, mtime: Date): Promise<void> {
  const pack = tar.pack();
  const written = pipeline(pack, createGzip({ level: 9 }), createWriteStream(out));
  for (const path of listFiles(root)) {
    const size = statSync(join(root, path)).size;
    const entry = pack.entry({ name: path, size, mode: 0o644, mtime, uid: 0, gid: 0, uname: '', gname: '', type: 'file' });
    await pipeline(createReadStream(join(root, path)), entry);
  }
  pack.finalize();
  await written;
}

/** No file of a bundle comes near this; a header declaring more is refused before a byte is written. */
export const MAX_ENTRY_BYTES = 2 * 1024 ** 3;
/** All entries together, as unpacked (a gzip bomb stops here, not when the disk is full). */
export const MAX_UNPACKED_BYTES = 8 * 1024 ** 3;
export const MAX_ENTRIES = 1_000_000;

export interface UnpackLimits {
  entryBytes: number;
  totalBytes: number;
  entries: number;
}

/**
 * Unpacks a bundle into `target` as untrusted input: only plain files, only inside `target` (no
 * absolute path, no `..`), each name once, within size limits checked on the declared size before
 * writing and on the bytes as they stream. Entries stream to disk, never into memory.
 */
export async function unpackArchive(
  archive: string,
  target: string,
  limits: UnpackLimits = { entryBytes: MAX_ENTRY_BYTES, totalBytes: MAX_UNPACKED_BYTES, entries: MAX_ENTRIES },
): Promise<void> {
  const extract = tar.extract();
  const done = pipeline(createReadStream(archive), createGunzip(), extract);
  // Handled here and rethrown below: refusing an entry stops the pipeline, which must not go unhandled.
  const outcome = done.then(
    () => undefined,
    (error: unknown) => error,
  );
  const seen = new Set<string>();
  let total = 0;
  try {
    for await (const entry of extract) {
      const { name, type, size = 0 } = entry.header;
      const parts = name.split('/');
      const refuse = (why: string) => new Error(`the archive holds ${why}: ${JSON.stringify(name.slice(0, 200))}`);
      if (type !== 'file') throw refuse(`an entry that is not a plain file (${type ?? 'unknown type'})`);
      if (name.startsWith('/') || parts.includes('..') || name.includes('\\') || name.includes('\0')) throw refuse('a path that leaves the bundle');
      const key = parts.filter((p) => p !== '' && p !== '.').join('/');
      if (key === '') throw refuse('an entry without a name');
      if (seen.has(key)) throw refuse('the same file twice');
      if (seen.size >= limits.entries) throw refuse(`more than ${limits.entries} entries`);
      seen.add(key);
      if (size > limits.entryBytes) throw refuse(`an entry declaring ${size} bytes, over the ${limits.entryBytes}-byte limit`);
      total += size;
      if (total > limits.totalBytes) throw refuse(`more than ${limits.totalBytes} bytes in all`);
      const path = join(target, ...key.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      await pipeline(entry, createWriteStream(path, { flags: 'wx' }));
    }
  } catch (error) {
    extract.destroy();
    await outcome;
    throw error;
  }
  const failure = await outcome;
  if (failure) throw failure;
}
