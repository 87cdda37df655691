// What an attestation is, defined once for every side of `evidence-agent attest`: src/attest/ builds it,
// the collector flagged `recordedOnDemand` takes it as its options (and checks it with this schema), and
// controls, the digest and the export read it back from the run's chained meta.
import { z } from 'zod';

export const attestationSchema = z.strictObject({
  /** The control evidenced: a SOC 2 criterion, a SOC 1 objective or a custom control id. */
  control: z.string().min(1),
  /** The framework the control belongs to. */
  framework: z.string().min(1),
  file: z.strictObject({
    name: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int().min(0),
  }),
  note: z.string().min(1).max(2000),
  /** Who attests (an email, a name); default: the OS user running the command. */
  attestedBy: z.string().min(1).max(200),
  attestedAt: z.iso.datetime(),
  /** End of the validity window (exclusive). */
  validUntil: z.iso.datetime(),
});
export type Attestation = z.infer<typeof attestationSchema>;

/**
 * What the recording run keeps of it in its chained meta (`meta.attestation`); the run's start is when it
 * was attested, and the window's end is the run's `meta.validUntil`.
 */
export type RecordedAttestation = Omit<Attestation, 'attestedAt' | 'validUntil'>;

/** The meta of a run of the on-demand collector, as reports read it. */
export interface AttestationRunMeta {
  validUntil?: string;
  attestation?: RecordedAttestation;
}
