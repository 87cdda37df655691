// The daemon's /metrics: the exposition read by a strict parser of Prometheus' text format, and its
// names held to Prometheus' conventions (prefix, units, _total, no `job` label, process metrics
// unprefixed, labelled counters present at 0 from the start, build_info).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonMetrics } from '../src/daemon/metrics.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore, RunRecord } from '../src/store/types.js';
import { parseExposition } from './helpers/prometheus-text.js';
import type { Family } from './helpers/prometheus-text.js';

let dir: string;
let store: EvidenceStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ea-metrics-'));
  store = openStore(join(dir, 'evidence.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const LABELS = {
  version: '0.1.0',
  node: 'v22.23.3',
  collectors: ['aws-iam', 'github'],
  schedules: { 'aws-iam': 86_400, github: 3_600, digest: 604_800 },
  digestTargets: ['directory', 'slack'],
};

const run = (collector: string, status: RunRecord['status'], apiCalls = 3) =>
  ({ collector, status, apiCalls, startedAt: '2026-12-06T03:00:00.000Z', finishedAt: '2026-12-06T03:00:12.500Z' }) as RunRecord;

async function scrape(metrics: DaemonMetrics): Promise<Map<string, Family>> {
  await metrics.refresh();
  return parseExposition(await metrics.metrics());
}

const value = (families: Map<string, Family>, name: string, labels: Record<string, string>) =>
  families
    .get(name.replace(/_(bucket|sum|count)$/, ''))
    ?.samples.find(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length,
    )?.value;

describe('the metrics exposition', () => {
  it("parses as Prometheus' text format, with HELP and TYPE for every family", async () => {
    const metrics = new DaemonMetrics(store, LABELS);
    metrics.recordRun(run('aws-iam', 'ok'));
    metrics.recordRun(run('github', 'failed'));
    metrics.recordSkip('github');
    metrics.recordDigestDeliveries([{ target: 'slack', ok: false, detail: 'HTTP 500' }]);
    const families = await scrape(metrics);
    expect(families.size).toBeGreaterThan(10);
    for (const family of families.values()) {
      expect(family.help, family.name).toBeTruthy();
      expect(family.type, family.name).not.toBe('untyped');
    }
    expect(value(families, 'evidence_agent_run_duration_seconds_count', { collector: 'aws-iam' })).toBe(1);
    expect(value(families, 'evidence_agent_run_duration_seconds_sum', { collector: 'aws-iam' })).toBe(12.5);
  });

  it('follows the naming conventions', async () => {
    const families = await scrape(new DaemonMetrics(store, LABELS));
    const names = [...families.keys()];
    for (const family of families.values()) {
      const own = family.name.startsWith('evidence_agent_');
      expect(own || /^(process|nodejs)_/.test(family.name), `${family.name}: neither the agent's prefix nor a standard process metric`).toBe(true);
      expect(family.name, 'snake_case').toMatch(/^[a-z][a-z0-9_]*$/);
      // Ours only: prom-client's default names are what stock dashboards query (its nodejs_active_resources_total is a gauge).
      if (own) expect(family.name.endsWith('_total'), `${family.name}: a counter ends in _total, and only a counter`).toBe(family.type === 'counter');
      else if (family.type === 'counter') expect(family.name).toMatch(/_total$/);
      expect(family.name, 'base units only').not.toMatch(/_(ms|milliseconds|minutes|hours|days|kb|mb|kilobytes|megabytes|percent)(_|$)/);
      if (own && /duration|timestamp|interval/.test(family.name)) expect(family.name).toMatch(/_seconds$/);
      for (const sample of family.samples) {
        // Prometheus sets job and instance itself: a label of that name would be renamed exported_job.
        expect(
          Object.keys(sample.labels).filter((l) => ['job', 'instance'].includes(l)),
          family.name,
        ).toEqual([]);
      }
    }
    // The Node.js process metrics as every stock dashboard names them, not under the agent's prefix.
    expect(names).toEqual(
      expect.arrayContaining([
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_heap_size_used_bytes',
        'nodejs_eventloop_lag_seconds',
      ]),
    );
    expect(names.filter((n) => /^evidence_agent_(process|nodejs)_/.test(n))).toEqual([]);
    expect(families.get('evidence_agent_build_info')!.samples).toEqual([
      { name: 'evidence_agent_build_info', labels: { version: '0.1.0', node: 'v22.23.3' }, value: 1 },
    ]);
  });

  it('has every labelled counter at 0 for the known label values before anything happened', async () => {
    const families = await scrape(new DaemonMetrics(store, LABELS));
    for (const collector of LABELS.collectors) {
      for (const status of ['ok', 'partial', 'failed', 'aborted'])
        expect(value(families, 'evidence_agent_runs_total', { collector, status }), `${collector} ${status}`).toBe(0);
      expect(value(families, 'evidence_agent_api_calls_total', { collector })).toBe(0);
    }
    for (const schedule of Object.keys(LABELS.schedules)) expect(value(families, 'evidence_agent_skipped_runs_total', { schedule })).toBe(0);
    for (const target of LABELS.digestTargets)
      for (const status of ['ok', 'failed']) expect(value(families, 'evidence_agent_digest_deliveries_total', { target, status })).toBe(0);
    expect(value(families, 'evidence_agent_schedule_interval_seconds', { schedule: 'github' })).toBe(3600);
  });

  it('counts runs, skipped starts and digest deliveries by outcome', async () => {
    const metrics = new DaemonMetrics(store, LABELS);
    metrics.recordRun(run('github', 'failed', 2));
    metrics.recordRun(run('github', 'ok', 5));
    metrics.recordSkip('digest');
    metrics.recordDigestDeliveries([
      { target: 'directory', ok: true, detail: '/data/digests/digest-2026-W49.md' },
      { target: 'slack', ok: false, detail: 'failed after 3 attempts: Slack answered HTTP 500' },
    ]);
    const families = await scrape(metrics);
    expect(value(families, 'evidence_agent_runs_total', { collector: 'github', status: 'failed' })).toBe(1);
    expect(value(families, 'evidence_agent_runs_total', { collector: 'github', status: 'ok' })).toBe(1);
    expect(value(families, 'evidence_agent_api_calls_total', { collector: 'github' })).toBe(7);
    expect(value(families, 'evidence_agent_skipped_runs_total', { schedule: 'digest' })).toBe(1);
    expect(value(families, 'evidence_agent_digest_deliveries_total', { target: 'slack', status: 'failed' })).toBe(1);
    expect(value(families, 'evidence_agent_digest_deliveries_total', { target: 'directory', status: 'ok' })).toBe(1);
    // Counts only: no delivery detail (a path, an error text) in the exposition.
    expect(await metrics.metrics()).not.toMatch(/digest-2026-W49|Slack answered/);
  });
});

describe('the exposition parser', () => {
  it.each([
    ['a sample value that is not a number', '# HELP a_total x\n# TYPE a_total counter\na_total one\n'],
    ['a series twice', '# HELP a x\n# TYPE a gauge\na{b="1"} 1\na{b="1"} 2\n'],
    ['samples of a family apart', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{c="x"} 2\n'],
    ['TYPE after the samples', 'a 1\n# TYPE a gauge\n'],
    ['an unquoted label value', '# TYPE a gauge\na{b=1} 1\n'],
    ['an unknown escape', '# TYPE a gauge\na{b="\\t"} 1\n'],
    ['a bad metric name', '# TYPE 1a gauge\n'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['buckets not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['no final line feed', '# TYPE a gauge\na 1'],
  ])('refuses %s', (_, text) => {
    expect(() => parseExposition(text)).toThrow();
  });

  it('reads escapes, NaN, infinities and timestamps', () => {
    const families = parseExposition('# HELP a a\\nb\n# TYPE a gauge\na{p="x\\"y\\\\z\\n"} NaN\na{p="2"} +Inf 1700000000000\n');
    const a = families.get('a')!;
    expect(a.help).toBe('a\nb');
    expect(a.samples[0]!.labels['p']).toBe('x"y\\z\n');
    expect(a.samples[1]!.value).toBe(Number.POSITIVE_INFINITY);
  });
});
