// The weekly digest over a store built day by day with a fake clock: each category (new, resolved,
// still failing against its SLA, drift that still passes, new and removed resources, expiring
// exceptions, notable populations and events), a week with the collector down for 3 days, and an empty
// week; its Markdown and HTML; Slack delivery (Block Kit, 429 retry-after honoured) and email through a
// real local SMTP server.
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CheckDefinition, CollectResult, Collector, PopulationDefinition } from '../src/collector.js';
import { buildDigest, DEFAULT_SLA_DAYS } from '../src/digest/build.js';
import type { Digest } from '../src/digest/build.js';
import { deliverDigest } from '../src/digest/deliver.js';
import type { Rendered } from '../src/digest/deliver.js';
import { digestHtml, digestMarkdown } from '../src/digest/render.js';
import { weekDays, weekOf } from '../src/digest/week.js';
import type { AcceptedException } from '../src/exceptions/schema.js';
import type { Framework } from '../src/mapping/load.js';
import { recordReviews } from '../src/reports/reviews.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/types.js';
import { chromiumOrSkip } from './helpers/browser.js';
import { dayNumber, mfaCheck, runOnDay } from './helpers/period-history.js';
import type { FakeOptions } from './helpers/period-history.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const signInCheck: CheckDefinition<FakeOptions> = {
  id: 'test_hr_signin_event_reviewed',
  title: 'Sign-ins came from known places',
  severity: 'high',
  description: 'Each sign-in is from a known place.',
  remediation: 'Review.',
  resourceTypes: ['test.signin'],
  judgesEvents: true,
  evaluate: (view) =>
    view.events('test.signin').map((e) => {
      const odd = (e.data as { from: string }).from === 'unknown';
      return {
        resourceType: 'test.signin',
        resourceId: e.eventId,
        status: odd ? 'fail' : 'pass',
        message: `sign-in ${e.eventId} from ${(e.data as { from: string }).from}`,
      };
    }),
};

const changes: PopulationDefinition = {
  id: 'test-changes',
  title: 'Test changes',
  description: 'Every change.',
  eventTypes: ['test.signin'],
  columns: [{ name: 'who', description: 'actor' }],
  method: 'Stored test events.',
  digest: { title: 'Sign-ins from unknown places', notable: (row) => row['who'] === 'mallory', line: (row) => `signed in as ${row['who']}` },
  rowOf: (event) => ({ who: String((event.data as { who: string }).who) }),
};

/** Day n: alice loses MFA on day 12, bob fixes his on day 9 and becomes admin on day 13, carol never has it. */
function collector(stable = false): Collector<FakeOptions> {
  return {
    id: 'test-hr',
    title: 'Test HR',
    optionsSchema: z.object({ timeoutSeconds: z.number() }),
    permissions: ['hr:Read'],
    checks: [mfaCheck(), signInCheck],
    populations: [changes],
    defaultSchedule: '0 6 * * *',
    scopes: () => [{ key: 'org-1', settings: {} }],
    collect: async (ctx): Promise<CollectResult> => {
      const n = dayNumber(ctx.now());
      if (!stable && n >= 19 && n <= 21) throw new Error('HR API unreachable');
      const user = (id: string, mfa: boolean, extra: object = {}) => ({ type: 'test.user', resourceId: id, schemaVersion: 1, data: { mfa, ...extra } });
      const evidence = stable
        ? [user('alice', true), user('bob', true)]
        : [
            user('alice', n < 12),
            user('bob', n >= 9, { role: n >= 13 ? 'admin' : 'dev', lastUsed: `day ${n}` }),
            user('carol', false),
            ...(n <= 13 ? [user('dave', true)] : []),
            ...(n >= 14 ? [user('erin', true)] : []),
          ];
      return {
        evidence,
        errors: [],
        events: [
          {
            type: 'test.signin',
            eventId: `s${n}`,
            occurredAt: new Date(ctx.now().getTime() - 3_600_000).toISOString(),
            partition: 'log',
            schemaVersion: 1,
            data: { who: !stable && n === 15 ? 'mallory' : `user${n}`, from: !stable && n === 16 ? 'unknown' : 'office' },
          },
        ],
        windows: [
          {
            partition: 'log',
            from: ctx.watermarks['log'] ?? new Date(ctx.now().getTime() - 86_400_000).toISOString(),
            to: ctx.now().toISOString(),
            complete: true,
          },
        ],
      };
    },
  };
}

