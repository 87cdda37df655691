// One writer per evidence store: a daemon holds `<store>.lock` (pid, host, a per-process nonce and a
// heartbeat it refreshes). A second daemon refuses to start; a lock whose holder is gone (a dead pid on
// this host, or a heartbeat older than the stale limit from anywhere) is taken over.
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number;
  host: string;
  nonce: string;
  startedAt: string;
  /** The holder's last heartbeat, on its own clock (older lock files have only the file's mtime). */
  heartbeatAt?: string;
}

export class LockHeldError extends Error {
  override name = 'LockHeldError';
}

const HEARTBEAT_MS = 15_000;
/** A heartbeat older than this means the holder is gone (a container that vanished with its host). */
export const STALE_AFTER_MS = 60_000;

export interface StoreLock {
  path: string;
  holder: LockHolder;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

/** Why the lock at `path` is stale, or null when its holder may still be running. */
export function staleReason(path: string, now = Date.now()): string | null {
  const holder = readHolder(path);
  if (!holder) return 'the lock file is unreadable';
  if (holder.host === hostname() && holder.pid !== process.pid && !alive(holder.pid)) return `process ${holder.pid} is gone`;
  // The heartbeat as the holder wrote it, compared on the same kind of clock as it was written with (a file's
  // mtime comes from the file system's clock, which a faked or skewed process clock does not share).
  const beat = Date.parse(holder.heartbeatAt ?? '');
  const age = now - (Number.isFinite(beat) ? beat : statSync(path).mtimeMs);
  if (age > STALE_AFTER_MS) return `no heartbeat for ${Math.round(age / 1000)} s`;
  return null;
}

export function acquireStoreLock(storePath: string, onTakeOver?: (reason: string, holder: LockHolder | null) => void): StoreLock {
  const path = `${storePath}.lock`;
  const startedAt = new Date().toISOString();
  const holder: LockHolder = { pid: process.pid, host: hostname(), nonce: randomUUID(), startedAt, heartbeatAt: startedAt };
  const body = () => `${JSON.stringify({ ...holder, heartbeatAt: new Date().toISOString() })}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, body());
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === 1) throw error;
      const reason = staleReason(path);
      const current = readHolder(path);
      if (!reason) {
        throw new LockHeldError(
          `${storePath} is in use by another daemon (pid ${current?.pid ?? '?'} on ${current?.host ?? '?'}, since ${current?.startedAt ?? '?'}): one daemon per store; stop it first`,
        );
      }
      onTakeOver?.(reason, current);
      // Take over atomically: whoever renames first wins; the other finds a fresh lock on its next try.
      const aside = `${path}.${holder.nonce}.stale`;
      renameSync(path, aside);
      rmSync(aside, { force: true });
    }
  }
  const heartbeat = setInterval(() => {
    // Touching the file is the heartbeat; a lock someone else took over is not ours to touch.
    if (readHolder(path)?.nonce === holder.nonce) writeFileSync(path, body());
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    path,
    holder,
    release() {
      clearInterval(heartbeat);
      if (readHolder(path)?.nonce === holder.nonce) rmSync(path, { force: true });
    },
  };
}
