// What an attestation holds: the control it evidences, the file (by SHA-256), the note, who attested
// it and the window it is valid for. The file's bytes travel with it and are stored as a blob.
import { z } from 'zod';

export const ATTESTATION_TYPE = 'manual.attestation';

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

export const manualOptionsSchema = z.strictObject({
  attestation: attestationSchema,
  /** The attested file's bytes (checked against attestation.file.sha256). */
  content: z.instanceof(Buffer),
  timeoutSeconds: z.number().int().min(10).max(86_400).default(60),
});
export type ManualOptions = z.infer<typeof manualOptionsSchema>;
