// `evidence-agent attest --control <id> --file <path> --note <text> [--valid-for 90d] [--by <who>]`:
// records manual evidence for a control as a run of the `manual` collector: the attestation document
// in the chain, the file's bytes content-addressed beside it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { manual } from '../../collectors/manual/index.js';
import type { Attestation, ManualOptions } from '../../collectors/manual/schema.js';
import { loadAgentConfig, makeLogger, resolveDbPath, setupOf } from '../app.js';
import type { GlobalOptions } from '../app.js';
import { CliError } from '../cli-error.js';
import type { Collector } from '../collector.js';
import type { ExceptionsEvidence } from '../exceptions/schema.js';
import type { Logger } from '../logging.js';
import type { Framework } from '../mapping/load.js';
import { runScope } from '../runner.js';
import { openStore } from '../store/index.js';
import type { EvidenceStore, RunRecord } from '../store/types.js';
import { closest } from '../suggest.js';
import { agentVersion } from '../version.js';
import { loadConfiguredExceptions, refuseDemoStore } from './collect.js';
import { print, printError, printJson } from './options.js';

/** Attested files are kept in the store and in every export: past this, attest a summary instead. */
export const MAX_ATTESTED_FILE_BYTES = 50 * 1024 * 1024;
const MAX_VALID_DAYS = 3650;
const DAY_MS = 86_400_000;

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

/** SHA-256 and size of a file read as a stream, refused before reading when over the limit. */
export async function hashFile(path: string, limit = MAX_ATTESTED_FILE_BYTES): Promise<{ sha256: string; bytes: number }> {
  const size = await checkFile(path, limit);
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return { sha256: hash.digest('hex'), bytes: size };
}

/** The clear errors before anything is read: the file exists, is a regular file, within the limit. */
async function checkFile(path: string, limit: number): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new CliError(`--file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!info.isFile()) throw new CliError(`--file: ${path} is not a regular file`);
  if (info.size > limit) {
    throw new CliError(
      `--file: ${path} is ${(info.size / 1024 / 1024).toFixed(1)} MB, over the ${limit / 1024 / 1024} MB limit for attested files; attest a smaller file (a summary, an export of the relevant part)`,
    );
  }
  return info.size;
}

/** The file's bytes, read once and never past the limit (a file that grew since it was checked is refused). */
async function readBounded(path: string, limit = MAX_ATTESTED_FILE_BYTES): Promise<Buffer> {
  await checkFile(path, limit);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of createReadStream(path)) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new CliError(`--file: ${path} grew past the ${limit / 1024 / 1024} MB limit while it was read; attest a file that is not being written`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export interface AttestationInput {
  control: string;
  framework: string;
  file: string;
  note: string;
  validDays: number;
  attestedBy: string;
}

export interface AttestContext {
  store: EvidenceStore;
  logger: Logger;
  mappingVersion: string;
  configDigest: string;
  mappings: readonly Framework[];
  exceptions?: ExceptionsEvidence;
  /** Injected clock (tests record attestations on past days). */
  now?: () => Date;
}

/** Records one attestation as a run of the manual collector; the run is failed when the file changed meanwhile. */
export async function recordAttestation(input: AttestationInput, context: AttestContext): Promise<RunRecord> {
  const content = await readBounded(input.file);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const bytes = content.length;
  const attestedAt = (context.now ?? (() => new Date()))();
  const attestation: Attestation = {
    control: input.control,
    framework: input.framework,
    file: { name: basename(input.file), sha256, bytes },
    note: input.note,
    attestedBy: input.attestedBy,
    attestedAt: attestedAt.toISOString(),
    validUntil: new Date(attestedAt.getTime() + input.validDays * DAY_MS).toISOString(),
  };
  const options: ManualOptions = { attestation, content, timeoutSeconds: 60 };
  return runScope({ collector: manual as Collector<ManualOptions>, options }, manual.scopes(options)[0]!, {
    store: context.store,
    logger: context.logger,
    agentVersion: agentVersion(),
    mappingVersion: context.mappingVersion,
    configDigest: context.configDigest,
    mappings: context.mappings,
    ...(context.exceptions ? { exceptions: context.exceptions } : {}),
    ...(context.now ? { now: context.now } : {}),
  });
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
  await checkFile(options.file, MAX_ATTESTED_FILE_BYTES);
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
