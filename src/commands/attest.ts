// `evidence-agent attest --control <id> --file <path> --note <text> [--valid-for 90d] [--by <who>]`:
// records manual evidence for a control as a run of the `manual` collector: the attestation document
// in the chain, the file's bytes content-addressed beside it.
import { userInfo } from 'node:os';
import { loadAgentConfig, makeLogger, resolveDbPath, setupOf } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import type { Framework } from '../mapping/load.js';
import { openStore } from '../store/index.js';
import { closest } from '../suggest.js';
import { checkAttestedFile, MAX_ATTESTED_FILE_BYTES, recordAttestation } from '../attest/record.js';
import { refuseDemoStore } from '../agent-store.js';
import { loadConfiguredExceptions } from '../exceptions/load.js';
import { print, printError, printJson } from './print.js';

const MAX_VALID_DAYS = 3650;

export interface AttestOptions extends GlobalOptions {
  control?: string;
  file?: string;
  note?: string;
  validFor?: string;
  by?: string;
  json?: boolean;
}

/** `90d`, `12w`, `3m` (30-day months) → days. */
export function parseValidFor(value: string): number {
  const match = /^(\d{1,4})([dwm])$/.exec(value.trim());
  const days = match ? Number(match[1]) * { d: 1, w: 7, m: 30 }[match[2] as 'd' | 'w' | 'm'] : NaN;
  if (!(days >= 1 && days <= MAX_VALID_DAYS)) {
    throw new CliError(`--valid-for: expected a duration such as 90d, 12w or 3m (1 day to ${MAX_VALID_DAYS} days), got "${value}"`);
  }
  return days;
}

/** The framework of a control id (ids are unique across frameworks), or a usage error with the nearest id. */
export function frameworkOfControl(frameworks: readonly Framework[], control: string): Framework {
  const found = frameworks.find((f) => f.controls.some((c) => c.id === control));
  if (found) return found;
  const hint = closest(control, frameworks.flatMap((f) => f.controls.map((c) => c.id)));
  throw new CliError(
    `--control: unknown control "${control}"${hint ? `; did you mean "${hint}"?` : ''} (a SOC 2 criterion, a SOC 1 objective or a control of your control sets: evidence-agent controls lists them)`,
  );
}

export async function attestCommand(options: AttestOptions): Promise<number> {
  if (!options.control) throw new CliError('--control: required (the control evidenced, e.g. CC6.2)');
  if (!options.file) throw new CliError('--file: required (the evidence file: a review export, a test report)');
  const note = options.note?.trim();
  if (!note) throw new CliError('--note: required (what was done, e.g. "Q3 access review, 4 accounts removed")');
  if (note.length > 2000 || /[\r\n]/.test(note)) throw new CliError('--note: expected one line of at most 2000 characters');
  const validDays = parseValidFor(options.validFor ?? '90d');
  const attestedBy = options.by?.trim() || userInfo().username;
  const loaded = await loadAgentConfig(options, process.env, { tolerateBrokenModules: true });
  const setup = setupOf(loaded);
  const framework = frameworkOfControl(setup.frameworks, options.control);
  await checkAttestedFile(options.file, MAX_ATTESTED_FILE_BYTES);
  const exceptions = loaded.path && loaded.config.exceptions ? loadConfiguredExceptions(loaded.path, loaded.config.exceptions) : undefined;
  const dbPath = resolveDbPath(options, loaded);
  await refuseDemoStore(dbPath);
  const store = openStore(dbPath);
  try {
    const run = await recordAttestation(
      { control: options.control, framework: framework.id, file: options.file, note, validDays, attestedBy },
      {
        store,
        logger: makeLogger(loaded, options),
        mappingVersion: setup.mappingVersion,
        configDigest: loaded.digest,
        mappings: setup.frameworks,
        collectors: setup.collectors,
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
      printJson({ recorded: true, run: run.seq, framework: framework.id, control: options.control, attestedBy, file: meta.attestation.file, validUntil: meta.validUntil });
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
