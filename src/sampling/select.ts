// A reproducible, uniformly random sample without replacement. Each row of a population is known by a
// SHA-256 (its key); each key gets a score, SHA-256 of a fixed label, the seed and the key, and the
// sample is the `size` rows with the lowest scores. SHA-256 acts as a random function, so every subset
// of that size is equally likely; the result depends only on the set of keys and the seed (not on row
// order, the machine or the time), so anyone holding the population and the seed draws the same rows.
// docs/auditors.md gives the construction so that it can be re-derived without this tool.
import { sha256Hex } from '../canonical.js';

/** Bumped if the construction ever changes: a sample names the version it was drawn with. */
export const SAMPLE_ALGORITHM = 'evidence-agent-sample-v1';

export interface SampledRow<Row> {
  /** 1-based position among the population's rows, in the population's order. */
  position: number;
  /** 1-based rank in selection order (lowest score first). */
  rank: number;
  key: string;
  score: string;
  row: Row;
}

/**
 * The score of one row: SHA-256 hex of `evidence-agent-sample-v1\n<seed>\n<key>\n<occurrence>`, where
 * occurrence counts earlier rows with the same key (0 for the first), so duplicated rows stay distinct.
 */
export function sampleScore(seed: string, key: string, occurrence = 0): string {
  return sha256Hex(`${SAMPLE_ALGORITHM}\n${seed}\n${key}\n${occurrence}`);
}

/**
 * Draws `size` rows (all of them when the population is smaller), returned in population order with
 * their selection rank. Ties between scores cannot happen in practice (SHA-256); they are broken by key.
 */
export function drawSample<Row>(rows: readonly Row[], keyOf: (row: Row) => string, seed: string, size: number): SampledRow<Row>[] {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`sample size must be a whole number >= 0, got ${size}`);
  const seen = new Map<string, number>();
  const scored = rows.map((row, index) => {
    const key = keyOf(row);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return { position: index + 1, key, score: sampleScore(seed, key, occurrence), row };
  });
  const chosen = [...scored]
    .sort((a, b) => (a.score !== b.score ? (a.score < b.score ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : a.position - b.position))
    .slice(0, size)
    .map((item, i) => ({ ...item, rank: i + 1 }));
  return chosen.sort((a, b) => a.position - b.position);
}
