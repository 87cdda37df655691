// A store path that names no usable store, through the real command line (in-process): a directory,
// random bytes, an empty file, a store cut short or damaged inside, another application's SQLite file.
// Every command, reader or writer, says so in one line naming the file, the cause and the fix (exit 2
// when the path is wrong, 1 when the store is damaged), and leaves the file exactly as it was.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.js';
import { openStore } from '../../src/store/index.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { spawnCli } from '../helpers/cli-process.js';
import { collectSyntheticDay } from '../helpers/synthetic-estate.js';

const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-bad-store-'));
chmodSync(dir, 0o755); // the read-only cases run the agent as nobody, who must reach into it
let counter = 0;
const fresh = (name: string) => join(dir, `${counter++}-${name}`);
const sha = (path: string) =>
  statSync(path).isDirectory() ? `dir:${readdirSync(path).join(',')}` : createHash('sha256').update(readFileSync(path)).digest('hex');

const config = join(dir, 'config.yaml');
let goodStore: Buffer;
beforeAll(async () => {
  const path = fresh('good.db');
  const store = openStore(path);
  for (let day = 0; day < 3; day++) await collectSyntheticDay(store, day, 50);
  await store.close();
  goodStore = readFileSync(path);
  writeFileSync(config, 'collectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n');
});

function foreignDatabase(path: string, tables: string[]): void {
  const db = new Database(path);
  for (const table of tables) db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO ${table} (body) VALUES ('keep me')`);
  db.close();
}

/** Readers open the store read-only; writers would create, migrate and write it. */
const READERS: string[][] = [['findings'], ['runs'], ['verify'], ['coverage', '--from', '2026-01-01', '--to', '2026-01-02']];
const WRITERS: string[][] = [
  ['collect', '--config', config],
  ['digest', '--week', '2026-W01'],
  ['demo', '--days', '1'],
];

interface BadStore {
  name: string;
  make: (path: string) => void;
  line: (path: string) => string;
  code: 1 | 2;
  writersToo: boolean;
}

const BAD: BadStore[] = [
  {
    name: 'a directory',
    make: (path) => mkdirSync(path),
    line: (path) => `${path} is a directory, not an evidence store file: pass --db (or store.path) a file, e.g. ${join(path, 'evidence.db')}`,
    code: 2,
    writersToo: true,
  },
  {
    name: 'random bytes',
    make: (path) => writeFileSync(path, randomBytes(64 * 1024)),
    line: (path) =>
      `${path} is not an evidence store: it is not a SQLite database (another kind of file, or a store overwritten); pass --db the store's file, or restore the store from a backup`,
    code: 2,
    writersToo: true,
  },
  {
    // Writers may start a store in an empty file: nothing is in it to lose.
    name: 'an empty file',
    make: (path) => writeFileSync(path, ''),
    line: (path) =>
      `${path} is empty: no evidence store yet; run \`evidence-agent collect\` (or \`evidence-agent demo\`) into it first, or pass --db the store's file`,
    code: 2,
    writersToo: false,
  },
  {
    name: 'a store cut short (a copy that stopped at 64 KiB)',
    make: (path) => writeFileSync(path, goodStore.subarray(0, 65_536)),
    line: (path) =>
      `${path} is damaged: the file is cut short (65536 of its ${goodStore.length} bytes); restore it from a backup, then \`evidence-agent verify\``,
    code: 1,
    writersToo: true,
  },
  {
    name: "another application's SQLite database",
    make: (path) => foreignDatabase(path, ['notes', 'tags']),
    line: (path) =>
      `${path} is not an evidence store: it is another application's SQLite database (tables: notes, tags), left as it is; pass --db (or store.path) the evidence store's file, or a new file to start a store`,
    code: 2,
    writersToo: true,
  },
  {
    // Its `runs` table had the store's name but not its columns: "no such column: seq".
    name: "another application's SQLite database with a runs table",
    make: (path) => foreignDatabase(path, ['runs']),
    line: (path) =>
      `${path} is not an evidence store: it is another application's SQLite database (tables: runs), left as it is; pass --db (or store.path) the evidence store's file, or a new file to start a store`,
    code: 2,
    writersToo: true,
  },
];

const CASES = BAD.flatMap((bad) => [...READERS, ...(bad.writersToo ? WRITERS : [])].map((args) => ({ ...bad, args })));

