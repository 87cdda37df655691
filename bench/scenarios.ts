// Benchmark scenarios: each collects or stores against a seeded estate served by the sandbox over local
// HTTP (the real SDKs and real HTTP are measured), and reports a figure beside the bound it is held to.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsCloudTrailOptionsSchema, DEFAULT_EVENT_NAMES } from '../collectors/aws-cloudtrail/schema.js';
import { awsIamOptionsSchema } from '../collectors/aws-iam/schema.js';
import { githubOptionsSchema } from '../collectors/github/schema.js';
import { openAgent } from '../src/agent.js';
import type { Agent } from '../src/agent.js';
import type { Collector, EvidenceItem } from '../src/collector.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import type { ConfiguredCollector } from '../src/runner.js';
import { SANDBOX_ORG } from '../sandbox/github/index.js';
import {
  MANAGEMENT_ACCOUNT_ID,
  SANDBOX_ACCOUNT_ID,
  SANDBOX_ENABLED_REGIONS,
  SANDBOX_EXTERNAL_ID,
  SANDBOX_MEMBER_ROLE,
  SANDBOX_ORG_ID,
  SECURITY_METRIC_FILTERS,
  startSandbox,
  UNASSUMABLE_ACCOUNT_ID,
  WORKLOADS_OU_ID,
} from '../sandbox/index.js';
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
  iamRoles: number;
  iamGroups: number;
  iamPolicies: number;
  cloudTrailEventsPerDay: number;
  githubRepositories: number;
  githubMergedChanges: number;
  ingestDocuments: number;
  storageResources: number;
  storageRuns: number;
}

export const QUICK: Sizes = {
  iamUsers: 300,
  iamRoles: 150,
  iamGroups: 45,
  iamPolicies: 75,
  cloudTrailEventsPerDay: 2_000,
  githubRepositories: 100,
  githubMergedChanges: 500,
  ingestDocuments: 10_000,
  storageResources: 1_000,
  storageRuns: 30,
};
export const FULL: Sizes = {
  iamUsers: 2_000,
  iamRoles: 1_000,
  iamGroups: 300,
  iamPolicies: 500,
  cloudTrailEventsPerDay: 20_000,
  githubRepositories: 1_000,
  githubMergedChanges: 5_000,
  ingestDocuments: 100_000,
  storageResources: 10_000,
  storageRuns: 365,
};

const CREDENTIALS = { accessKeyId: 'BENCHACCESSKEYEXAMPLE', secretAccessKey: 'bench-secret-not-a-real-key' };

let assembled: Promise<Agent> | undefined;
/**
 * The agent the scenarios of this process stand for, assembled once as the demo is (the built-in
 * collectors and frameworks, no config); each scenario collects into a store of its own, as a fresh agent would.
 */
export function benchAgent(): Promise<Agent> {
  assembled ??= openAgent({}, 'demo');
  return assembled;
}

/** A collector of the bench's agent, by id. */
export async function benchCollector(id: string): Promise<Collector<unknown>> {
  const found = (await benchAgent()).registry.get(id);
  if (!found) throw new Error(`no collector ${id} in the registry`);
  return found as Collector<unknown>;
}

