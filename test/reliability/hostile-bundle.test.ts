// `verify` of a hostile bundle: entries that climb out of the bundle (../../x), absolute paths,
// symlinks and hard links, the same name twice, a 10 GB declared size, more bytes than allowed in all.
// Each is refused with a named reason before anything is written outside a private temporary
// directory, and a declared size is refused before its bytes are read.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { unpackArchive } from '../../src/bundle/archive.js';
import { verifyBundle } from '../../src/bundle/verify-bundle.js';
import { cliInProcess } from '../helpers/cli-in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-hostile-'));

interface Entry {
  name: string;
  type?: 'file' | 'symlink' | 'link' | 'directory';
  content?: string;
  linkname?: string;
}

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    if (type === 'file') pack.entry({ name: entry.name, mode: 0o644 }, entry.content ?? 'x');
    else pack.entry({ name: entry.name, type, ...(entry.linkname ? { linkname: entry.linkname } : {}) });
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

function write(entries: Buffer, name = `${randomUUID()}.tar.gz`): string {
  const path = join(dir, name);
  writeFileSync(path, gzipSync(entries));
  return path;
}

/** Rewrites the size field of the first header to `size` (base-256, as tar does past 8 GiB) and fixes its checksum. */
function declareSize(archive: Buffer, size: number): Buffer {
  const copy = Buffer.from(archive);
  copy[124] = 0x80;
  let rest = size;
  for (let i = 11; i > 0; i--) {
    copy[124 + i] = rest & 0xff;
    rest = Math.floor(rest / 256);
  }
  copy.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += copy[i]!;
  copy.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return copy;
}

const escapeName = `evidence-agent-escape-${randomUUID()}`;
const outside = [join(dirname(tmpdir()), escapeName), join(tmpdir(), escapeName), join('/', escapeName)];

describe('verify of a hostile bundle', () => {
  it.each<[string, Entry[], RegExp]>([
    ['a path that climbs out', [{ name: 'SHA256SUMS' }, { name: `../../${escapeName}` }], /a path that leaves the bundle: "\.\.\/\.\.\/evidence-agent-escape-/],
    ['a path that climbs out midway', [{ name: `evidence/../../${escapeName}` }], /a path that leaves the bundle/],
    ['an absolute path', [{ name: `/tmp/${escapeName}` }], /a path that leaves the bundle: "\/tmp\//],
    ['a symlink', [{ name: 'evidence', type: 'symlink', linkname: '/etc' }, { name: 'evidence/passwd' }], /not a plain file \(symlink\)/],
    ['a hard link', [{ name: 'runs.jsonl', type: 'link', linkname: '/etc/passwd' }], /not a plain file \(link\)/],
    ['a directory entry', [{ name: 'evidence/', type: 'directory' }], /not a plain file \(directory\)/],
    [
      'the same name twice',
      [
        { name: 'manifest.json', content: '{}' },
        { name: 'manifest.json', content: '{"x":1}' },
      ],
      /the same file twice: "manifest\.json"/,
    ],
    ['the same name twice, spelt differently', [{ name: 'manifest.json' }, { name: './manifest.json' }], /the same file twice/],
  ])('refuses %s, writing nothing outside', async (_, entries, reason) => {
    const report = await verifyBundle(write(await tarOf(entries)));
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/: not a readable bundle archive: the archive holds /);
    expect(report.problems[0]).toMatch(reason);
    for (const path of outside) expect(existsSync(path)).toBe(false);
  });

  it('refuses a 10 GB declared size from the header, before reading its bytes', async () => {
    const archive = declareSize(await tarOf([{ name: 'evidence-index.csv', content: 'a,b\n' }]), 10 * 1024 ** 3);
    const started = Date.now();
    const report = await verifyBundle(write(archive));
    expect(report.problems).toEqual([
      expect.stringMatching(/the archive holds an entry declaring 10737418240 bytes, over the 2147483648-byte limit: "evidence-index\.csv"/),
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops unpacking at the total size limit as the bytes stream (a gzip bomb)', async () => {
    const archive = write(
      await tarOf([
        { name: 'a', content: 'x'.repeat(1000) },
        { name: 'b', content: 'y'.repeat(1000) },
      ]),
    );
    const target = mkdtempSync(join(dir, 'unpack-'));
    await expect(unpackArchive(archive, target, { entryBytes: 1500, totalBytes: 1500, entries: 10 })).rejects.toThrow(/more than 1500 bytes in all: "b"/);
    expect(readdirSync(target)).toEqual(['a']);
    await expect(unpackArchive(archive, mkdtempSync(join(dir, 'unpack-')), { entryBytes: 999, totalBytes: 1e6, entries: 10 })).rejects.toThrow(
      /declaring 1000 bytes, over the 999-byte limit/,
    );
    await expect(unpackArchive(archive, mkdtempSync(join(dir, 'unpack-')), { entryBytes: 1e6, totalBytes: 1e6, entries: 1 })).rejects.toThrow(
      /more than 1 entries/,
    );
  });

  it('refuses a file that is not a gzip archive, and says so on the command line with exit 1', async () => {
    const path = join(dir, 'not-a-bundle.tar.gz');
    writeFileSync(path, 'this is not gzip');
    expect((await verifyBundle(path)).problems[0]).toMatch(/not a readable bundle archive: incorrect header check/);
    const traversal = write(await tarOf([{ name: `../../${escapeName}` }]));
    const cli = await cliInProcess(['verify', traversal]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/^FAILED: .*not a readable bundle archive: the archive holds a path that leaves the bundle/);
  });
});
