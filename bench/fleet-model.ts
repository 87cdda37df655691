// The fleet bench's model: from what one account over 17 regions and a fraction of the repositories cost on
// a measured day, the figures of a fleet (every account costs what the measured one does: the same
// collectors, the same regions, their own API quotas), each beside its bound, the fraction's own figure
// beside the extrapolation. Pure, so the arithmetic is tested (test/fleet-model.test.ts).
import { DEFAULT_EVENT_NAMES } from '../collectors/aws-cloudtrail/schema.js';
import type { Row } from './scenarios.js';
import type { LeaseDay } from './fleet-leases.js';

export interface DayRun {
  collector: string;
  status: string;
  error: string | null;
  apiCalls: number;
  seconds: number;
  meta: Record<string, unknown>;
  evidence: number;
  events: number;
  /** The collector's own store after the run. */
  storeBytes: number;
  /** The agent process's peak RSS so far. */
  maxRss: number;
}

export interface FleetMeasure {
  regions: number;
  repositories: number;
  account: { users: number; roles: number; groups: number; policies: number };
  /** GetAccountAuthorizationDetails items and assigned virtual MFA devices of the measured account. */
  iamItems?: number;
  mfaDevices?: number;
  days: { at: string; runs: DayRun[]; awsByAction: Record<string, number>; awsErrors: Record<string, number>; githubRequests: number }[];
  /** The day's slots on real PostgreSQL leases, per agent count (bench/fleet-leases.ts). */
  leaseDays?: LeaseDay[];
}

export interface Fleet {
  accounts: number;
  regions: number;
  repositories: number;
}

/** GitHub's hourly REST budget: a personal access token; a GitHub App installation on Enterprise Cloud. */
export const GITHUB_TOKEN_PER_HOUR = 5_000;
export const GITHUB_APP_PER_HOUR = 15_000;
/** LookupEvents: 2 requests per second per account and region. */
export const LOOKUP_PER_SECOND = 2;
/** Queries per region a daily run makes: one per default event name, the root user's, IAM's event source. */
export const QUERIES_PER_REGION = DEFAULT_EVENT_NAMES.length + 2;
/** What one agent (one pod) may use: the memory limit docs/deploy.md gives a fleet-size agent. */
export const AGENT_MEMORY_LIMIT = 2048 * 2 ** 20;