const framework = {
  id: 'test',
  title: 'Test',
  version: '1',
  file: 'test.yaml',
  controls: [
    { id: 'AC-1', title: 'MFA', group: 'Access' },
    { id: 'AC-2', title: 'Sign-ins', group: 'Access' },
  ],
  mappings: [],
  controlsByCheck: new Map([
    ['test_hr_user_mfa_enabled', ['AC-1']],
    ['test_hr_signin_event_reviewed', ['AC-2']],
  ]),
  checksByControl: new Map([
    ['AC-1', ['test_hr_user_mfa_enabled']],
    ['AC-2', ['test_hr_signin_event_reviewed']],
  ]),
} as unknown as Framework;

const FRANK: AcceptedException = {
  id: 'RISK-9',
  check: 'test_hr_user_mfa_enabled',
  resource: 'frank',
  reason: 'Frank is leaving; his account goes at month end.',
  approver: 'ciso@example.com',
  approved: '2026-01-02',
  expires: '2026-01-28',
};

async function storeWith(days: number, stable = false): Promise<EvidenceStore> {
  const store = openStore(tempDbPath());
  const c = collector(stable);
  for (let n = 0; n < days; n++) await runOnDay(store, c, n, { exceptions: { source: 'exceptions.yaml', exceptions: [FRANK] } });
  return store;
}

const digestOf = (store: EvidenceStore, week: string, stable = false) =>
  buildDigest(store, {
    ...weekDays(week)!,
    label: week,
    timeZone: 'UTC',
    frameworks: [framework],
    collectors: [collector(stable)],
    cadenceDays: () => 1,
    slaDays: { ...DEFAULT_SLA_DAYS, high: 10 },
  });

let store: EvidenceStore;
beforeAll(async () => {
  // Day 25 (2026-01-26) reads the events up to its morning, so W04 is read to its end.
  store = await storeWith(26);
});
afterAll(async () => store.close());

