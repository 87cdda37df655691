// When an open run intent belongs to a process that is gone, so its run is recorded as aborted.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** Tells this process apart from an earlier one with the same pid (a restarted container is pid 1 again). */
export const PROCESS_INSTANCE = randomUUID();

/** Who wrote an intent and until when it may run. */
export interface IntentOwner {
  pid: number;
  host: string;
  instance: string;
  /** ISO instant. */
  deadline: string;
}

/** The owner recorded for an intent this process writes now. */
export function thisProcess(deadline: string): IntentOwner {
  return { pid: process.pid, host: hostname(), instance: PROCESS_INSTANCE, deadline };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An intent is abandoned when the process that wrote it is gone: past its deadline (whatever wrote
 * it: a new container has a new hostname, and pids are reused after a reboot); before that, on this
 * host, when its pid is dead or is ours but from an earlier process (a restarted container is pid 1
 * again). Another host's intent before its deadline may be a live run on a shared store: left alone.
 */
export function isAbandoned(intent: IntentOwner, now: Date): boolean {
  if (intent.instance === PROCESS_INSTANCE) return false;
  if (now.getTime() > Date.parse(intent.deadline)) return true;
  if (intent.host !== hostname()) return false;
  return intent.pid === process.pid || !isProcessAlive(intent.pid);
}
