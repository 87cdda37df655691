// The demo's AWS collections, with the demo's own options, against the sandbox through the real SDK
// and runner: each check added for issue 17 shows at least one failing finding on the last day (role
// trust, whole-account trust, Access Analyzer, the five CIS alarms), and the root console sign-in the
// sandbox records as invoked by signin.amazonaws.com is reported as root use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALARM_ITEMS } from '../collectors/aws-cloudtrail/checks/cis-alarm-items.js';
import type { Collector } from '../src/collector.js';
import { builtinCollectors } from '../collectors/index.js';
import { demoAwsIamOptions } from '../collectors/aws-iam/demo.js';
import { demoCloudTrailOptions } from '../collectors/aws-cloudtrail/demo.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import { driftEvents, SANDBOX_ACCOUNT_ID, startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore, FindingRecord } from '../src/store/types.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const END = new Date('2026-06-30T00:00:00Z');
const COLLECTED = new Date(END.getTime() + 6 * 3_600_000);

describe('the demo estate fails each new AWS check at least once', () => {
  let sandbox: Sandbox;
  let store: EvidenceStore;
  let findings: FindingRecord[];
  let statuses: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({ historyEnd: END, date: COLLECTED, lookupEventsPerSecond: 0 });
    store = openStore(tempDbPath());
    const collector = (id: string) => builtinCollectors.find((candidate) => candidate.id === id) as Collector<unknown>;
    const options = { ...demoCloudTrailOptions(), events: { ...demoCloudTrailOptions().events, backfillDays: 14 } };
    const batch = await runCollectors(
      [
        { collector: collector('aws-iam'), options: demoAwsIamOptions() },
        { collector: collector('aws-cloudtrail'), options },
      ],
      {
        store,
        logger: silentLogger(),
        agentVersion: 'test',
        mappingVersion: 'test',
        configDigest: 'test',
        now: () => COLLECTED,
        clientEnvironment: {
          aws: {
            endpoint: sandbox.endpoint,
            credentials: { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake' },
            maxAttempts: 2,
            unlimitedRate: true,
          },
        },
      },
    );
    expect(batch.unrecorded).toEqual([]);
    statuses = Object.fromEntries(batch.runs.map((run) => [run.collector, `${run.status}${run.error ? `: ${run.error}` : ''}`]));
    findings = (await Promise.all(batch.runs.map((run) => store.findingsOf(run.seq)))).flat();
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await sandbox?.close();
  });

  const of = (checkId: string) => findings.filter((finding) => finding.checkId === checkId);

  it('collects both accounts completely (every new read is served)', () => {
    expect(statuses).toEqual({ 'aws-iam': 'ok', 'aws-cloudtrail': 'ok' });
  });

  it('fails the vendor role trusted by a third party without an external id, and flags whole-account trusts', () => {
    const restricted = of('aws_iam_role_trust_restricted');
    expect(restricted.filter((f) => f.status === 'fail').map((f) => f.message)).toEqual([
      'Role vendor-monitoring lets third-party account 210987654321 assume it without requiring sts:ExternalId (statement #1).',
    ]);
    // The management account is the company's own in the demo's config.
    expect(restricted.find((f) => f.resourceId.endsWith('role/OrganizationAccountAccessRole'))?.status).toBe('pass');
    expect(restricted.find((f) => f.resourceId.includes('aws-service-role'))?.status).toBe('not_applicable');

    const whole = of('aws_iam_role_trust_no_whole_account');
    expect(
      whole
        .filter((f) => f.status === 'fail')
        .map((f) => f.resourceId.split('/').pop())
        .sort(),
    ).toEqual(['OrganizationAccountAccessRole', 'evidence-reader', 'vendor-monitoring']);
    expect(new Set(whole.map((f) => f.status))).toEqual(new Set(['fail', 'not_applicable']));
    expect(driftEvents(END).map((e) => e.description)).toContain(
      'Role vendor-monitoring created for the monitoring vendor, trusting its whole account 210987654321 without an external id',
    );
  });

  it('fails the region without an external-access analyzer and keeps the analyzer findings as evidence', async () => {
    expect(of('aws_iam_access_analyzer_enabled').map((f) => [f.resourceId, f.status])).toEqual([
      [`arn:aws:access-analyzer:eu-west-1:${SANDBOX_ACCOUNT_ID}:region`, 'fail'],
      [`arn:aws:access-analyzer:us-east-1:${SANDBOX_ACCOUNT_ID}:region`, 'pass'],
    ]);
    const [iam] = (await store.listRuns()).filter((run) => run.collector === 'aws-iam');
    const documents = await store.evidenceOf(iam!.seq);
    const findingsDocs = documents.filter((doc) => doc.type === 'aws.iam.access-analyzer-finding');
    expect(findingsDocs.map((doc) => (doc.data as { resource: string }).resource).sort()).toEqual([
      'arn:aws:iam::111122223333:role/vendor-monitoring',
      'arn:aws:s3:::example-co-lake',
    ]);
  });

  it('fails the CIS alarms the security trail lacks and passes the ones it has', () => {
    const onSecurityTrail = (checkId: string) => of(checkId).find((f) => f.resourceId.endsWith('trail/security-trail'));
    expect(Object.fromEntries(ALARM_ITEMS.map((item) => [item.id, onSecurityTrail(item.id)?.status]))).toEqual({
      aws_cloudtrail_unauthorized_calls_alarm_configured: 'fail',
      aws_cloudtrail_console_no_mfa_alarm_configured: 'fail',
      aws_cloudtrail_root_use_alarm_configured: 'pass',
      aws_cloudtrail_iam_policy_change_alarm_configured: 'fail',
      aws_cloudtrail_trail_change_alarm_configured: 'pass',
    });
    expect(onSecurityTrail('aws_cloudtrail_unauthorized_calls_alarm_configured')?.message).toContain('also matches events that are not unauthorized API calls');
    // The organization trail's log group is in the management account, which the demo does not collect;
    // eu-audit is single-region.
    const org = of('aws_cloudtrail_root_use_alarm_configured').find((f) => f.resourceId.endsWith('trail/org-trail'));
    expect(org?.status).toBe('error');
    expect(of('aws_cloudtrail_root_use_alarm_configured').find((f) => f.resourceId.endsWith('trail/eu-audit'))?.status).toBe('not_applicable');
  });

  it('reports the root console sign-in invoked by signin.amazonaws.com as root use', () => {
    const root = of('aws_cloudtrail_root_not_used').filter((f) => f.status === 'fail');
    expect(root.map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^The root user was used: ConsoleLogin at .* by arn:aws:iam::111122223333:root from /)]),
    );
  });
});
