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

/** Unpacks a bundle into `target`, refusing paths that would leave it and anything but plain files. */
export async function unpackArchive(archive: string, target: string): Promise<void> {
  const extract = tar.extract();
  const done = pipeline(createReadStream(archive), createGunzip(), extract);
  for await (const entry of extract) {
    const name = entry.header.name;
    if (entry.header.type !== 'file' || name.startsWith('/') || name.split('/').includes('..')) {
      entry.resume();
      throw new Error(`the archive holds an entry that is not a plain file inside the bundle: ${name}`);
    }
    const path = join(target, ...name.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    await pipeline(entry, createWriteStream(path));
  }
  await done;
}
