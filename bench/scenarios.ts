// Benchmark scenarios: each collects or stores against a seeded estate served by the sandbox over local
// HTTP (the real SDKs and real HTTP are measured), and reports a figure beside the bound it is held to.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsCloudTrail } from '../collectors/aws-cloudtrail/index.js';
import { awsCloudTrailOptionsSchema, DEFAULT_EVENT_NAMES } from '../collectors/aws-cloudtrail/schema.js';
import { awsIam } from '../collectors/aws-iam/index.js';
import { awsIamOptionsSchema } from '../collectors/aws-iam/schema.js';
import { github } from '../collectors/github/index.js';
import { githubOptionsSchema } from '../collectors/github/schema.js';
import type { Collector, EvidenceItem } from '../src/collector.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import type { ConfiguredCollector } from '../src/runner.js';
import { SANDBOX_ORG } from '../src/sandbox/github/index.js';
import { SANDBOX_ACCOUNT_ID, startSandbox } from '../src/sandbox/index.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/types.js';

export interface Row {
  figure: string;
  estate: string;
  value: string;
  target: string;
  met: boolean;
}

export interface Sizes {
  iamUsers: number;
  cloudTrailEventsPerDay: number;
  githubRepositories: number;
  ingestDocuments: number;
  storageResources: number;
  storageRuns: number;
}

export const QUICK: Sizes = { iamUsers: 300, cloudTrailEventsPerDay: 2_000, githubRepositories: 100, ingestDocuments: 10_000, storageResources: 1_000, storageRuns: 30 };
export const FULL: Sizes = { iamUsers: 2_000, cloudTrailEventsPerDay: 20_000, githubRepositories: 1_000, ingestDocuments: 100_000, storageResources: 10_000, storageRuns: 365 };

const CREDENTIALS = { accessKeyId: 'BENCHACCESSKEYEXAMPLE', secretAccessKey: 'bench-secret-not-a-real-key' };

function tempStore(): { store: EvidenceStore; path: string; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-bench-'));
  const path = join(dir, 'bench.db');
  const store = openStore(path);
  return { store, path, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function runOnce(store: EvidenceStore, configured: ConfiguredCollector, environment: Parameters<typeof runCollectors>[1]['clientEnvironment'], now?: Date) {
  const { runs } = await runCollectors([configured], {
    store,
    logger: silentLogger(),
    agentVersion: 'bench',
    mappingVersion: 'bench',
    configDigest: 'bench',
    clientEnvironment: environment,
    ...(now ? { now: () => now } : {}),
  });
  const run = runs[0]!;
  if (run.status === 'failed' || run.status === 'aborted') throw new Error(`${run.collector}: ${run.status}: ${run.error}`);
  return run;
}

/** IAM: calls per collection against the pages GetAccountAuthorizationDetails needs. */
export async function iamCalls(sizes: Sizes): Promise<Row> {
  const pageSize = 100; // AWS's default MaxItems
  const sandbox = await startSandbox({ users: sizes.iamUsers, pageSize, reportReadyAfterPolls: 1 });
  const { store, cleanup } = tempStore();
  try {
    const estate = sandbox.estate();
    const items = estate.users.length + estate.roles.length + estate.groups.length + estate.policies.length;
    const pages = Math.ceil(items / pageSize);
    const options = awsIamOptionsSchema.parse({ accounts: [{ id: SANDBOX_ACCOUNT_ID }], credentialReport: { pollIntervalMs: 5 } });
    const run = await runOnce(store, { collector: awsIam as Collector<unknown>, options }, { aws: { endpoint: sandbox.endpoint, credentials: CREDENTIALS } });
    const perUser = 5 * estate.users.length;
    return {
      figure: 'IAM API calls per collection',
      estate: `${estate.users.length} users, ${estate.roles.length} roles, ${estate.groups.length} groups, ${estate.policies.length} policies (${pages} pages of 100)`,
      value: `${run.apiCalls} calls (per-user approach: ~${perUser})`,
      target: `<= ${pages} pages + 6 = ${pages + 6}`,
      met: run.apiCalls <= pages + 6,
    };
  } finally {
    await cleanup();
    await sandbox.close();
  }
}

/** CloudTrail: LookupEvents calls for a day of many matching events, paced at 2/s, no throttling. */
export async function cloudTrailCalls(sizes: Sizes): Promise<Row> {
  const sandbox = await startSandbox({ eventsPerDay: sizes.cloudTrailEventsPerDay, lookupEventsPerSecond: 0 });
  const { store, cleanup } = tempStore();
  try {
    const regions = ['us-east-1', 'eu-west-1'];
    // Padding events are AssumeRole calls: query that name so every one of them matches.
    const options = awsCloudTrailOptionsSchema.parse({
      accounts: [{ id: SANDBOX_ACCOUNT_ID }],
      regions,
      events: { backfillDays: 1, eventNames: ['AssumeRole', ...DEFAULT_EVENT_NAMES.slice(0, 3)], iamChanges: false, rootActivity: false },
    });
    const before = sandbox.requests.byAction['LookupEvents'] ?? 0;
    const run = await runOnce(store, { collector: awsCloudTrail as Collector<unknown>, options }, { aws: { endpoint: sandbox.endpoint, credentials: CREDENTIALS, unlimitedRate: true } });
    const lookups = (sandbox.requests.byAction['LookupEvents'] ?? 0) - before;
    const bound = Math.ceil(run.eventCounts.read / 50) + regions.length * options.events.eventNames.length;
    return {
      figure: 'CloudTrail LookupEvents calls',
      estate: `${run.eventCounts.read} matching events in a day, ${regions.length} regions, ${options.events.eventNames.length} event names`,
      value: `${lookups} calls, ${run.status === 'ok' ? 0 : 'some'} read errors`,
      target: `<= ceil(events/50) + regions x names = ${bound}`,
      met: lookups <= bound && run.status === 'ok',
    };
  } finally {
    await cleanup();
    await sandbox.close();
  }
}

/** GitHub: requests of a first collection and of a re-run over the unchanged organization. */
export async function githubRequests(sizes: Sizes): Promise<Row> {
  const sandbox = await startSandbox({ github: { repositories: sizes.githubRepositories } });
  const { store, cleanup } = tempStore();
  try {
    const options = githubOptionsSchema.parse({ auth: { token: 'bench-token' }, orgs: [SANDBOX_ORG] });
    const environment = { github: { baseUrl: sandbox.githubBaseUrl, unlimitedRate: true, retryAfterBaseMs: 1 } };
    const now = new Date();
    const first = await runOnce(store, { collector: github as Collector<unknown>, options }, environment, now);
    const second = await runOnce(store, { collector: github as Collector<unknown>, options }, environment, now);
    const charged = Number(second.meta['rateLimitedRequests']);
    return {
      figure: 'GitHub requests, first run / unchanged re-run',
      estate: `${first.meta['repositories']} repositories, ${first.eventCounts.read} merged changes in the window`,
      value: `${first.meta['requests']} (${first.meta['rateLimitedRequests']} charged) / ${second.meta['requests']} (${charged} charged)`,
      target: 're-run <= 20 charged',
      met: charged <= 20,
    };
  } finally {
    await cleanup();
    await sandbox.close();
  }
}

function documents(count: number, variant: number): EvidenceItem[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'bench.resource',
    resourceId: `arn:aws:iam::111122223333:user/bench-user-${String(i).padStart(6, '0')}`,
    schemaVersion: 1,
    data: { name: `bench-user-${i}`, groups: ['Developers', 'ReadOnly'], mfa: i % 7 !== 0, keys: [{ id: `AKIA${String(i).padStart(16, '0')}`, active: true }], version: i % 100 === 0 ? variant : 0 },
  }));
}

