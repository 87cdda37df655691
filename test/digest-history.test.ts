// The digest's history is what was recorded, never invented: a week without a snapshot says "no data" in
// its trend, its headline and every format (Markdown, HTML and its chart, JSON, Slack), not 0; and only a
// sent digest is kept, so previews leave `digest --list` as it was.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CollectResult, Collector } from '../src/collector.js';
import { digestCommand } from '../src/commands/digest.js';
import { buildDigest, DEFAULT_SLA_DAYS } from '../src/digest/build.js';
import { slackMessage } from '../src/digest/deliver.js';
import { recordDigest } from '../src/digest/record.js';
import { digestHtml, digestMarkdown } from '../src/digest/render.js';
import { weekDays } from '../src/digest/week.js';
import type { Framework } from '../src/mapping/load.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/types.js';
import { captured } from './helpers/cli-in-process.js';
import { mfaCheck, runOnDay } from './helpers/period-history.js';
import type { FakeOptions } from './helpers/period-history.js';
import { tempDbPath } from './helpers/store-fixtures.js';

/** carol never has MFA: one failing finding on every day the collector runs. */
const collector: Collector<FakeOptions> = {
  id: 'test-hr',
  title: 'Test HR',
  optionsSchema: z.object({ timeoutSeconds: z.number() }),
  permissions: ['hr:Read'],
  checks: [mfaCheck()],
  defaultSchedule: '0 6 * * *',
  scopes: () => [{ key: 'org-1', settings: {} }],
  collect: async (): Promise<CollectResult> => ({
    evidence: [
      { type: 'test.user', resourceId: 'alice', schemaVersion: 1, data: { mfa: true } },
      { type: 'test.user', resourceId: 'carol', schemaVersion: 1, data: { mfa: false } },
    ],
    errors: [],
  }),
};

const framework = {
  id: 'test',
  title: 'Test',
  version: '1',
  file: 'test.yaml',
  controls: [{ id: 'AC-1', title: 'MFA', group: 'Access' }],
  mappings: [],
  controlsByCheck: new Map([['test_hr_user_mfa_enabled', ['AC-1']]]),
  checksByControl: new Map([['AC-1', ['test_hr_user_mfa_enabled']]]),
} as unknown as Framework;

const digestOf = (store: EvidenceStore, week: string) =>
  buildDigest(store, {
    ...weekDays(week)!,
    label: week,
    timeZone: 'UTC',
    frameworks: [framework],
    collectors: [collector],
    cadenceDays: () => 1,
    slaDays: DEFAULT_SLA_DAYS,
  });

let store: EvidenceStore;
let dbPath: string;
beforeAll(async () => {
  dbPath = tempDbPath();
  store = openStore(dbPath);
  // Runs on 2026-01-05..11 (W02) and 2026-01-19..25 (W04); none in W03 (01-12..18) nor before W02.
  for (let n = 4; n <= 10; n++) await runOnDay(store, collector, n);
  for (let n = 18; n <= 24; n++) await runOnDay(store, collector, n);
});
afterAll(async () => store.close());

describe('digest trend and headline: no data, not 0', () => {
  it('gives no number to a week without a snapshot, before the first run or in a pause', async () => {
    const d = await digestOf(store, '2026-W04');
    expect(d.trend.map((t) => [t.week, t.failing])).toEqual([
      ['2025-12-07', null],
      ['2025-12-14', null],
      ['2025-12-21', null],
      ['2025-12-28', null],
      ['2026-01-04', null],
      ['2026-01-11', 1],
      ['2026-01-18', null],
      ['2026-01-25', 1],
    ]);
    expect(d.trend[0]!.noData).toBe('no collector had run yet');
    expect(d.trend[6]!.noData).toBe('no collector produced a snapshot in the week');
    expect(d.noData).toBeNull();
    expect(d.headline.failing).toBe(1);

    const markdown = digestMarkdown(d);
    expect(markdown).toContain(
      '2025-12-07: no data, 2025-12-14: no data, 2025-12-21: no data, 2025-12-28: no data, 2026-01-04: no data, 2026-01-11: 1, 2026-01-18: no data, 2026-01-25: 1.',
    );
    expect(markdown).not.toMatch(/\d{4}-\d{2}-\d{2}: 0\b/);
    const json = JSON.parse(JSON.stringify(d)) as { trend: { week: string; failing: number | null }[] };
    expect(json.trend[6]).toEqual({ week: '2026-01-18', failing: null, noData: 'no collector produced a snapshot in the week' });

    // The chart draws no bar for a week without data: an outlined placeholder labelled "no data".
    const svg = /<svg[\s\S]*<\/svg>/.exec(digestHtml(d))![0];
    expect(svg.match(/<rect /g)).toHaveLength(8);
    expect(svg.match(/<title>[^<]*no data[^<]*<\/title>/g)).toHaveLength(6);
    expect(svg).toContain('<title>2026-01-25: 1 failing</title>');
    expect(svg).not.toMatch(/>0<\/text>/);
  });

  it('says "no data" for a week without a snapshot, in Markdown, HTML, JSON and Slack', async () => {
    for (const [week, cause] of [
      ['2026-W03', 'no collector produced a snapshot in the week'],
      ['2025-W52', 'no collector had run yet'],
    ] as const) {
      const d = await digestOf(store, week);
      expect(d.noData).toBe(cause);
      expect(d.headline).toMatchObject({ failing: null, newFailures: null, resolved: null, overdue: null, driftedResources: null });
      // Nothing is carried over as if it had been seen in the week.
      expect([d.newFailures, d.resolved, d.stillFailing, d.drift, d.newResources, d.removedResources]).toEqual([[], [], [], [], [], []]);

      const markdown = digestMarkdown(d);
      expect(markdown).toContain(`**No data for this week**: ${cause}.`);
      expect(markdown).not.toMatch(/\*\*0 failing\*\*|No new failure this week|Nothing failed both last week and this week/);
      expect(markdown).toContain(`No data: ${cause}.`);
      expect(digestHtml(d)).toContain(`<strong>No data for this week</strong>: ${cause}.`);
      expect(JSON.parse(JSON.stringify(d)).headline.failing).toBeNull();

      const slack = slackMessage(d);
      expect(slack.text).toBe(`Evidence digest ${week}: no data (${cause}), ${d.headline.gaps} coverage gaps`);
      expect(JSON.stringify(slack.blocks)).not.toMatch(/\*Failing\*\\n0/);
      expect(JSON.stringify(slack.blocks)).toContain('*Failing*\\nno data');
    }
  });
});