describe('bad input: the store file', () => {
  it.each(CASES)('$name, `$args.0`: one line naming it, exit $code, the file unchanged', async ({ make, line, code, args }) => {
    const path = fresh('store.db');
    make(path);
    const before = sha(path);
    const result = await cliInProcess([...args, '--db', path]);
    const stderr = result.stderr.split('\n').filter((l) => l && !l.includes('no config'));
    expect(stderr, result.stderr).toEqual([`evidence-agent: ${line(path)}`]);
    expect(result.code).toBe(code);
    expect(sha(path)).toBe(before);
    // Nothing beside it either (no -wal, -shm or lock file created for a file that is not a store).
    expect(readdirSync(dir).filter((name) => name.startsWith(path.slice(dir.length + 1)) && name !== path.slice(dir.length + 1))).toEqual([]);
  });

  it('names a store damaged inside (pages overwritten) when SQLite finds it mid-command, exit 1', async () => {
    const path = fresh('overwritten.db');
    const bytes = Buffer.from(goodStore);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0xff, 2 * pageSize);
    writeFileSync(path, bytes);
    const result = await cliInProcess(['verify', '--db', path]);
    expect(result.stderr).toBe(
      `evidence-agent: ${path} is damaged (SQLite: database disk image is malformed): restore the store from a backup, then \`evidence-agent verify\`\n`,
    );
    expect(result.code).toBe(1);
  });
});

// Root writes any file, so a read-only store is tried as `nobody` (65534), as the store test's reader is.
const NOBODY = 65_534;
function unprivilegedReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root, to run the agent as nobody';
  const probe = spawnSync(process.execPath, ['--import', 'tsx', '-e', '0'], { uid: NOBODY, gid: NOBODY, stdio: 'ignore' });
  return probe.status === 0 ? null : 'nobody cannot run node and this checkout';
}

describe('bad input: a store the agent may not write (as nobody)', () => {
  const env = { ...process.env, LOG_LEVEL: 'warn', HOME: tmpdir() };
  /** A folder nobody may read but not write, holding a store made by root. */
  async function readOnlyPlace(withStore: boolean): Promise<{ folder: string; path: string }> {
    const folder = fresh('read-only');
    mkdirSync(folder);
    const path = join(folder, 'evidence.db');
    if (withStore) writeFileSync(path, goodStore);
    chmodSync(folder, 0o755);
    return { folder, path };
  }

  it('refuses a read-only store before collecting anything, one line, exit 2', async (context) => {
    const reason = unprivilegedReason();
    if (reason) context.skip(reason);
    const sandbox = await startSandbox();
    try {
      const { path } = await readOnlyPlace(true);
      chmodSync(path, 0o644);
      const before = sha(path);
      const config = join(fresh('ro-config'));
      mkdirSync(config);
      writeFileSync(join(config, 'c.yaml'), 'collectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n    credentialReport: { pollIntervalMs: 5 }\n');
      chmodSync(config, 0o755);
      const requestsBefore = sandbox.requests.total;
      const result = await spawnCli(['collect', '--config', join(config, 'c.yaml'), '--db', path], {
        env: { ...env, AWS_ENDPOINT_URL: sandbox.endpoint, AWS_ACCESS_KEY_ID: 'FAKEACCESSKEYFORTESTS', AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests' },
        uid: NOBODY,
      });
      expect(result.stderr).toBe(
        `evidence-agent: ${path} is read-only (EACCES): every run is written into the store, and SQLite keeps its -wal and -shm files beside it; ` +
          'make both writable for the user running the agent, or point --db (or store.path) at a writable place\n',
      );
      expect(result.code).toBe(2);
      // Refused before a single request: it used to collect everything, then fail to record it.
      expect(sandbox.requests.total).toBe(requestsBefore);
      expect(sha(path)).toBe(before);
    } finally {
      await sandbox.close();
    }
  }, 60_000);

  it('refuses to start the daemon in a read-only folder, one line, exit 2', async (context) => {
    const reason = unprivilegedReason();
    if (reason) context.skip(reason);
    const { folder, path } = await readOnlyPlace(false);
    const configFolder = fresh('daemon-config');
    mkdirSync(configFolder);
    writeFileSync(
      join(configFolder, 'd.yaml'),
      `store: { path: ${path} }\nhttp: { port: 0 }\ncollectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n`,
    );
    chmodSync(configFolder, 0o755);
    const result = await spawnCli(['daemon', '--config', join(configFolder, 'd.yaml')], { env, uid: NOBODY });
    expect(result.stderr).toBe(
      `evidence-agent: the folder ${folder} of the evidence store is read-only (EACCES): every run is written into the store, and SQLite keeps its -wal and -shm files beside it; ` +
        'make both writable for the user running the agent, or point --db (or store.path) at a writable place\n',
    );
    expect(result.code).toBe(2);
    expect(readdirSync(folder)).toEqual([]);
  }, 60_000);
});
