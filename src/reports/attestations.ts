// The attestations in force: the latest attestation of every control (the streams of the collectors that
// record evidence on demand), with its validity window, for `controls` and the weekly digest.
import type { Attestation, AttestationRunMeta } from '../attestation.js';
import type { Collector } from '../collector.js';
import type { EvidenceReader } from '../store/types.js';

/** The collectors whose streams hold attestations: those flagged `recordedOnDemand` in the contract. */
export function attestationCollectors(collectors: readonly Collector[]): Set<string> {
  return new Set(collectors.filter((c) => c.recordedOnDemand).map((c) => c.id));
}

/** An attestation in force, with the run that recorded it. */
export interface AttestationSummary extends Attestation {
  runSeq: number;
}

/** The latest attestation of each control as of `at` (default now), oldest expiry first. */
export async function latestAttestations(store: EvidenceReader, collectors: readonly Collector[], at?: Date): Promise<AttestationSummary[]> {
  const byHand = attestationCollectors(collectors);
  const snapshots = (await store.latestSnapshots(at)).filter((run) => byHand.has(run.collector));
  return snapshots
    .flatMap((run) => {
      const meta = run.meta as AttestationRunMeta;
      return meta.attestation && meta.validUntil ? [{ ...meta.attestation, attestedAt: run.startedAt, validUntil: meta.validUntil, runSeq: run.seq }] : [];
    })
    .sort((a, b) => a.validUntil.localeCompare(b.validUntil) || a.control.localeCompare(b.control));
}

/** Those of a control: attested for its id or for a criterion it is mapped to. */
export function attestationsOf(attestations: readonly AttestationSummary[], keys: readonly string[]): AttestationSummary[] {
  return attestations.filter((a) => keys.includes(a.control));
}
