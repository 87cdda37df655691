// The manual collector: evidence for controls no API covers (a quarterly access review, a restore
// test, a policy acknowledgement), recorded by `evidence-agent attest`. One stream per control: each
// attestation is a snapshot of that stream holding the document and the file, valid for its window.
import { createHash } from 'node:crypto';
import { defineCollector } from '../../src/collector.js';
import type { CheckDefinition } from '../../src/collector.js';
import { evidenceOf, finding } from '../../src/judging.js';
import { ATTESTATION_TYPE, manualOptionsSchema } from './schema.js';
import type { ManualOptions } from './schema.js';
import type { Attestation, RecordedAttestation } from '../../src/attestation.js';

const day = (iso: string) => iso.slice(0, 10);

const attestationStillValid: CheckDefinition<ManualOptions> = {
  id: 'manual_attestation_still_valid',
  title: 'Attested evidence is within its validity window',
  severity: 'medium',
  description: 'A control evidenced by hand (a review, a test, an acknowledgement) has an attestation whose validity window has not ended.',
  remediation: 'Perform the control again and record it with `evidence-agent attest --control <id> --file <evidence> --note <what was done>`.',
  resourceTypes: [ATTESTATION_TYPE],
  controlFromScope: true,
  evaluate: (view, _options, now) =>
    evidenceOf<Attestation>(view, ATTESTATION_TYPE).map((a) =>
      Date.parse(a.data.validUntil) > now.getTime()
        ? finding(
            a,
            'pass',
            `${a.resourceId} attested by ${a.data.attestedBy} on ${day(a.data.attestedAt)} (${a.data.file.name}), valid until ${day(a.data.validUntil)}`,
          )
        : finding(a, 'fail', `${a.resourceId}: the attestation of ${day(a.data.attestedAt)} expired on ${day(a.data.validUntil)}`),
    ),
};

export const manual = defineCollector<ManualOptions>({
  id: 'manual',
  title: 'Manual and periodic evidence (attestations)',
  optionsSchema: manualOptionsSchema,
  permissions: ['none: evidence is recorded with evidence-agent attest'],
  checks: [attestationStillValid],
  defaultSchedule: '0 0 1 1 *',
  recordedOnDemand: true,
  scopes: (options) => [{ key: options.attestation.control, settings: {} }],
  collect: async (ctx) => {
    const { attestation, content } = ctx.options;
    // The bytes handed over must be the file hashed when the attestation was made.
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (sha256 !== attestation.file.sha256)
      throw new Error(`${attestation.file.name} changed while it was recorded (sha256 ${sha256}, expected ${attestation.file.sha256})`);
    return {
      evidence: [{ type: ATTESTATION_TYPE, resourceId: attestation.control, schemaVersion: 1, data: attestation }],
      errors: [],
      files: [content],
      validUntil: attestation.validUntil,
      meta: {
        attestation: {
          control: attestation.control,
          framework: attestation.framework,
          file: attestation.file,
          note: attestation.note,
          attestedBy: attestation.attestedBy,
        } satisfies RecordedAttestation,
      },
    };
  },
});