/** Ingest: evidence documents and findings per second through the store, beside raw inserts of the same rows. */
export async function ingest(sizes: Sizes, rawBaseline: (rows: { id: string; json: string }[]) => number): Promise<Row> {
  const { store, cleanup } = tempStore();
  try {
    const items = documents(sizes.ingestDocuments, 1);
    const findings = items.map((item) => ({ checkId: 'bench_iam_user_mfa_enabled', resourceType: item.type, resourceId: item.resourceId, status: 'pass' as const, severity: 'high' as const, message: `${item.resourceId} has MFA.` }));
    const started = performance.now();
    const intent = await store.startRun({ collector: 'bench', scope: 'ingest', startedAt: new Date(), agentVersion: 'bench', mappingVersion: 'bench', configDigest: 'bench' });
    await store.finishRun(intent, { finishedAt: new Date(), status: 'ok', error: null, apiCalls: 0, evidence: items, findings, meta: {} });
    const ours = sizes.ingestDocuments / ((performance.now() - started) / 1000);
    const raw = rawBaseline(items.map((i) => ({ id: i.resourceId, json: JSON.stringify(i) })));
    return {
      figure: 'ingest (documents + findings per second)',
      estate: `${sizes.ingestDocuments} documents with a finding each`,
      value: `${Math.round(ours)}/s = ${Math.round((ours / raw) * 100)}% of raw inserts (${Math.round(raw)}/s)`,
      target: '>= 50% of raw better-sqlite3 inserts',
      met: ours / raw >= 0.5,
    };
  } finally {
    await cleanup();
  }
}