const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const duration = (seconds: number) =>
  seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : seconds >= 60 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`;

/**
 * The time one collector's scopes take when `agents` share them through leases, every scope taking
 * `seconds`: each agent runs its claimed scopes one after another (as one agent runs a collector's scopes),
 * the scopes spread evenly (a free agent claims the next).
 */
export function cycleSeconds(scopes: number, seconds: number, agents: number): number {
  return Math.ceil(scopes / agents) * seconds;
}

export function fleetModel(measure: FleetMeasure, fleet: Fleet, agentCounts: readonly number[]): Row[] {
  const [first, daily] = measure.days;
  if (!first || !daily) throw new Error('the fleet model needs two measured days (a first collection and a daily one)');
  const run = (day: typeof first, collector: string) => {
    const found = day.runs.find((r) => r.collector === collector);
    if (!found) throw new Error(`no ${collector} run on ${day.at}`);
    return found;
  };
  const failed = [...first.runs, ...daily.runs].filter((r) => r.status !== 'ok' && r.status !== 'partial');
  const repoScale = fleet.repositories / measure.repositories;
  const estate = `fleet ${fleet.accounts} accounts x ${fleet.regions} regions, ${fleet.repositories} repositories; measured: 1 account x ${measure.regions} regions, ${measure.repositories} repositories`;
  const rows: Row[] = [];

  // AWS calls, per account and day (the daily run), by service, against their floors.
  const iam = run(daily, 'aws-iam');
  const trail = run(daily, 'aws-cloudtrail');
  const served = (action: string) => daily.awsByAction[action] ?? 0;
  const lookups = served('LookupEvents');
  const gaadPages = Math.max(1, Math.ceil((measure.iamItems ?? 0) / 1000));
  const mfaPages = Math.max(1, Math.ceil((measure.mfaDevices ?? 0) / 1000));
  const iamBound = gaadPages + mfaPages + 6 + (Math.ceil(measure.regions / 50) + measure.regions + 1);
  // An event is returned by at most three queries: its name's, IAM's event source, the root user's.
  const lookupBound = measure.regions * QUERIES_PER_REGION + Math.ceil((3 * trail.events) / 50);
  rows.push({
    figure: 'AWS API calls per day (daily run)',
    estate,
    value:
      `fleet: IAM ${iam.apiCalls * fleet.accounts}, CloudTrail ${trail.apiCalls * fleet.accounts} (LookupEvents ${lookups * fleet.accounts}); ` +
      `measured per account: IAM ${iam.apiCalls}, CloudTrail ${trail.apiCalls} (LookupEvents ${lookups}, ${trail.events} events)`,
    target: `per account: IAM <= GAAD pages + MFA pages + 6 + Access Analyzer = ${iamBound}; LookupEvents <= regions x ${QUERIES_PER_REGION} queries + ceil(3 x events/50) = ${lookupBound}`,
    met: iam.apiCalls <= iamBound && lookups <= lookupBound && lookups > 0,
  });

  // Throttled: AWS's refusals the sandbox served (it throttles LookupEvents as AWS does), GitHub's rate-limited replies.
  const awsThrottled = [first, daily].reduce(
    (sum, d) =>
      sum +
      Object.entries(d.awsErrors)
        .filter(([k]) => k.includes('Throttl'))
        .reduce((s, [, v]) => s + v, 0),
    0,
  );
  const githubLimited = [first, daily].reduce((sum, d) => sum + Number(run(d, 'github').meta['rateLimitedRequests'] ?? 0), 0);
  rows.push({
    figure: 'throttled calls; failed runs',
    estate,
    value: `measured (both days): ${awsThrottled} AWS throttled, ${githubLimited} GitHub rate-limited; ${failed.length} failed runs${failed.length ? ` (${failed[0]!.collector}: ${failed[0]!.error})` : ''}`,
    target: '0 throttled; 0 failed runs',
    met: awsThrottled === 0 && githubLimited === 0 && failed.length === 0,
  });

  // GitHub: what the org costs against the hourly budget of one token and of one App installation.
  const ghFirst = run(first, 'github');
  const ghDaily = run(daily, 'github');
  const charged = (r: DayRun) => Number(r.meta['chargedRequests'] ?? r.apiCalls);
  const fleetFirst = charged(ghFirst) * repoScale;
  const fleetDaily = charged(ghDaily) * repoScale;
  rows.push({
    figure: 'GitHub charged requests: first run / daily run',
    estate,
    value:
      `fleet: ${Math.round(fleetFirst)} / ${Math.round(fleetDaily)} = ${(fleetFirst / GITHUB_TOKEN_PER_HOUR).toFixed(1)} / ${(fleetDaily / GITHUB_TOKEN_PER_HOUR).toFixed(1)} h of a token's budget, ` +
      `${(fleetFirst / GITHUB_APP_PER_HOUR).toFixed(1)} / ${(fleetDaily / GITHUB_APP_PER_HOUR).toFixed(1)} h of an App's; measured: ${charged(ghFirst)} / ${charged(ghDaily)} charged (${ghFirst.apiCalls} / ${ghDaily.apiCalls} requests)`,
    target: `daily run within a day of one token's budget (${GITHUB_TOKEN_PER_HOUR}/h x 24)`,
    met: fleetDaily <= GITHUB_TOKEN_PER_HOUR * 24,
  });

  // Wall time of the daily cycle: each collector's scopes run one after another on an agent; the
  // collectors' jobs run side by side. CloudTrail's floor: its queries per region at 2 a second.
  const floorPerAccount = Math.ceil(lookups / measure.regions) / LOOKUP_PER_SECOND;
  // GitHub: one organization is one scope, so one agent, whatever the count; no faster than its budget.
  const githubSeconds = Math.max(ghDaily.seconds * repoScale, (fleetDaily / GITHUB_APP_PER_HOUR) * 3600);
  for (const agents of agentCounts) {
    const aws = Math.max(cycleSeconds(fleet.accounts, trail.seconds, agents), cycleSeconds(fleet.accounts, iam.seconds, agents));
    const cycle = Math.max(aws, githubSeconds);
    rows.push({
      figure: `daily cycle wall time, ${agents} agent${agents === 1 ? '' : 's'}`,
      estate,
      value:
        `fleet (model): ${duration(cycle)} (AWS ${duration(aws)}: ${Math.ceil(fleet.accounts / agents)} accounts per agent; GitHub ${duration(githubSeconds)}); ` +
        `LookupEvents floor ${duration(cycleSeconds(fleet.accounts, floorPerAccount, agents))}; measured per account: CloudTrail ${duration(trail.seconds)} (floor ${duration(floorPerAccount)}), IAM ${duration(iam.seconds)}; GitHub ${duration(ghDaily.seconds)} for ${measure.repositories} repositories`,
      target: 'within the day (24 h); CloudTrail <= 2 x its LookupEvents floor',
      met: cycle <= 86_400 && trail.seconds <= 2 * floorPerAccount,
    });
  }

  // Peak memory: the AWS runs hold one account at a time (the same at any account count); the GitHub
  // run holds its organization, so its share grows with the repositories.
  // Peak RSS only grows: the first day's AWS runs, before any GitHub run, are the AWS share.
  const awsPeak = run(first, 'aws-cloudtrail').maxRss;
  const peak = Math.max(...[first, daily].flatMap((d) => d.runs.map((r) => r.maxRss)));
  const modelled = awsPeak + Math.max(0, peak - awsPeak) * repoScale;
  rows.push({
    figure: 'peak memory per agent',
    estate,
    value: `fleet (model, linear in repositories): ${MiB(modelled)}; measured: ${MiB(peak)} peak RSS (${MiB(awsPeak)} before the first GitHub run)`,
    target: `<= ${MiB(AGENT_MEMORY_LIMIT)}`,
    met: modelled <= AGENT_MEMORY_LIMIT,
  });

  // Store growth per day: the daily run's bytes, per collector's own store.
  const growth = (collector: string) => run(daily, collector).storeBytes - run(first, collector).storeBytes;
  const fleetGrowth = (growth('aws-iam') + growth('aws-cloudtrail')) * fleet.accounts + growth('github') * repoScale;
  rows.push({
    figure: 'store growth per day (SQLite bytes)',
    estate,
    value: `fleet (model): ${MiB(fleetGrowth)}/day, ${((fleetGrowth * 365) / 2 ** 30).toFixed(1)} GiB/year; measured: IAM ${growth('aws-iam')} B, CloudTrail ${growth('aws-cloudtrail')} B per account, GitHub ${growth('github')} B; first day ${MiB(first.runs.reduce((s, r) => s + r.storeBytes, 0))}`,
    target: 'a year <= 100 GiB',
    met: fleetGrowth * 365 <= 100 * 2 ** 30,
  });
  return rows;
}

/** The row of a day of slots coordinated on PostgreSQL leases (time-compressed by `compress`). */
export function leaseRow(day: LeaseDay, fleet: Fleet, compress: number): Row {
  return {
    figure: `coordination of the fleet day, ${day.agents} agent${day.agents === 1 ? '' : 's'} (PostgreSQL leases)`,
    estate: `${day.slots} slots (${fleet.accounts} accounts x 2 AWS collectors, 1 organization, the digest), measured durations / ${compress}`,
    value:
      `makespan ${duration(day.makespanSeconds)}; slots per agent ${day.perAgent.join(' / ')}; ${day.duplicates} run twice, ${day.unclaimed} never; ` +
      `claim ${day.claimMs.p50.toFixed(1)} ms p50, ${day.claimMs.p95.toFixed(1)} ms p95`,
    target: 'every slot run exactly once',
    met: day.duplicates === 0 && day.unclaimed === 0,
  };
}