function tempStore(): { store: EvidenceStore; path: string; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-bench-'));
  const path = join(dir, 'bench.db');
  const store = openStore(path);
  return {
    store,
    path,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function runOnce(
  store: EvidenceStore,
  configured: ConfiguredCollector,
  environment: Parameters<typeof runCollectors>[1]['clientEnvironment'],
  now?: Date,
) {
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

/**
 * IAM: calls per collection against the pages GetAccountAuthorizationDetails needs. The sandbox serves
 * pages of up to 1,000 items, IAM's MaxItems limit, which the collector asks for.
 */
export async function iamCalls(sizes: Sizes): Promise<Row> {
  const pageSize = 1000;
  const sandbox = await startSandbox({
    users: sizes.iamUsers,
    roles: sizes.iamRoles,
    groups: sizes.iamGroups,
    policies: sizes.iamPolicies,
    pageSize,
    reportReadyAfterPolls: 1,
  });
  const { store, cleanup } = tempStore();
  try {
    const estate = sandbox.estate();
    const items = estate.users.length + estate.roles.length + estate.groups.length + estate.policies.length;
    const pages = Math.ceil(items / pageSize);
    const assignedDevices = estate.virtualMfaDevices.filter((d) => d.user).length;
    const mfaPages = Math.max(1, Math.ceil(assignedDevices / pageSize));
    const options = awsIamOptionsSchema.parse({ accounts: [{ id: SANDBOX_ACCOUNT_ID }], credentialReport: { pollIntervalMs: 5 } });
    const run = await runOnce(
      store,
      { collector: await benchCollector('aws-iam'), options },
      { aws: { endpoint: sandbox.endpoint, credentials: CREDENTIALS } },
    );
    // What the same evidence costs when read per principal: ListUsers, then per user its groups, attached
    // and inline policies, keys and MFA devices (5 calls), and roles and groups alike.
    const perPrincipal = 5 * estate.users.length + 3 * estate.roles.length + 3 * estate.groups.length + 2 * estate.policies.length;
    // CIS 1.6 (root MFA is hardware) needs every assigned virtual MFA device: ListVirtualMFADevices pages
    // come on top of the "+ 6" (STS identity, report generate + poll + get, password policy, summary).
    // IAM Access Analyzer (issue 17): ListRegions pages, ListAnalyzers in every enabled region, and one
    // ListFindings page per active external-access analyzer (the sandbox has one, with fewer than 50 findings).
    const regions = SANDBOX_ENABLED_REGIONS.length;
    const analyzerBound = Math.ceil(regions / 50) + regions + 1;
    const bound = pages + mfaPages + 6 + analyzerBound;
    const served = (action: string) => sandbox.requests.byAction[action] ?? 0;
    const analyzerCalls = served('ListRegions') + served('ListAnalyzers') + served('ListFindings');
    const listed = served('GetAccountAuthorizationDetails') + served('ListVirtualMFADevices') + analyzerCalls;
    return {
      figure: 'IAM API calls per collection',
      estate: `${estate.users.length} users, ${estate.roles.length} roles, ${estate.groups.length} groups, ${estate.policies.length} policies, ${regions} regions`,
      value: `${run.apiCalls} calls: ${served('GetAccountAuthorizationDetails')} authorization-details pages, ${served('ListVirtualMFADevices')} MFA-device pages, ${analyzerCalls} Access Analyzer, ${run.apiCalls - listed} others (per-principal reads: ~${perPrincipal})`,
      target: `<= GAAD pages + MFA pages + 6 + Access Analyzer (region pages + regions + finding pages) = ${bound} (issue: GAAD pages + 6 = ${pages + 6})`,
      met: run.apiCalls <= bound,
    };
  } finally {
    await cleanup();
    await sandbox.close();
  }
}

/**
 * Account discovery at 100 accounts: the discovery run's calls against its page-count bound, listing the
 * whole organisation (ListAccounts) and one OU tree (ListAccountsForParent and ListOrganizationalUnitsForParent
 * per OU), then every listed account collected (aws-cloudtrail, trails of one region: a few calls each).
 */
export async function discoveryCalls(accounts = 100): Promise<Row> {
  const awsCloudTrail = await benchCollector('aws-cloudtrail');
  const sandbox = await startSandbox({ organization: { memberAccounts: 0 } });
  const fixed = sandbox.organization().accounts.length;
  await sandbox.close();
  const org = await startSandbox({ organization: { memberAccounts: accounts - fixed } });
  const { store, cleanup } = tempStore();
  try {
    const organization = {
      managementAccount: { roleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/${SANDBOX_MEMBER_ROLE}`, externalId: SANDBOX_EXTERNAL_ID },
      memberRoleName: SANDBOX_MEMBER_ROLE,
      externalId: SANDBOX_EXTERNAL_ID,
      concurrency: 8,
    };
    const collect = async (filters: Record<string, unknown>) => {
      const options = awsCloudTrailOptionsSchema.parse({
        organization: { ...organization, ...filters },
        regions: ['us-east-1'],
        events: { enabled: false },
        cloudWatchAlarms: { enabled: false },
      });
      const { runs } = await runCollectors([{ collector: awsCloudTrail, options }], {
        store,
        logger: silentLogger(),
        agentVersion: 'bench',
        mappingVersion: 'bench',
        configDigest: 'bench',
        clientEnvironment: { aws: { endpoint: org.endpoint, credentials: CREDENTIALS, maxAttempts: 2, retryDelayMs: 5 } },
      });
      return { discovery: runs.find((r) => r.scope === SANDBOX_ORG_ID)!, members: runs.filter((r) => r.scope !== SANDBOX_ORG_ID) };
    };
    const listed = org.organization().accounts;
    const whole = await collect({});
    // STS GetCallerIdentity, AssumeRole of the management reader, DescribeOrganization, then the list pages.
    const wholeBound = 3 + Math.ceil(listed.length / 20);
    const units = org.organization().units;
    const tree = (ou: string): string[] => [ou, ...units.filter((u) => u.parentId === ou).flatMap((u) => tree(u.id))];
    const walked = tree(WORKLOADS_OU_ID);
    const inTree = listed.filter((a) => walked.includes(a.parentId));
    const byOu = await collect({ include: { ous: [WORKLOADS_OU_ID] } });
    const pagesPerOu = walked.reduce(
      (sum, ou) =>
        sum +
        Math.max(1, Math.ceil(listed.filter((a) => a.parentId === ou).length / 20)) +
        Math.max(1, Math.ceil(units.filter((u) => u.parentId === ou).length / 20)),
      0,
    );
    const ouBound = 3 + pagesPerOu;
    const failed = whole.members.filter((r) => r.status === 'failed' || r.status === 'aborted');
    const refusedOnly = failed.length === 1 && failed[0]!.scope === UNASSUMABLE_ACCOUNT_ID;
    const active = listed.filter((a) => a.state === 'ACTIVE').length;
    return {
      figure: 'AWS account discovery API calls',
      estate: `${listed.length} accounts (${active} active) in ${units.length} OUs; the Workloads tree: ${walked.length} OUs, ${inTree.length} accounts`,
      value:
        `whole organisation: ${whole.discovery.apiCalls} calls, ${whole.members.length} account runs (${failed.length} failed: ${failed.map((r) => r.scope).join(', ')}); ` +
        `one OU tree: ${byOu.discovery.apiCalls} calls, ${byOu.members.length} account runs`,
      target: `whole: <= 3 + ceil(accounts/20) = ${wholeBound}; OU tree: <= 3 + per OU ceil(accounts/20) + ceil(child OUs/20) = ${ouBound}; one run per active account, only the refusing account failed`,
      met: whole.discovery.apiCalls <= wholeBound && byOu.discovery.apiCalls <= ouBound && whole.members.length === active && refusedOnly,
    };
  } finally {
    await cleanup();
    await org.close();
  }
}

/**
 * CloudTrail: LookupEvents calls for a day of many matching events over four regions, with the sandbox
 * enforcing AWS's 2 requests per second per region and the collector pacing itself to it.
 */
export async function cloudTrailCalls(sizes: Sizes): Promise<Row> {
  const regions = ['us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1'];
  const sandbox = await startSandbox({
    eventsPerDay: Math.ceil(sizes.cloudTrailEventsPerDay / regions.length),
    paddedRegions: regions,
    lookupEventsPerSecond: 2,
  });
  const { store, cleanup } = tempStore();
  try {
    // Padding events are AssumeRole calls: query that name so every one of them matches.
    const options = awsCloudTrailOptionsSchema.parse({
      accounts: [{ id: SANDBOX_ACCOUNT_ID }],
      regions,
      events: { backfillDays: 1, eventNames: ['AssumeRole', ...DEFAULT_EVENT_NAMES.slice(0, 3)], iamChanges: false, rootActivity: false },
    });
    const before = sandbox.requests.byAction['LookupEvents'] ?? 0;
    const started = performance.now();
    const run = await runOnce(
      store,
      { collector: await benchCollector('aws-cloudtrail'), options },
      { aws: { endpoint: sandbox.endpoint, credentials: CREDENTIALS } },
    );
    const seconds = (performance.now() - started) / 1000;
    const lookups = (sandbox.requests.byAction['LookupEvents'] ?? 0) - before;
    const throttled = sandbox.cloudTrailErrors['LookupEvents:ThrottlingException'] ?? 0;
    const bound = Math.ceil(run.eventCounts.read / 50) + regions.length * options.events.eventNames.length;
    // The CIS 4.x alarm reads (issue 17), on the one own multi-region trail's log group: its filter pages,
    // one DescribeAlarmsForMetric per metric (one per filter), one ListSubscriptionsByTopic per topic (one).
    const served = (action: string) => sandbox.requests.byAction[action] ?? 0;
    const alarmCalls = served('DescribeMetricFilters') + served('DescribeAlarmsForMetric') + served('ListSubscriptionsByTopic');
    const alarmBound = Math.ceil(SECURITY_METRIC_FILTERS / 50) + SECURITY_METRIC_FILTERS + 1;
    return {
      figure: 'CloudTrail LookupEvents calls; alarm reads',
      estate: `${run.eventCounts.read} matching events in a day, ${regions.length} regions, ${options.events.eventNames.length} event names; 1 log group, ${SECURITY_METRIC_FILTERS} metric filters`,
      value: `${lookups} calls, ${throttled} throttled, in ${seconds.toFixed(0)} s at 2 req/s per region; ${alarmCalls} alarm reads`,
      target: `<= ceil(events/50) + regions x names = ${bound}; 0 throttled; alarm reads <= filter pages + metrics + topics = ${alarmBound}`,
      met: lookups <= bound && throttled === 0 && alarmCalls <= alarmBound && alarmCalls > 0 && run.status === 'ok',
    };
  } finally {
    await cleanup();
    await sandbox.close();
  }
}

/** GitHub: requests of a first collection and of a re-run over the unchanged organization. */
export async function githubRequests(sizes: Sizes): Promise<Row> {
  const sandbox = await startSandbox({ github: { repositories: sizes.githubRepositories, pullRequestsPerDay: sizes.githubMergedChanges / 90 } });
  const { store, cleanup } = tempStore();
  try {
    const options = githubOptionsSchema.parse({ auth: { token: 'bench-token' }, orgs: [SANDBOX_ORG] });
    const environment = { github: { baseUrl: sandbox.githubBaseUrl, unlimitedRate: true, retryAfterBaseMs: 1 } };
    const github = await benchCollector('github');
    const now = new Date();
    const first = await runOnce(store, { collector: github, options }, environment, now);
    const second = await runOnce(store, { collector: github, options }, environment, now);
    const charged = Number(second.meta['chargedRequests']);
    // GraphQL cannot be conditional: the SAML identities (100 a page) are charged on every run.
    const ssoPages = Math.max(1, Math.ceil(sandbox.github.samlLinkedMembers / 100));
    const bound = 20 + ssoPages;
    return {
      figure: 'GitHub requests, first run / unchanged re-run',
      estate: `${first.meta['repositories']} repositories, ${first.eventCounts.read} merged changes in the window, ${sandbox.github.samlLinkedMembers} members linked to SAML`,
      value: `${first.meta['requests']} (${first.meta['chargedRequests']} charged) / ${second.meta['requests']} (${charged} charged)`,
      target: `re-run <= 20 + SSO pages = ${bound} charged`,
      met: charged <= bound,
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
    data: {
      name: `bench-user-${i}`,
      groups: ['Developers', 'ReadOnly'],
      mfa: i % 7 !== 0,
      keys: [{ id: `AKIA${String(i).padStart(16, '0')}`, active: true }],
      version: i % 100 === 0 ? variant : 0,
    },
  }));
}

/**
 * Ingest: documents with a finding each per second through the store, beside plain better-sqlite3
 * inserting the very rows the store wrote (copied out of its file) into the same schema. Both timed in
 * CPU seconds of this process (user + system), the best of three rounds of each, interleaved: on a
 * shared machine, wall time measures the neighbours as much as the code.
 */
export async function ingest(sizes: Sizes, rawBaseline: (sourcePath: string) => { seconds: number; rows: number }, rounds = 3): Promise<Row> {
  const items = documents(sizes.ingestDocuments, 1);
  const findings = items.map((item) => ({
    checkId: 'bench_iam_user_mfa_enabled',
    resourceType: item.type,
    resourceId: item.resourceId,
    status: 'pass' as const,
    severity: 'high' as const,
    message: `${item.resourceId} has MFA.`,
  }));
  let ours = Infinity;
  let raw = { seconds: Infinity, rows: 0 };
  // Each side starts from a collected heap, so neither is charged for the other's garbage.
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  for (let round = 0; round < rounds; round++) {
    const { store, path, cleanup } = tempStore();
    try {
      collect();
      const started = process.cpuUsage();
      const intent = await store.startRun({
        collector: 'bench',
        scope: 'ingest',
        startedAt: new Date(),
        agentVersion: 'bench',
        mappingVersion: 'bench',
        configDigest: 'bench',
      });
      await store.finishRun(intent, { finishedAt: new Date(), status: 'ok', error: null, apiCalls: 0, evidence: items, findings, meta: {} });
      ours = Math.min(ours, cpuSeconds(process.cpuUsage(started)));
      await store.close();
      collect();
      const baseline = rawBaseline(path);
      if (baseline.seconds < raw.seconds) raw = baseline;
    } finally {
      await cleanup().catch(() => undefined);
    }
  }
  const ratio = raw.seconds / ours;
  return {
    figure: 'ingest (documents + findings per second)',
    estate: `${sizes.ingestDocuments} documents with a finding each (${raw.rows} rows), best of ${rounds}`,
    value: `${Math.round(sizes.ingestDocuments / ours)}/s = ${Math.round(ratio * 100)}% of the same rows inserted raw (${Math.round(sizes.ingestDocuments / raw.seconds)}/s)`,
    target: '>= 50% of raw better-sqlite3 inserts',
    met: ratio >= 0.5,
  };
}

export const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

/** Storage: bytes the file grows per unchanged daily run, and per run with 1% of resources changed. */
export async function storage(sizes: Sizes): Promise<Row> {
  const measure = async (changedEvery: number) => {
    const { store, path, cleanup } = tempStore();
    try {
      let at = Date.UTC(2026, 0, 1, 6);
      const record = async (into: EvidenceStore, variant: number) => {
        const intent = await into.startRun({
          collector: 'bench',
          scope: 'storage',
          startedAt: new Date(at),
          agentVersion: 'bench',
          mappingVersion: 'bench',
          configDigest: 'bench',
        });
        await into.finishRun(intent, {
          finishedAt: new Date(at + 1000),
          status: 'ok',
          error: null,
          apiCalls: 0,
          evidence: documents(sizes.storageResources, variant),
          findings: [],
          meta: {},
        });
        at += 86_400_000;
      };
      await record(store, 0);
      await store.close();
      const afterFirst = statSync(path).size;
      const reopened = openStore(path);
      for (let run = 1; run < sizes.storageRuns; run++) await record(reopened, changedEvery ? run : 0);
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
 * A store of `days` daily snapshots of `resources` IAM users over two accounts (two streams, read in turn
 * day by day, as a real store's several collectors are), judged by a mapped check, 1% failing (a
 * different 1% each day).
 */
export async function buildPeriodStore(path: string, resources: number, days: number, start = Date.UTC(2025, 0, 1, 6)): Promise<{ from: string; to: string }> {
  const store = openStore(path);
  const accounts = ['111122223333', '444455556666'];
  try {
    for (let day = 0; day < days; day++) {
      for (const [index, account] of accounts.entries()) {
        const at = new Date(start + day * 86_400_000 + index * 60_000);
        const items = documents(resources / accounts.length, 0).map((item) => ({
          ...item,
          type: 'aws.iam.user',
          resourceId: item.resourceId.replace('111122223333', account),
        }));
        const findings = items.map((item, i) => ({
          checkId: 'aws_iam_user_console_mfa_enabled',
          resourceType: item.type,
          resourceId: item.resourceId,
          status: (i % 100 === day % 100 ? 'fail' : 'pass') as 'fail' | 'pass',
          severity: 'high' as const,
          message: `${item.resourceId} MFA`,
        }));
        const intent = await store.startRun({
          collector: 'aws-iam',
          scope: account,
          startedAt: at,
          agentVersion: 'bench',
          mappingVersion: 'bench',
          configDigest: 'bench',
        });
        await store.finishRun(intent, {
          finishedAt: new Date(at.getTime() + 1000),
          status: 'ok',
          error: null,
          apiCalls: 10,
          evidence: items,
          findings,
          meta: {},
        });
      }
    }
  } finally {
    await store.close();
  }
  return { from: new Date(start).toISOString().slice(0, 10), to: new Date(start + (days - 1) * 86_400_000).toISOString().slice(0, 10) };
}

/** Seconds to build the coverage of SOC 2 over the period, every control, every day, as `coverage` does. */
export async function periodCoverageSeconds(path: string, from: string, to: string): Promise<number> {
  const { buildCoverage } = await import('../src/reports/coverage.js');
  // The agent of `coverage --db <path>` without a config: the built-in collectors and frameworks, the store read-only.
  const agent = await openAgent({ db: path }, 'demo');
  const framework = agent.frameworks.find((f) => f.id === 'soc2')!;
  const collectors = agent.registry.list();
  const store = await agent.openStore('read');
  try {
    const started = performance.now();
    await buildCoverage(store, framework, { from, to, timeZone: 'UTC', collectors, cadenceDays: () => 1 });
    return (performance.now() - started) / 1000;
  } finally {
    await store.close();
  }
}
