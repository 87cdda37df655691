// One collector's fault never reaches the others: in one collect, a collector that fails (expired
// credentials) or hangs (a reply that never comes) is recorded as such, and the collectors after it
// run and judge exactly as they do without the fault.
import { describe, expect, it } from 'vitest';
import type { FindingRecord } from '../../src/store/types.js';
import { fault, queryError } from '../helpers/api-faults.js';
import type { Intercept } from '../helpers/api-faults.js';
import { collect, configured, useFaultBench } from '../helpers/fault-harness.js';

const bench = useFaultBench();

const iamAction =
  (name: string): Intercept =>
  (scope, active) =>
    scope.post('/', (body: Record<string, string>) => active() && body.Action === name);
const githubOrg: Intercept = (scope, active) => scope.get((path) => active() && path === '/api/v3/orgs/example-co');

const judged = (findings: readonly FindingRecord[]) => findings.map((f) => `${f.checkId} ${f.resourceId} ${f.status}`).sort();

describe('a fault in one collector', () => {
  it('leaves the others to run and judge as without it', async () => {
    const clean = await collect(bench, [configured('github'), configured('aws-cloudtrail')]);
    expect(clean.runs.map((r) => r.status)).toEqual(['ok', 'ok']);

    const expired = fault(iamAction('GetAccountAuthorizationDetails'), bench.origin, () =>
      queryError(403, 'ExpiredToken', 'The security token included in the request is expired'),
    );
    const faulted = await collect(bench, [configured('aws-iam'), configured('github'), configured('aws-cloudtrail')]);
    expect(expired.count).toBe(1);
    expect(faulted.runs.map((r) => [r.collector, r.status])).toEqual([
      ['aws-iam', 'failed'],
      ['github', 'ok'],
      ['aws-cloudtrail', 'ok'],
    ]);
    expect(faulted.runs[0]!.error).toMatch(/ExpiredToken/);
    for (const [index, run] of faulted.runs.slice(1).entries()) {
      expect(judged(await faulted.store.findingsOf(run.seq))).toEqual(judged(await clean.store.findingsOf(clean.runs[index]!.seq)));
    }
  });

  it('hung past its deadline, does not hold up the collectors after it', async () => {
    fault(githubOrg, bench.origin, () => [200, '{}', { 'content-type': 'application/json' }], { delayMs: 60_000 });
    const { runs, elapsedMs } = await collect(bench, [configured('github', { timeoutSeconds: 0.5 }), configured('aws-iam')]);
    expect(runs.map((r) => [r.collector, r.status])).toEqual([
      ['github', 'aborted'],
      ['aws-iam', 'ok'],
    ]);
    expect(runs[0]!.error).toBe('RunTimeout: run exceeded its timeout of 0.5 s');
    expect(elapsedMs).toBeLessThan(5000);
  });
});