/** Storage: bytes the file grows per unchanged daily run, and per run with 1% of resources changed. */
export async function storage(sizes: Sizes): Promise<Row> {
  const measure = async (changedEvery: number) => {
    const { store, path, cleanup } = tempStore();
    try {
      let at = Date.UTC(2026, 0, 1, 6);
      const record = async (variant: number) => {
        const intent = await store.startRun({ collector: 'bench', scope: 'storage', startedAt: new Date(at), agentVersion: 'bench', mappingVersion: 'bench', configDigest: 'bench' });
        await store.finishRun(intent, { finishedAt: new Date(at + 1000), status: 'ok', error: null, apiCalls: 0, evidence: documents(sizes.storageResources, variant), findings: [], meta: {} });
        at += 86_400_000;
      };
      await record(0);
      await store.close();
      const afterFirst = statSync(path).size;
      const reopened = openStore(path);
      for (let run = 1; run < sizes.storageRuns; run++) {
        const intent = await reopened.startRun({ collector: 'bench', scope: 'storage', startedAt: new Date(at), agentVersion: 'bench', mappingVersion: 'bench', configDigest: 'bench' });
        await reopened.finishRun(intent, { finishedAt: new Date(at + 1000), status: 'ok', error: null, apiCalls: 0, evidence: documents(sizes.storageResources, changedEvery ? run : 0), findings: [], meta: {} });
        at += 86_400_000;
      }
      await reopened.close();
      return (statSync(path).size - afterFirst) / (sizes.storageRuns - 1);
    } finally {
      await cleanup().catch(() => undefined);
    }
  };
  const unchanged = await measure(0);
  const onePercent = await measure(1);
  return {
    figure: 'storage per run after the first',
    estate: `${sizes.storageResources} resources, ${sizes.storageRuns} daily runs`,
    value: `${Math.round(unchanged)} B unchanged; ${Math.round(onePercent)} B with 1% changed daily`,
    target: '<= 4 KB per unchanged run',
    met: unchanged <= 4096,
  };
}

/**
 * Coverage and export of a year: a store of daily snapshots of `storageResources` resources judged by a
 * mapped check (1% failing), then coverage of SOC 2 over the whole period and the signed export, timed,
 * with the process's peak RSS sampled while the export runs.
 */
export async function periodReports(sizes: Sizes, days: number): Promise<Row[]> {
  const { exportBundle } = await import('../src/bundle/export.js');
  const { generateSigningKey, loadPrivateKey } = await import('../src/bundle/signing.js');
  const { buildCoverage } = await import('../src/reports/coverage.js');
  const { loadBuiltinFrameworks } = await import('../src/mapping/load.js');
  const { builtinCollectors } = await import('../collectors/index.js');
  const frameworks = loadBuiltinFrameworks(new Set(builtinCollectors.flatMap((c) => c.checks.map((k) => k.id))));
  const soc2 = frameworks.find((f) => f.id === 'soc2')!;
  const { store, path, cleanup } = tempStore();
  try {
    const start = Date.UTC(2025, 0, 1, 6);
    for (let day = 0; day < days; day++) {
      const at = new Date(start + day * 86_400_000);
      const items = documents(sizes.storageResources, 0).map((item) => ({ ...item, type: 'aws.iam.user' }));
      const findings = items.map((item, i) => ({
        checkId: 'aws_iam_user_console_mfa_enabled',
        resourceType: item.type,
        resourceId: item.resourceId,
        status: (i % 100 === day % 100 ? 'fail' : 'pass') as 'fail' | 'pass',
        severity: 'high' as const,
        message: `${item.resourceId} MFA`,
      }));
      const intent = await store.startRun({ collector: 'aws-iam', scope: '111122223333', startedAt: at, agentVersion: 'bench', mappingVersion: 'bench', configDigest: 'bench' });
      await store.finishRun(intent, { finishedAt: new Date(at.getTime() + 1000), status: 'ok', error: null, apiCalls: 10, evidence: items, findings, meta: {} });
    }
    const from = new Date(start).toISOString().slice(0, 10);
    const to = new Date(start + (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const coverageStarted = performance.now();
    await buildCoverage(store, soc2, { from, to, timeZone: 'UTC', collectors: builtinCollectors, cadenceDays: () => 1 });
    const coverageSeconds = (performance.now() - coverageStarted) / 1000;

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const exportStarted = performance.now();
    const out = `${path}-bundle.tar.gz`;
    const result = await exportBundle(store, {
      from,
      to,
      timeZone: 'UTC',
      frameworks: [soc2],
      collectors: builtinCollectors,
      cadenceDays: () => 1,
      signingKey: loadPrivateKey(generateSigningKey().privateKey, 'bench key'),
      agentVersion: 'bench',
      out,
    });
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    rmSync(out, { force: true });
    const estate = `${sizes.storageResources} resources, ${days} daily snapshots`;
    return [
      { figure: 'coverage of the period, all SOC 2 controls', estate, value: `${coverageSeconds.toFixed(2)} s`, target: '<= 2 s', met: coverageSeconds <= 2 },
      {
        figure: 'export of the period',
        estate,
        value: `${exportSeconds.toFixed(1)} s, ${result.files} files, ${(result.bytes / 2 ** 20).toFixed(1)} MiB; peak RSS ${Math.round(peak / 2 ** 20)} MiB`,
        target: 'report seconds; peak RSS <= 256 MiB',
        met: peak <= 256 * 2 ** 20,
      },
    ];
  } finally {
    await cleanup();
  }
}
