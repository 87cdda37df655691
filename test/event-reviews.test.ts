// Event failures stay open until reviewed: the real CloudTrail and GitHub collectors read the sandbox
// twice (the second run finds no new event), and through the CLI `findings --status fail` still lists
// every failing event of the first run; `review` records who looked at one (a run in the chain), which
// moves it to `reviewed`, and the period export shows the review on the event's day.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCollectors } from '../collectors/index.js';
import type { Collector } from '../src/collector.js';
import { demoCloudTrailOptions } from '../collectors/aws-cloudtrail/demo.js';
import { demoGitHubOptions } from '../collectors/github/demo.js';
import { DaemonMetrics } from '../src/daemon/metrics.js';
import { eventLifecycle } from '../src/reports/event-findings.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import { startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore, FindingRecord, RunRecord } from '../src/store/types.js';
import { cliInProcess } from './helpers/cli-in-process.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const FIRST = new Date('2026-01-30T06:00:00Z');
// A minute later: the second collection finds no new event.
const SECOND = new Date(FIRST.getTime() + 60_000);
const EVENT_CHECKS = new Set(builtinCollectors.flatMap((c) => c.checks.filter((k) => k.judgesEvents).map((k) => k.id)));

interface Row {
  checkId: string;
  resourceId: string;
  status: string;
  occurredAt: string | null;
  review: { reviewedBy: string; reviewedAt: string; note: string } | null;
}

