// `evidence-agent attest --control <id> --file <path> --note <text> [--valid-for 90d] [--by <who>]`:
// records manual evidence for a control as a run of the `manual` collector: the attestation document
// in the chain, the file's bytes content-addressed beside it.
import { userInfo } from 'node:os';
import { openAgent } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { checkAttestedFile, frameworkOfControl, MAX_ATTESTED_FILE_BYTES, recordAttestation } from '../attest/record.js';
import { parseValidFor } from './options.js';
import { print, printError, printJson } from './print.js';

export interface AttestOptions extends GlobalOptions {
  control?: string;
  file?: string;
  note?: string;
  validFor?: string;
  by?: string;
  json?: boolean;
}

export async function attestCommand(options: AttestOptions): Promise<number> {
  if (!options.control) throw new CliError('--control: required (the control evidenced, e.g. CC6.2)');
  if (!options.file) throw new CliError('--file: required (the evidence file: a review export, a test report)');
  const note = options.note?.trim();
  if (!note) throw new CliError('--note: required (what was done, e.g. "Q3 access review, 4 accounts removed")');
  if (note.length > 2000 || /[\r\n]/.test(note)) throw new CliError('--note: expected one line of at most 2000 characters');
  const validDays = parseValidFor(options.validFor ?? '90d');
  const attestedBy = options.by?.trim() || userInfo().username;
  const agent = await openAgent(options, 'record');
  const framework = frameworkOfControl(agent.frameworks, options.control);
  await checkAttestedFile(options.file, MAX_ATTESTED_FILE_BYTES);
  const exceptions = agent.exceptions();
  const store = await agent.openStore('collect');
  try {
    const run = await recordAttestation(
      { control: options.control, framework: framework.id, file: options.file, note, validDays, attestedBy },
      {
        store,
        logger: agent.logger(),
        mappingVersion: agent.mappingVersion,
        configDigest: agent.loaded!.digest,
        mappings: agent.frameworks,
        collectors: agent.collectors,
        ...(exceptions ? { exceptions } : {}),
      },
    );
    if (run.status !== 'ok') {
      printError(`attestation not recorded: ${run.error ?? run.status}`);
      if (options.json) printJson({ recorded: false, run: run.seq, status: run.status, error: run.error });
      return 1;
    }
    const meta = run.meta as { validUntil: string; attestation: { file: { name: string; sha256: string; bytes: number } } };
    if (options.json) {
      printJson({
        recorded: true,
        run: run.seq,
        framework: framework.id,
        control: options.control,
        attestedBy,
        file: meta.attestation.file,
        validUntil: meta.validUntil,
      });
      return 0;
    }
    print(
      `recorded: ${framework.id} ${options.control} attested by ${attestedBy} (${meta.attestation.file.name}, sha256:${meta.attestation.file.sha256.slice(0, 16)}…, ${meta.attestation.file.bytes} bytes), valid until ${meta.validUntil.slice(0, 10)}; run ${run.seq}`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