describe('digest --list keeps sent digests only', () => {
  it('records no preview (plain, --format, --dry-run) and keeps a digest sent with --send', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-digest-list-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `digest:\n  deliver:\n    directory: ${join(dir, 'out')}\n`);
    const listed = async () =>
      JSON.parse((await captured(() => digestCommand({ db: dbPath, list: true, format: 'json' }))).stdout) as {
        label: string;
        deliveries: { target: string; ok: boolean }[];
      }[];
    const before = await listed();
    expect(before).toEqual([]);

    for (const extra of [{}, { format: 'json' }, { format: 'html' }, { dryRun: true }]) {
      const preview = await captured(() => digestCommand({ db: dbPath, config, week: '2026-W04', ...extra }));
      expect(preview.code).toBe(0);
      expect(preview.stdout.length).toBeGreaterThan(100);
    }
    expect(await listed()).toEqual(before);
    expect(() => readdirSync(join(dir, 'out'))).toThrow();

    const sent = await captured(() => digestCommand({ db: dbPath, config, week: '2026-W04', send: true }));
    expect(sent.code).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['digest-2026-W04.html', 'digest-2026-W04.json', 'digest-2026-W04.md']);
    const after = await listed();
    expect(after.map((d) => [d.label, d.deliveries.map((x) => [x.target, x.ok])])).toEqual([['2026-W04', [['directory', true]]]]);
  });

  it('keeps no digest that was sent nowhere (the daemon with no target, a caller passing no delivery)', async () => {
    const d = await digestOf(store, '2026-W04');
    await expect(
      recordDigest(store, d, digestMarkdown(d), [], {
        at: new Date('2026-01-26T08:00:00Z'),
        agentVersion: 'test',
        mappingVersion: 'test',
        configDigest: 'test',
      }),
    ).rejects.toThrow('digest 2026-W04 was not sent anywhere: only a sent digest is kept');
  });

  it('refuses --send with --dry-run, and --send without a delivery target, keeping nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-digest-list-'));
    const config = join(dir, 'config.yaml');
    // An absolute directory: a regression that sends must not write into the working directory.
    writeFileSync(config, `digest:\n  deliver:\n    directory: ${join(dir, 'out')}\n`);
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'digest:\n  slaDays:\n    high: 20\n');
    const count = async () => (JSON.parse((await captured(() => digestCommand({ db: dbPath, list: true, format: 'json' }))).stdout) as unknown[]).length;
    const kept = await count();
    await expect(captured(() => digestCommand({ db: dbPath, config, week: '2026-W04', send: true, dryRun: true }))).rejects.toThrow(
      '--send and --dry-run: choose one (--dry-run shows the digest without sending or keeping it)',
    );
    await expect(captured(() => digestCommand({ db: dbPath, config: empty, week: '2026-W04', send: true }))).rejects.toThrow(
      '--send: digest.deliver names no target; add a directory, slack or email under digest.deliver in the config',
    );
    expect(await count()).toBe(kept);
    expect(() => readdirSync(join(dir, 'out'))).toThrow();
  });
});
