// Builders for store tests: a temp database path, run starts and outcomes over synthetic resources.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EvidenceItem } from '../../src/collector.js';
import { appendIntent } from '../../src/store/intents.js';
import type { NewIntent } from '../../src/store/intents.js';
import type { FindingRecord, RunOutcome, RunStart } from '../../src/store/types.js';

export function tempDbPath(name = 'evidence.db'): string {
  return join(mkdtempSync(join(tmpdir(), 'evidence-agent-test-')), name);
}

export function runStart(startedAt: Date, overrides: Partial<RunStart> = {}): RunStart {
  return {
    collector: 'aws-iam',
    scope: '111122223333',
    startedAt,
    agentVersion: '0.0.0-test',
    mappingVersion: 'test-mappings',
    configDigest: 'test-config',
    ...overrides,
  };
}

export function userEvidence(name: string, extra: Record<string, unknown> = {}): EvidenceItem {
  return {
    type: 'aws.iam.user',
    resourceId: `arn:aws:iam::111122223333:user/${name}`,
    schemaVersion: 1,
    data: { userName: name, groups: ['Developers'], ...extra },
  };
}

export function finding(name: string, status: FindingRecord['status'], message?: string): FindingRecord {
  return {
    checkId: 'aws_iam_user_console_mfa_enabled',
    resourceType: 'aws.iam.user',
    resourceId: `arn:aws:iam::111122223333:user/${name}`,
    status,
    severity: 'high',
    message: message ?? `IAM user ${name} ${status === 'pass' ? 'has' : 'lacks'} MFA.`,
  };
}

export function okOutcome(finishedAt: Date, evidence: EvidenceItem[], findings: FindingRecord[] = [], overrides: Partial<RunOutcome> = {}): RunOutcome {
  return { finishedAt, status: 'ok', error: null, apiCalls: 7, evidence, findings, meta: {}, ...overrides };
}

export function day(n: number): Date {
  return new Date(Date.UTC(2026, 0, 1 + n, 3, 0, 0));
}

/**
 * An intent as another agent process records it (another pid, host or process instance): through the
 * chain of intents, as the store does, since an intent written outside it never becomes a run.
 */
export function recordIntentOfAnotherProcess(
  path: string,
  intent: Pick<NewIntent, 'id' | 'started_at' | 'pid' | 'host' | 'instance' | 'deadline'> & Partial<NewIntent>,
): void {
  const db = new Database(path);
  try {
    db.transaction(() =>
      appendIntent(db, { collector: 'aws-iam', scope: '111122223333', agent_version: '0', mapping_version: 'm', config_digest: 'c', ...intent }),
    ).immediate();
  } finally {
    db.close();
  }
}