describe('event failures stay open until reviewed', () => {
  let sandbox: Sandbox;
  let store: EvidenceStore;
  let db: string;
  let dir: string;
  const runs: RunRecord[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-agent-reviews-'));
    db = tempDbPath();
    sandbox = await startSandbox({ historyEnd: SECOND, date: FIRST, lookupEventsPerSecond: 0 });
    store = openStore(db);
    const collectors = builtinCollectors.flatMap((collector) => {
      const options = { 'aws-cloudtrail': demoCloudTrailOptions(), github: demoGitHubOptions() }[collector.id as 'aws-cloudtrail' | 'github'];
      return options ? [{ collector: collector as Collector<unknown>, options }] : [];
    });
    for (const at of [FIRST, SECOND]) {
      sandbox.setDate(at);
      const batch = await runCollectors(collectors, {
        store,
        logger: silentLogger(),
        agentVersion: 'test',
        mappingVersion: 'test',
        configDigest: 'test',
        now: () => at,
        clientEnvironment: {
          aws: { endpoint: sandbox.endpoint, credentials: { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake' }, unlimitedRate: true },
          github: { baseUrl: sandbox.githubBaseUrl, unlimitedRate: true, retryAfterBaseMs: 1 },
        },
      });
      expect(batch.unrecorded).toEqual([]);
      runs.push(...batch.runs);
    }
    await store.close();
  }, 120_000);
  afterAll(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const eventFailuresOf = async (run: RunRecord) => {
    const reader = openStore(db, { readonly: true });
    try {
      return (await reader.findingsOf(run.seq)).filter((f) => EVENT_CHECKS.has(f.checkId) && f.status === 'fail');
    } finally {
      await reader.close();
    }
  };
  const findings = async (status: string) => {
    const result = await cliInProcess(['findings', '--status', status, '--json', '--db', db]);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Row[];
  };
  const keyOf = (f: Pick<FindingRecord, 'checkId' | 'resourceId'>) => `${f.checkId} ${f.resourceId}`;

  it('keeps every failing event of the first run in findings --status fail after a second run without new events, until reviewed', async () => {
    const first = runs.filter((r) => r.seq <= runs.length / 2);
    const second = runs.filter((r) => r.seq > runs.length / 2);
    expect(first.map((r) => [r.collector, r.status])).toEqual([
      ['aws-cloudtrail', 'ok'],
      ['github', 'ok'],
    ]);
    expect(second.map((r) => [r.collector, r.status, r.eventCounts.stored])).toEqual([
      ['aws-cloudtrail', 'ok', 0],
      ['github', 'ok', 0],
    ]);
    const failedFirst = (await Promise.all(first.map(eventFailuresOf))).flat();
    // Sign-ins without MFA, root use, CloudTrail changes, merges without independent approval, direct pushes.
    expect(new Set(failedFirst.map((f) => f.checkId)).size).toBeGreaterThanOrEqual(3);
    // The premise: the second run's snapshot no longer holds them.
    expect((await Promise.all(second.map(eventFailuresOf))).flat()).toEqual([]);

    const failing = await findings('fail');
    expect(failing.map(keyOf)).toEqual(expect.arrayContaining(failedFirst.map(keyOf)));
    for (const row of failing.filter((f) => EVENT_CHECKS.has(f.checkId))) {
      expect(row.occurredAt, keyOf(row)).toMatch(/^20\d\d-\d\d-\d\dT/);
      expect(row.review).toBeNull();
    }

    // controls and /metrics read the same current state.
    const controls = JSON.parse((await cliInProcess(['controls', '--framework', 'soc2', '--json', '--db', db])).stdout) as {
      id: string;
      state: string;
      failing: { checkId: string; resourceId: string }[];
    }[];
    for (const f of failedFirst)
      expect(
        controls.some((c) => c.state === 'failing' && c.failing.some((x) => keyOf(x) === keyOf(f))),
        keyOf(f),
      ).toBe(true);
    const metricsAt = async (at: Date) => {
      const reader = openStore(db, { readonly: true });
      try {
        const metrics = new DaemonMetrics(reader, { version: 'test', lifecycle: eventLifecycle(builtinCollectors, undefined), clock: () => at });
        await metrics.refresh();
        return await metrics.metrics();
      } finally {
        await reader.close();
      }
    };
    const trailFailures = failedFirst.filter((f) => f.checkId.startsWith('aws_cloudtrail_')).length;
    const nextDay = await metricsAt(new Date(SECOND.getTime() + 86_400_000));
    expect(nextDay).toContain(`evidence_agent_event_failures_unreviewed{collector="aws-cloudtrail"} ${trailFailures}`);
    expect(nextDay).toContain('evidence_agent_event_failures_overdue{collector="aws-cloudtrail"} 0');
    expect(Number(/evidence_agent_findings\{collector="aws-cloudtrail",status="fail"\} (\d+)/.exec(nextDay)?.[1])).toBeGreaterThanOrEqual(trailFailures);
    // Past the 7-day review SLA, every one of them is overdue.
    expect(await metricsAt(new Date(SECOND.getTime() + 8 * 86_400_000))).toContain(
      `evidence_agent_event_failures_overdue{collector="aws-cloudtrail"} ${trailFailures}`,
    );

    // One event, reviewed: every failing check on it moves to reviewed; the rest stay failing.
    const target = failedFirst.find((f) => f.checkId.startsWith('aws_cloudtrail_'))!;
    const reviewed = await cliInProcess([
      'review',
      target.resourceId,
      '--note',
      'Break-glass sign-in for INC-142, approved by the CISO',
      '--by',
      'alice@example.com',
      '--db',
      db,
    ]);
    expect(reviewed.stderr).toBe('');
    expect(reviewed.code).toBe(0);
    expect(reviewed.stdout).toContain(`recorded: ${target.checkId} ${target.resourceId} (occurred `);
    const onTarget = failedFirst.filter((f) => f.resourceId === target.resourceId).map(keyOf);
    const after = await findings('fail');
    expect(after.map(keyOf)).toEqual(expect.arrayContaining(failedFirst.map(keyOf).filter((k) => !onTarget.includes(k))));
    expect(after.map(keyOf)).not.toContain(keyOf(target));
    const moved = await findings('reviewed');
    expect(moved.map(keyOf).sort()).toEqual(onTarget.sort());
    expect(moved[0]!.review).toMatchObject({ reviewedBy: 'alice@example.com', note: 'Break-glass sign-in for INC-142, approved by the CISO' });
    const reviewedMetrics = await metricsAt(new Date());
    expect(reviewedMetrics).toContain(`evidence_agent_event_failures_unreviewed{collector="aws-cloudtrail"} ${trailFailures - onTarget.length}`);
    expect(reviewedMetrics).toContain(`evidence_agent_findings{collector="aws-cloudtrail",status="reviewed"} ${onTarget.length}`);

    // Twice is refused, as is an id nothing failed on; the chain holds the review and still verifies.
    const again = await cliInProcess(['review', target.resourceId, '--note', 'again', '--db', db]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is already reviewed by alice@example\.com on \d{4}-\d\d-\d\d/);
    const unknown = await cliInProcess(['review', 'no-such-event', '--note', 'x', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^evidence-agent: review no-such-event: no failing event "no-such-event"/);
    expect((await cliInProcess(['verify', '--db', db])).code).toBe(0);

    // The period export shows the review on the event's own day.
    const occurred = moved[0]!.occurredAt!;
    const from = occurred.slice(0, 10);
    expect((await cliInProcess(['keygen', '--out', join(dir, 'key.pem')])).code).toBe(0);
    const out = join(dir, 'bundle');
    const exported = await cliInProcess([
      'export',
      '--from',
      from,
      '--to',
      SECOND.toISOString().slice(0, 10),
      '--framework',
      'soc2',
      '--out',
      out,
      '--signing-key',
      join(dir, 'key.pem'),
      '--db',
      db,
    ]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const line = new RegExp(
      `<tr data-reviewed="true"><td>${from}</td>.*?<td>${target.checkId}</td><td>${target.resourceId}</td>.*?<td class="review">reviewed by alice@example.com on \\d{4}-\\d\\d-\\d\\d: Break-glass sign-in for INC-142`,
    ).exec(html);
    expect(line).not.toBeNull();
    const coverage = parse(readFileSync(join(out, 'coverage.csv')), { columns: true }) as Record<string, string>[];
    // index.html counts the gaps from the same days as coverage.csv (the last day is read only to 06:01).
    const gapRows = coverage.filter((r) => r['gap'] === 'true');
    expect(gapRows.length).toBeGreaterThan(0);
    expect(Number(/Gaps \((\d+) control-days\)/.exec(html)?.[1])).toBe(gapRows.length);
    expect(
      coverage.some((r) => r['day'] === from && (r['reviewed'] ?? '').includes(`${target.checkId} ${target.resourceId}: reviewed by alice@example.com`)),
    ).toBe(true);
    const control = coverage.find((r) => r['day'] === from && (r['reviewed'] ?? '').includes(target.resourceId))!['control']!;
    const rows = parse(readFileSync(join(out, 'controls', 'soc2', control, 'findings.csv')), { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r['resourceId'] === target.resourceId && r['check'] === target.checkId)).toMatchObject({
      day: from,
      status: 'fail',
      observedAt: occurred,
      review: expect.stringMatching(/^reviewed by alice@example\.com on \d{4}-\d\d-\d\d: Break-glass/),
    });
    // The review names the run that recorded it, which the store's chain holds.
    const reviews = parse(readFileSync(join(out, 'reviews.csv')), { columns: true }) as Record<string, string>[];
    expect(reviews.find((r) => r['resourceId'] === target.resourceId)).toMatchObject({
      check: target.checkId,
      occurredAt: occurred,
      reviewedBy: 'alice@example.com',
    });
    const head = `${reviews[0]!['run']}:${reviews[0]!['runHash']}`;
    expect((await cliInProcess(['verify', '--head', head, '--db', db])).code).toBe(0);
  }, 120_000);

  it('records the reviews of a file, all or nothing, skipping those already recorded', async () => {
    const open = (await findings('fail')).filter((f) => EVENT_CHECKS.has(f.checkId));
    const reviewed = await findings('reviewed');
    expect(open.length).toBeGreaterThan(1);
    const file = join(dir, 'reviews.yaml');
    const runsBefore = JSON.parse((await cliInProcess(['runs', '--json', '--db', db])).stdout) as unknown[];
    // One entry names nothing: nothing of the file is recorded, and the line names the entry.
    writeFileSync(
      file,
      `reviews:\n  - id: "${open[0]!.checkId}:${open[0]!.resourceId}"\n    note: Looked at it.\n    by: bob@example.com\n  - id: not-an-event\n    note: Typo.\n    by: bob@example.com\n`,
    );
    const refused = await cliInProcess(['review', '--file', file, '--db', db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `evidence-agent: config: ${file}: reviews.1: no failing event "not-an-event" (give the event id, the resource of a failing event in \`evidence-agent findings --status fail\`, or <check>:<event id>)\n`,
    );
    expect(JSON.parse((await cliInProcess(['runs', '--json', '--db', db])).stdout)).toHaveLength(runsBefore.length);
    // A finding id reviews that check's finding only; an entry already reviewed is skipped.
    writeFileSync(
      file,
      `reviews:\n  - id: "${open[0]!.checkId}:${open[0]!.resourceId}"\n    note: Looked at it.\n    by: bob@example.com\n  - id: "${reviewed[0]!.resourceId}"\n    note: Again.\n    by: bob@example.com\n`,
    );
    const recorded = await cliInProcess(['review', '--file', file, '--db', db]);
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toContain(`skipped: ${file}: reviews.1: ${reviewed[0]!.resourceId} is already reviewed by alice@example.com on `);
    expect(recorded.stdout).toMatch(/run \d+: 1 review\(s\) in the chain/);
    expect((await findings('reviewed')).find((f) => keyOf(f) === keyOf(open[0]!))?.review).toMatchObject({
      reviewedBy: 'bob@example.com',
      note: 'Looked at it.',
    });
    // The same file again records nothing more.
    expect((await cliInProcess(['review', '--file', file, '--db', db])).stdout).toContain('nothing to record');
    // A bad file is one line naming the entry and field.
    writeFileSync(file, 'reviews:\n  - id: x\n    note: "two\\nlines"\n    by: bob\n');
    expect((await cliInProcess(['review', '--file', file, '--db', db])).stderr).toBe(`evidence-agent: config: ${file}: reviews.0.note: expected one line\n`);
  });

  it('lets the config decide which checks are event checks, and names an unknown one', async () => {
    const first = runs.filter((r) => r.seq <= runs.length / 2);
    const failedFirst = (await Promise.all(first.map(eventFailuresOf))).flat();
    const config = join(dir, 'github-only.yaml');
    writeFileSync(
      config,
      `store: { path: "${db}" }\nreviews:\n  eventChecks: [github_pull_request_independently_approved, github_repo_direct_pushes_absent]\n  slaDays: 3\n`,
    );
    const result = await cliInProcess(['findings', '--json', '--config', config]);
    expect(result.code).toBe(0);
    // Failing, reviewed or not (an earlier test reviewed some).
    const failing = (JSON.parse(result.stdout) as Row[]).filter((f) => f.status === 'fail').map(keyOf);
    const listed = failedFirst.filter((f) => f.checkId === 'github_pull_request_independently_approved' || f.checkId === 'github_repo_direct_pushes_absent');
    expect(listed.length).toBeGreaterThan(0);
    expect(failing).toEqual(expect.arrayContaining(listed.map(keyOf)));
    // The others are judged by their latest snapshot only, as the config asks.
    expect(failing.filter((k) => k.startsWith('aws_cloudtrail_root_not_used ') || k.startsWith('aws_cloudtrail_console_signin_mfa_used '))).toEqual([]);

    writeFileSync(config, `store: { path: "${db}" }\nreviews:\n  eventChecks: [aws_cloudtrail_root_not_usd]\n`);
    const wrong = await cliInProcess(['findings', '--config', config]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(
      'evidence-agent: config: reviews.eventChecks[0]: unknown check "aws_cloudtrail_root_not_usd"; did you mean "aws_cloudtrail_root_not_used"? (evidence-agent findings lists the checks)\n',
    );
  });

  it('reviews a demo store without making it a store of real evidence', async () => {
    const demoDb = join(dir, 'demo.db');
    expect((await cliInProcess(['demo', '--days', '1', '--db', demoDb])).code).toBe(0);
    const open = JSON.parse((await cliInProcess(['findings', '--status', 'fail', '--json', '--db', demoDb])).stdout) as Row[];
    const event = open.find((f) => EVENT_CHECKS.has(f.checkId))!;
    expect((await cliInProcess(['review', event.resourceId, '--note', 'Demo review.', '--db', demoDb])).code).toBe(0);
    // The review is about the demo's findings: a new demo still replaces the store.
    const again = await cliInProcess(['demo', '--days', '1', '--db', demoDb]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  }, 300_000);
});