describe('weekly digest', () => {
  it('reports each category of the week 2026-W03 against the end of W02', async () => {
    const d = await digestOf(store, '2026-W03');
    // The sign-in from an unknown place (an event failure) stays failing until reviewed: new this week.
    expect(d.newFailures.map((f) => [f.resourceId, f.since.slice(0, 10), f.controls])).toEqual([
      ['s16', '2026-01-17', ['TEST AC-2']],
      ['alice', '2026-01-13', ['TEST AC-1']],
    ]);
    expect(d.resolved).toEqual([]);
    expect(d.stillFailing.map((f) => [f.resourceId, f.ageDays, f.slaDays, f.overdue])).toEqual([['carol', 17, 10, true]]);
    // bob's role changed while he passes; his last-use field moved too, which is activity, not drift.
    expect(d.drift).toEqual([
      { collector: 'test-hr', scope: 'org-1', type: 'test.user', resourceId: 'bob', changes: [{ path: 'role', before: '"dev"', after: '"admin"' }] },
    ]);
    expect(d.newResources.map((r) => r.resourceId)).toEqual(['erin']);
    expect(d.removedResources.map((r) => r.resourceId)).toEqual(['dave']);
    expect(d.missedRuns).toEqual([]);
    expect(d.coverage).toEqual([{ framework: 'test', controls: 2, controlDays: 14, evidencedControlDays: 14, gaps: [] }]);
    expect(d.expiringExceptions.map((e) => [e.id, e.daysLeft])).toEqual([['RISK-9', 10]]);
    expect(d.populations).toEqual([{ id: 'test-changes', title: 'Sign-ins from unknown places', rows: 7, notable: ['org-1: signed in as mallory'] }]);
    expect(d.eventFailures.map((e) => [e.resourceId, e.message, e.occurredAt, e.reviewed])).toEqual([
      ['s16', 'sign-in s16 from unknown', '2026-01-17T05:00:00.000Z', null],
    ]);
    expect(d.headline).toEqual({ failing: 3, newFailures: 2, resolved: 1 - 1, overdue: 1, gaps: 0, driftedResources: 1 });
    expect(d.trend).toHaveLength(8);
    expect(d.trend.at(-1)).toEqual({ week: '2026-01-18', failing: 2 });
  });

  it('reports what was fixed in the week', async () => {
    const d = await digestOf(store, '2026-W02');
    expect(d.resolved.map((f) => [f.resourceId, f.fixedBy])).toEqual([['bob', 'pass since 2026-01-10']]);
    expect(d.newFailures).toEqual([]);
  });

  it('shows a collector down for three days as missed runs and coverage gaps, apart from failures', async () => {
    const d = await digestOf(store, '2026-W04');
    expect(d.missedRuns).toEqual([
      { collector: 'test-hr', scope: 'org-1', days: ['2026-01-20', '2026-01-21', '2026-01-22'], cause: 'failed: HR API unreachable' },
    ]);
    // The sign-ins of those days were read in full by the run of 2026-01-23 (from the last complete
    // window on): the event check evidences them; the snapshots of those days are missing.
    expect(d.coverage[0]!.gaps.map((g) => [g.control, g.from, g.to])).toEqual([['AC-1', '2026-01-20', '2026-01-22']]);
    expect(d.newFailures).toEqual([]);
  });

  it('says each empty category in one line for a quiet week', async () => {
    const quiet = await storeWith(21, true);
    try {
      const d = await digestOf(quiet, '2026-W02', true);
      const markdown = digestMarkdown(d);
      for (const line of [
        'No new failure this week.',
        'Nothing that failed last week was fixed this week.',
        'Nothing failed both last week and this week.',
        'No passing resource changed.',
        'Every automated control was evidenced every day.',
        'Every collector ran every day.',
        'No new resource.',
        'No resource removed.',
        'None this week.',
        'No event check failed this week.',
        'The previous digest was delivered everywhere.',
      ]) {
        expect(markdown).toContain(line);
      }
      expect(d.expiringExceptions).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('renders Markdown and email-safe HTML without secrets or scripts', async () => {
    const d = await digestOf(store, '2026-W03');
    const markdown = digestMarkdown(d);
    expect(markdown).toMatch(/^# Evidence digest 2026-W03 \(2026-01-12 to 2026-01-18, UTC\)\n\n\*\*3 failing\*\* · 2 new/);
    expect(markdown).toContain('**OVERDUE** high test_hr_user_mfa_enabled on `carol`: failing for 17 days (SLA 10) since 2026-01-01');
    const html = digestHtml(d);
    expect(html).not.toMatch(/<script|<link|src="http/i);
    expect(html).toContain('<strong>OVERDUE</strong>');
    expect(html.match(/<rect /g)).toHaveLength(8);
  });

  it('keeps an unreviewed event failure in still failing, overdue past the review SLA, until a review resolves it', async () => {
    const w04 = await digestOf(store, '2026-W04');
    // s16 (2026-01-17): read the same morning, no later run repeats it, nobody reviewed it in 8 days.
    expect(w04.stillFailing.filter((f) => f.awaitingReview).map((f) => [f.resourceId, f.since, f.ageDays, f.slaDays, f.overdue])).toEqual([
      ['s16', '2026-01-17T06:00:00.000Z', 8, 7, true],
    ]);
    expect(digestMarkdown(w04)).toContain('**OVERDUE** high test_hr_signin_event_reviewed on `s16`: not reviewed for 8 days (review SLA 7) since 2026-01-17');
    await recordReviews(
      store,
      [
        {
          collector: 'test-hr',
          scope: 'org-1',
          checkId: 'test_hr_signin_event_reviewed',
          resourceId: 's16',
          occurredAt: '2026-01-17T05:00:00.000Z',
          note: 'Travelling, confirmed by phone.',
          reviewedBy: 'bob@example.com',
        },
      ],
      { at: new Date('2026-01-26T09:00:00Z'), agentVersion: 'test', mappingVersion: 'test', configDigest: 'test' },
    );
    const w05 = await digestOf(store, '2026-W05');
    expect(w05.resolved.map((f) => [f.resourceId, f.fixedBy])).toEqual([['s16', 'reviewed by bob@example.com on 2026-01-26']]);
    expect(w05.stillFailing.map((f) => f.resourceId)).not.toContain('s16');
    // The week before the review still shows it open: a digest reads the reviews recorded by its end.
    expect((await digestOf(store, '2026-W04')).stillFailing.map((f) => f.resourceId)).toContain('s16');
    // The review stream is the agent's record, not a collector that missed runs.
    expect(w05.missedRuns.map((m) => m.collector)).not.toContain('review');
  });

  it('names ISO weeks as the calendar does', () => {
    expect(weekDays('2026-W01')).toEqual({ from: '2025-12-29', to: '2026-01-04' });
    expect(weekDays('2026-W53')).toEqual({ from: '2026-12-28', to: '2027-01-03' });
    expect(weekDays('2025-W53')).toBeUndefined();
    expect(weekOf('2027-01-01').label).toBe('2026-W53');
  });
});

describe('digest delivery', () => {
  let rendered: Rendered;
  let dir: string;
  beforeAll(async () => {
    const digest: Digest = await digestOf(store, '2026-W03');
    rendered = { digest, markdown: digestMarkdown(digest), html: digestHtml(digest), json: JSON.stringify(digest) };
    dir = mkdtempSync(join(tmpdir(), 'evidence-agent-digest-'));
  });

  it('writes the files first, then posts Block Kit to Slack, waiting out a 429 retry-after', async () => {
    nock.disableNetConnect();
    const bodies: unknown[] = [];
    const hook = nock('https://hooks.slack.com')
      .post('/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX', (body) => bodies.push(body) > 0)
      .reply(429, 'rate_limited', { 'retry-after': '1' })
      .post('/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX', (body) => bodies.push(body) > 0)
      .reply(200, 'ok');
    const started = Date.now();
    const outcomes = await deliverDigest(rendered, {
      directory: dir,
      slack: { webhookUrl: 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX' },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(hook.isDone()).toBe(true);
    nock.cleanAll();
    nock.enableNetConnect();
    expect(outcomes).toEqual([
      { target: 'directory', ok: true, detail: join(dir, 'digest-2026-W03.md') },
      { target: 'slack', ok: true, detail: 'posted to the Slack webhook' },
    ]);
    expect(readFileSync(join(dir, 'digest-2026-W03.md'), 'utf8')).toBe(rendered.markdown);
    const message = bodies[1] as { text: string; blocks: { type: string; text?: { type: string; text: string }; fields?: unknown[]; elements?: unknown[] }[] };
    expect(message.text).toBe('Evidence digest 2026-W03: 3 failing, 2 new, 0 resolved, 1 overdue, 0 coverage gaps');
    // Block Kit: a header of plain_text, sections of mrkdwn (fields at most 10), contexts of elements.
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context', 'context']);
    // The chain head leaves the volume with the digest (here, and in its Markdown), for verify --head.
    const head = rendered.digest.chainHead!;
    expect(JSON.stringify(message.blocks[4])).toContain(`Chain head: run ${head.seq}, sha256:${head.hash}`);
    expect(rendered.markdown).toContain(`evidence-agent verify --head ${head.seq}:${head.hash}`);
    expect(message.blocks[0]!.text).toEqual({ type: 'plain_text', text: 'Evidence digest 2026-W03', emoji: true });
    expect(message.blocks[1]!.fields!.length).toBeLessThanOrEqual(10);
    expect(message.blocks[2]!.text!.type).toBe('mrkdwn');
    expect(message.blocks[2]!.text!.text).toContain('*overdue* high `test_hr_user_mfa_enabled` on `carol` (17 days)');
    expect(JSON.stringify(message)).not.toContain('hooks.slack.com');
  });

  it('reports a Slack webhook that keeps failing, without losing the digest or naming the URL', async () => {
    nock.disableNetConnect();
    nock('https://hooks.slack.com').post(/.*/).times(3).reply(500, 'internal_error');
    const outcomes = await deliverDigest(
      rendered,
      { directory: join(dir, 'again'), slack: { webhookUrl: 'https://hooks.slack.com/services/T0000/B0000/SECRETSECRET' } },
      { retryBaseMs: 1 },
    );
    nock.cleanAll();
    nock.enableNetConnect();
    expect(outcomes[0]).toMatchObject({ target: 'directory', ok: true });
    expect(outcomes[1]).toEqual({ target: 'slack', ok: false, detail: 'failed after 3 attempts: Slack answered HTTP 500: internal_error' });
  });

  it('emails HTML with a text alternative through a real SMTP server', async () => {
    const received: { from: string; to: string[]; raw: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    try {
      const outcomes = await deliverDigest(rendered, {
        email: { host: '127.0.0.1', port, secure: false, from: 'evidence-agent@example.com', to: ['security@example.com'] },
      });
      expect(outcomes).toEqual([{ target: 'email', ok: true, detail: 'sent to 1 recipient(s)' }]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail!.from).toBe('evidence-agent@example.com');
    expect(mail!.to).toEqual(['security@example.com']);
    expect(mail!.raw).toMatch(/^Subject: Evidence digest 2026-W03: 3 failing, 2 new, 1 overdue\r?$/m);
    expect(mail!.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(mail!.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail!.raw).toMatch(/Content-Type: text\/html/);
    // Quoted-printable folds lines; unfolded, both parts carry the digest.
    const unfolded = mail!.raw.replace(/=\r?\n/g, '');
    expect(unfolded).toContain('# Evidence digest 2026-W03');
    expect(unfolded).toContain('Evidence digest 2026-W03 (2026-01-12 to 2026-01-18, UTC)</h1>');
  });
});

describe('digest HTML in a browser', () => {
  it('renders in headless Chromium with its trend chart, and leaves a screenshot', async (context) => {
    const executablePath = chromiumOrSkip((note) => context.skip(note));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.setContent(digestHtml(await digestOf(store, '2026-W03')));
      await expect(page.locator('h1').textContent()).resolves.toBe('Evidence digest 2026-W03 (2026-01-12 to 2026-01-18, UTC)');
      expect(await page.locator('svg rect').count()).toBe(8);
      expect(await page.locator('strong', { hasText: 'OVERDUE' }).count()).toBe(1);
      expect(requests.filter((url) => !url.startsWith('about:') && !url.startsWith('data:'))).toEqual([]);
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: join('test-artifacts', 'digest.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
