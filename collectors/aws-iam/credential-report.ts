// The IAM credential report: generated on demand (polled until ready), fetched, and parsed from CSV
// into per-user rows. Columns are looked up by header name; AWS appends columns over time.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
} from '@aws-sdk/client-iam';
import type { IAMClient } from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import type { AccessKeySlot, UserCredentialsEvidence } from './schema.js';

/** The `user` value of the row describing the account's root user. */
export const ROOT_ACCOUNT_USER = '<root_account>';

export interface CredentialReportPolling {
  pollIntervalMs: number;
  maxWaitSeconds: number;
}

export interface FetchedCredentialReport {
  csv: string;
  generatedTime: Date | null;
  /** GenerateCredentialReport and GetCredentialReport calls it took (volatile: run meta only). */
  polls: number;
}

export class CredentialReportError extends Error {
  override name = 'CredentialReportError';
}

/**
 * GenerateCredentialReport returns COMPLETE at once when a report under 4 hours old exists; otherwise
 * it starts one and is polled. GetCredentialReport may still answer "in progress" or "not present"
 * right after COMPLETE (and "expired" later), so those also mean: poll again.
 */
export async function fetchCredentialReport(iam: IAMClient, polling: CredentialReportPolling, signal: AbortSignal): Promise<FetchedCredentialReport> {
  const deadline = Date.now() + polling.maxWaitSeconds * 1000;
  let polls = 0;
  let lastState = 'unknown';
  for (;;) {
    polls += 1;
    const generated = await iam.send(new GenerateCredentialReportCommand({}), { abortSignal: signal });
    lastState = generated.State ?? 'unknown';
    if (generated.State === 'COMPLETE') {
      polls += 1;
      try {
        const report = await iam.send(new GetCredentialReportCommand({}), { abortSignal: signal });
        if (!report.Content) throw new CredentialReportError('returned without content');
        return {
          csv: new TextDecoder('utf-8').decode(report.Content),
          generatedTime: report.GeneratedTime ?? null,
          polls,
        };
      } catch (error) {
        if (!isReportNotReady(error)) throw error;
        lastState = `GetCredentialReport: ${(error as Error).name}`;
      }
    }
    if (Date.now() + polling.pollIntervalMs > deadline) {
      throw new CredentialReportError(`not ready after ${polling.maxWaitSeconds} s (last state: ${lastState})`);
    }
    await sleep(polling.pollIntervalMs, undefined, { signal });
  }
}

function isReportNotReady(error: unknown): boolean {
  return (
    error instanceof CredentialReportNotReadyException ||
    error instanceof CredentialReportNotPresentException ||
    error instanceof CredentialReportExpiredException
  );
}

// ---- Parsing ---------------------------------------------------------------------------------

/** One row of the report, values normalised (ISO timestamps, last-use days, booleans, null for N/A). */
export type CredentialRow = Omit<UserCredentialsEvidence, 'accountId'>;

export interface ParsedCredentialReport {
  /** Rows of IAM users by ARN. */
  users: Map<string, CredentialRow>;
  /** The `<root_account>` row, when present and well formed. */
  root: CredentialRow | null;
  /** Rows that could not be read, by ARN (the root row included), with the reason. */
  rowErrors: Map<string, string>;
}

export const REQUIRED_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'mfa_active',
  ...([1, 2] as const).flatMap((slot) => [
    `access_key_${slot}_active`,
    `access_key_${slot}_last_rotated`,
    `access_key_${slot}_last_used_date`,
    `access_key_${slot}_last_used_service`,
  ]),
];

/** Values meaning "no value": not applicable, never recorded, not supported for the root user. */
const ABSENT_VALUES = new Set(['N/A', 'no_information', 'not_supported']);
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

class RowError extends Error {}

/** Throws CredentialReportError when the report as a whole cannot be read; bad rows go to rowErrors. */
export function parseCredentialReport(csv: string): ParsedCredentialReport {
  let table: string[][];
  try {
    table = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw new CredentialReportError(`not valid CSV: ${(error as Error).message}`);
  }
  const [header, ...rows] = table;
  if (!header) throw new CredentialReportError('empty');
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new CredentialReportError(`missing columns: ${missing.join(', ')}`);
  }

  const result: ParsedCredentialReport = { users: new Map(), root: null, rowErrors: new Map() };
  for (const cells of rows) {
    const record = new Map(header.map((column, index) => [column, cells[index]]));
    const arn = record.get('arn');
    if (!arn) continue; // Unattributable; the collector reports IAM users missing from the report.
    try {
      if (cells.length !== header.length) {
        throw new RowError(`${cells.length} fields where the header has ${header.length}`);
      }
      const row = toCredentialRow(record);
      if (row.userName === ROOT_ACCOUNT_USER) result.root = row;
      else result.users.set(row.arn, row);
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      result.rowErrors.set(arn, `credential report row of ${record.get('user') ?? arn}: ${error.message}`);
    }
  }
  return result;
}

function toCredentialRow(record: Map<string, string | undefined>): CredentialRow {
  const field = (column: string): string => {
    const value = record.get(column);
    if (value === undefined || value === '') throw new RowError(`no value for ${column}`);
    return value;
  };
  const flag = (column: string): boolean => {
    const value = field(column);
    if (value === 'true' || value === 'TRUE') return true;
    if (value === 'false' || value === 'FALSE' || ABSENT_VALUES.has(value)) return false;
    throw new RowError(`unreadable ${column}: "${value}"`);
  };
  const timestamp = (column: string): string | null => {
    const value = field(column);
    if (ABSENT_VALUES.has(value)) return null;
    const time = ISO_TIMESTAMP.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(time)) throw new RowError(`unreadable date in ${column}: "${value}"`);
    return new Date(time).toISOString();
  };
  // Last-use columns keep only the UTC day, so daily use does not change the evidence (see schema.ts).
  const day = (column: string): string | null => timestamp(column)?.slice(0, 10) ?? null;
  const text = (column: string): string | null => {
    const value = field(column);
    return ABSENT_VALUES.has(value) ? null : value;
  };
  const accessKey = (slot: 1 | 2): AccessKeySlot => ({
    slot,
    active: flag(`access_key_${slot}_active`),
    lastRotated: timestamp(`access_key_${slot}_last_rotated`),
    lastUsedDate: day(`access_key_${slot}_last_used_date`),
    lastUsedService: text(`access_key_${slot}_last_used_service`),
  });

  return {
    userName: field('user'),
    arn: field('arn'),
    userCreationTime: timestamp('user_creation_time'),
    passwordEnabled: flag('password_enabled'),
    passwordLastUsed: day('password_last_used'),
    passwordLastChanged: timestamp('password_last_changed'),
    mfaActive: flag('mfa_active'),
    accessKeys: [accessKey(1), accessKey(2)],
  };
}
