// Reads that may fail on their own without failing the collection: each settles to what it produced,
// or to why it could not (a sentence for the resource error, never a request id).
import { describeFailure } from './errors.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export async function settle<T>(what: string, read: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await read };
  } catch (error) {
    return { ok: false, reason: describeFailure(what, error) };
  }
}

export function mapOutcome<T, U>(outcome: Outcome<T>, map: (value: T) => U): Outcome<U> {
  return outcome.ok ? { ok: true, value: map(outcome.value) } : outcome;
}
