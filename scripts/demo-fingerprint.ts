// `tsx scripts/demo-fingerprint.ts <out.json> [root]`: runs `demo --days 3 --now 2026-06-30T12:00:00Z`
// of the tree at `root` (default: this one) into a fresh directory with a fixed signing key, and writes
// what a refactoring must leave unchanged: the demo's stdout (the directory's path replaced) and, per
// file of the bundle, its SHA-256. Two fingerprints are compared with `--compare a.json b.json`; files
// that hold the run's real-time instants or hashes derived from them differ between any two runs,
// so the comparison is reported next to that of two runs of the same tree.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

interface Fingerprint {
  stdout: string;
  exitCode: number | null;
  files: Record<string, string>;
}

const KEY_SEED = 'demo-fingerprint';

function fixedKey(): string {
  // A fixed Ed25519 key (from a fixed seed), so the bundle's signature and fingerprint repeat.
  const seed = createHash('sha256').update(KEY_SEED).digest();
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  // PEM armour around a key made here from a fixed seed: nothing secret is committed.
  const label = 'PRIVATE KEY';
  return `-----BEGIN ${label}-----\n${pkcs8.toString('base64')}\n-----END ${label}-----\n`;
}

function filesUnder(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, root) : [relative(root, path)];
  });
}

function fingerprint(root: string): Fingerprint {
  const dir = mkdtempSync(join(tmpdir(), 'demo-fingerprint-'));
  try {
    writeFileSync(join(dir, 'demo-signing-key.pem'), fixedKey(), { mode: 0o600 });
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/cli.ts'), 'demo', '--days', '3', '--now', '2026-06-30T12:00:00Z', '--db', join(dir, 'demo.db')],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, LOG_LEVEL: 'silent', NO_COLOR: '1' },
        maxBuffer: 64 * 2 ** 20,
      },
    );
    const bundle = readdirSync(dir).find((name) => name.endsWith('.tar.gz'));
    const files: Record<string, string> = {};
    if (bundle) {
      const unpacked = join(dir, 'unpacked');
      execFileSync('mkdir', ['-p', unpacked]);
      execFileSync('tar', ['-xzf', join(dir, bundle), '-C', unpacked]);
      for (const file of filesUnder(unpacked).sort())
        files[file] = createHash('sha256')
          .update(readFileSync(join(unpacked, file)))
          .digest('hex');
    }
    return { stdout: result.stdout.split(dir).join('<dir>'), exitCode: result.status, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compare(a: Fingerprint, b: Fingerprint): { stdoutIdentical: boolean; stdoutDiff: string[]; sameFileList: boolean; differingFiles: string[] } {
  // Run hashes chain real-time instants: they differ between any two runs, so they are compared masked.
  const masked = (text: string) => text.replace(/[0-9a-f]{64}/g, '<sha256>');
  const aLines = masked(a.stdout).split('\n');
  const bLines = masked(b.stdout).split('\n');
  const stdoutDiff = aLines.flatMap((line, i) => (line === bLines[i] ? [] : [`- ${line}`, `+ ${bLines[i] ?? ''}`]));
  const names = Object.keys(a.files);
  return {
    stdoutIdentical: masked(a.stdout) === masked(b.stdout) && a.exitCode === b.exitCode,
    stdoutDiff,
    sameFileList: JSON.stringify(names) === JSON.stringify(Object.keys(b.files)),
    differingFiles: names.filter((name) => a.files[name] !== b.files[name]),
  };
}

const [first, second, third] = process.argv.slice(2);
if (first === '--compare') {
  const read = (path: string) => JSON.parse(readFileSync(path!, 'utf8')) as Fingerprint;
  process.stdout.write(`${JSON.stringify(compare(read(second!), read(third!)), null, 2)}\n`);
} else if (first) {
  writeFileSync(first, `${JSON.stringify(fingerprint(resolve(second ?? '.')), null, 2)}\n`);
} else {
  process.stderr.write('usage: tsx scripts/demo-fingerprint.ts <out.json> [root] | --compare <a.json> <b.json>\n');
  process.exit(2);
}
