// A run hash kept off the volume (`verify --head`, as verify or a digest printed it), and what the store
// says of it: with the run's seq, a more precise reason than "not in the chain".
import { CliError } from '../cli-error.js';

export interface KeptHead {
  seq: number | null;
  hash: string;
}

/** `--head sha256:ab12…` (as verify prints it) or `--head 120:sha256:ab12…` (as the digest prints it). */
export function parseHead(value: string): KeptHead {
  const match = /^(?:(\d+):)?(?:sha256:)?([0-9a-f]{64})$/i.exec(value.trim());
  if (!match) {
    throw new CliError(
      `--head: expected the run hash a verify or a digest printed (sha256:<64 hex digits>, or <run seq>:sha256:<64 hex digits>), got "${value}"`,
    );
  }
  return { seq: match[1] === undefined ? null : Number(match[1]), hash: match[2]!.toLowerCase() };
}

/**
 * With a seq, a more precise reason than "not in the chain": the run is gone (runs removed) or carries
 * another hash (the chain was rewritten with recomputed hashes).
 */
export async function headProblem(store: { getRun(seq: number): Promise<{ hash: string } | undefined> }, kept: KeptHead): Promise<string | null> {
  if (kept.seq === null) return null;
  const run = await store.getRun(kept.seq);
  if (!run) return `run ${kept.seq} of the kept head is not in the store: runs were removed`;
  if (run.hash !== kept.hash) return `run ${kept.seq} has hash sha256:${run.hash}, not the kept head sha256:${kept.hash}: the chain was rewritten`;
  return null;
}
