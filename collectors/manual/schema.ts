// What the manual collector takes: an attestation (its shape is the core's, src/attestation.ts: the
// control it evidences, the file by SHA-256, the note, who attested it and the window it is valid for)
// and the file's bytes, which travel with it and are stored as a blob.
import { z } from 'zod';
import { attestationSchema } from '../../src/attestation.js';

export const ATTESTATION_TYPE = 'manual.attestation';

export const manualOptionsSchema = z.strictObject({
  attestation: attestationSchema,
  /** The attested file's bytes (checked against attestation.file.sha256). */
  content: z.instanceof(Buffer),
  timeoutSeconds: z.number().int().min(10).max(86_400).default(60),
});
export type ManualOptions = z.infer<typeof manualOptionsSchema>;
