// Stores built day by day with a fake clock, for the period tests (coverage, export, the report): the
// day n of January 2026 at 06:00 UTC, one run of a collector on it, and a check on users' MFA.
import type { CheckDefinition, Collector } from '../../src/collector.js';
import { silentLogger } from '../../src/logging.js';
import { runCollectors } from '../../src/runner.js';
import type { RunContext } from '../../src/runner.js';
import type { EvidenceStore } from '../../src/store/types.js';

export type FakeOptions = { timeoutSeconds: number };
export const DAY_MS = 86_400_000;

/** 2026-01-01 + n days, 06:00 UTC. */
export const historyDay = (n: number) => new Date(Date.UTC(2026, 0, 1 + n, 6));

/** Which day of the history a collector is running on. */
export const dayNumber = (now: Date) => Math.round((now.getTime() - historyDay(0).getTime()) / DAY_MS);

/** Fails a `test.user` without MFA; `message` words the finding. */
export function mfaCheck(message: (resourceId: string, mfa: boolean) => string = (id, mfa) => `${id} MFA ${mfa}`): CheckDefinition<FakeOptions> {
  return {
    id: 'test_hr_user_mfa_enabled',
    title: 'MFA',
    severity: 'high',
    description: 'Users have MFA.',
    remediation: 'Enable MFA.',
    resourceTypes: ['test.user'],
    evaluate: (view) =>
      view.all('test.user').map((item) => {
        const mfa = (item.data as { mfa: boolean }).mfa;
        return { resourceType: item.type, resourceId: item.resourceId, status: mfa ? 'pass' : 'fail', message: message(item.resourceId, mfa) };
      }),
  };
}

/** One run of `collector` on day n, with the context fields a test adds (exceptions, mappings). */
export async function runOnDay(store: EvidenceStore, collector: Collector<FakeOptions>, n: number, extra: Partial<RunContext> = {}) {
  return runCollectors([{ collector: collector as Collector<unknown>, options: { timeoutSeconds: 60 } }], {
    store,
    logger: silentLogger(),
    agentVersion: 'test',
    mappingVersion: 'test',
    configDigest: 'test',
    now: () => historyDay(n),
    ...extra,
  });
}
