// An attestation recorded: the file hashed as a stream (50 MB limit), the attestation document and the
// file's bytes handed to the collector that records evidence on demand, as one run of its stream.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Attestation } from '../attestation.js';
import { CliError } from '../cli-error.js';
import type { Collector } from '../collector.js';
import type { ExceptionsEvidence } from '../exceptions/schema.js';
import type { Logger } from '../logging.js';
import type { Framework } from '../mapping/load.js';
import { runScope } from '../runner.js';
import type { EvidenceStore, RunRecord } from '../store/types.js';
import { closest } from '../suggest.js';
import { agentVersion } from '../version.js';

/** Attested files are kept in the store and in every export: past this, attest a summary instead. */
export const MAX_ATTESTED_FILE_BYTES = 50 * 1024 * 1024;
const DAY_MS = 86_400_000;

/** The framework of a control id (ids are unique across frameworks), or a usage error with the nearest id. */
export function frameworkOfControl(frameworks: readonly Framework[], control: string): Framework {
  const found = frameworks.find((f) => f.controls.some((c) => c.id === control));
  if (found) return found;
  const hint = closest(
    control,
    frameworks.flatMap((f) => f.controls.map((c) => c.id)),
  );
  throw new CliError(
    `--control: unknown control "${control}"${hint ? `; did you mean "${hint}"?` : ''} (a SOC 2 criterion, a SOC 1 objective or a control of your control sets: evidence-agent controls lists them)`,
  );
}

/** SHA-256 and size of a file read as a stream, refused before reading when over the limit. */
export async function hashFile(path: string, limit = MAX_ATTESTED_FILE_BYTES): Promise<{ sha256: string; bytes: number }> {
  const size = await checkAttestedFile(path, limit);
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return { sha256: hash.digest('hex'), bytes: size };
}

/** The clear errors before anything is read: the file exists, is a regular file, within the limit. */
export async function checkAttestedFile(path: string, limit: number): Promise<number> {
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
  await checkAttestedFile(path, limit);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of createReadStream(path)) {
    total += (chunk as Buffer).length;
    if (total > limit)
      throw new CliError(`--file: ${path} grew past the ${limit / 1024 / 1024} MB limit while it was read; attest a file that is not being written`);
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
  /** The registry's collectors: the one flagged recordedOnDemand records the attestation. */
  collectors: readonly Collector[];
  exceptions?: ExceptionsEvidence;
  /** Injected clock (tests record attestations on past days). */
  now?: () => Date;
}

/** The collector whose evidence arrives through `attest` (flagged `recordedOnDemand` in the contract). */
export function onDemandCollector(collectors: readonly Collector[]): Collector {
  const found = collectors.find((c) => c.recordedOnDemand);
  if (!found) throw new Error('no collector records evidence on demand (recordedOnDemand): attestations cannot be recorded');
  return found;
}

/** Records one attestation as a run of the on-demand collector; the run is failed when the file changed meanwhile. */
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
  const collector = onDemandCollector(context.collectors);
  const options = { attestation, content, timeoutSeconds: 60 };
  return runScope({ collector, options }, collector.scopes(options)[0]!, {
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
