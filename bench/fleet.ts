// `npm run bench -- --fleet`: a fleet-size day (100 AWS accounts x 17 regions, 10,000 repositories),
// measured on a fraction that fits a shared 2-core machine and extrapolated by a stated model. The
// fraction: one member account over 17 regions and a tenth of the repositories (`--repos N` to change),
// served by the sandbox over local HTTP to an agent in a process of its own (real SDK and Octokit), for two
// simulated days: day 1 is the first collection, day 2 the daily cycle every later day looks like.
// Figures beside their bounds; bench/fleet-results.json keeps them. docs/performance.md explains the model.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SANDBOX_ENABLED_REGIONS, startSandbox } from '../sandbox/index.js';
import type { Row } from './scenarios.js';
import { fleetModel, leaseRow } from './fleet-model.js';
import { leaseDay } from './fleet-leases.js';
import type { SlotSpec } from './fleet-leases.js';
import { startThrowawayPostgres } from '../test/helpers/postgres.js';
import type { DayRun, FleetMeasure } from './fleet-model.js';

const FLEET = { accounts: 100, regions: 17, repositories: 10_000 };
const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const repositories = Number(argument('--repos') ?? FLEET.repositories / 10);
const agents = (argument('--agents') ?? '1,3').split(',').map(Number);
const regions = SANDBOX_ENABLED_REGIONS.slice(0, FLEET.regions);
// A member account as most organizations have them (people sign in through SSO): few IAM users, many
// workload roles; a day of merged pull requests for one in ten repositories.
const account = { users: 60, roles: 300, groups: 20, policies: 100 };
const DAY_MS = 86_400_000;
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const days = [new Date(today - 2 * DAY_MS + 6 * 3_600_000), new Date(today - DAY_MS + 6 * 3_600_000)];

const started = performance.now();
const sandbox = await startSandbox({
  ...account,
  pageSize: 1000,
  reportReadyAfterPolls: 1,
  lookupEventsPerSecond: 2,
  historyEnd: new Date(today),
  date: days[0]!,
  github: { repositories, pullRequestsPerDay: repositories / 10 },
});
const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-fleet-'));
const agent = fork(
  fileURLToPath(new URL('./fleet-agent-child.ts', import.meta.url)),
  [JSON.stringify({ dir, regions, endpoint: sandbox.endpoint, githubBaseUrl: sandbox.githubBaseUrl })],
  {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  },
);
const exited = new Promise<number>((resolve) => agent.once('exit', (code) => resolve(code ?? 1)));
const message = <T>() =>
  Promise.race([
    new Promise<T>((resolve) => agent.once('message', (m) => resolve(m as T))),
    exited.then((code) => Promise.reject(new Error(`the fleet agent exited (${code}) before answering`))),
  ]);

const served = sandbox.estate();
const measured: FleetMeasure = {
  regions: regions.length,
  repositories,
  account,
  iamItems: served.users.length + served.roles.length + served.groups.length + served.policies.length,
  mfaDevices: served.virtualMfaDevices.filter((d) => d.user).length,
  days: [],
};
try {
  await message<{ ready: true }>();
  for (const day of days) {
    sandbox.setDate(day);
    const before = { byAction: { ...sandbox.requests.byAction }, throttled: { ...sandbox.cloudTrailErrors }, github: sandbox.github.requests.total };
    agent.send({ day: day.toISOString() });
    const { runs } = await message<{ runs: DayRun[] }>();
    const delta = (after: Record<string, number>, was: Record<string, number>) =>
      Object.fromEntries(Object.entries(after).flatMap(([k, v]) => (v - (was[k] ?? 0) > 0 ? [[k, v - (was[k] ?? 0)]] : [])));
    measured.days.push({
      at: day.toISOString(),
      runs,
      awsByAction: delta(sandbox.requests.byAction, before.byAction),
      awsErrors: delta(sandbox.cloudTrailErrors, before.throttled),
      githubRequests: sandbox.github.requests.total - before.github,
    });
    for (const run of runs)
      process.stderr.write(`  ${day.toISOString().slice(0, 10)} ${run.collector}: ${run.status}, ${run.apiCalls} calls, ${run.seconds.toFixed(1)} s\n`);
  }
  agent.send({ done: true });
  await exited;
} finally {
  agent.kill();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
}

const rows: Row[] = fleetModel(measured, FLEET, agents);

// The coordination of the fleet's day on a real PostgreSQL server (the tests' throwaway one), for each
// agent count: the day's slots with their measured durations, time-compressed.
// Claims are not compressed: their own time counts COMPRESS times in the makespan (an upper bound).
const COMPRESS = 50;
const postgres = await startThrowawayPostgres();
if (postgres.ok) {
  try {
    const durations = Object.fromEntries(measured.days[1]!.runs.map((r) => [r.collector, r.seconds]));
    const slots: SlotSpec[] = [
      ...['aws-iam', 'aws-cloudtrail'].flatMap((job) =>
        Array.from({ length: FLEET.accounts }, (_, i) => ({ job, scope: String(100000000000 + i), seconds: durations[job]! })),
      ),
      { job: 'github', scope: 'org', seconds: durations['github']! * (FLEET.repositories / repositories) },
      { job: 'digest', scope: 'week', seconds: 1 },
    ];
    for (const count of agents) {
      const day = await leaseDay(await postgres.server.createDatabase(), count, slots, COMPRESS);
      measured.leaseDays = [...(measured.leaseDays ?? []), day];
      rows.push(leaseRow(day, FLEET, COMPRESS));
      process.stderr.write(`  leases, ${count} agents: ${JSON.stringify(day)}\n`);
    }
  } finally {
    await postgres.server.stop();
  }
} else {
  process.stderr.write(`  leases not measured: ${postgres.reason}\n`);
  rows.push({
    figure: 'coordination of the fleet day (PostgreSQL leases)',
    estate: `${FLEET.accounts * 2 + 2} slots`,
    value: `not measured: ${postgres.reason}`,
    target: 'every slot won once',
    met: false,
  });
}
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const widths = ['figure', 'estate', 'value', 'target'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k as keyof Row]).length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(
  `evidence-agent bench (fleet: ${FLEET.accounts} accounts x ${FLEET.regions} regions, ${FLEET.repositories} repositories; measured on 1 account and ${repositories} repositories): ${machine.cores} cores, ${machine.cpu}, ${machine.node}`,
);
console.log(line(['figure', 'estate', 'value', 'target']) + '  met');
for (const row of rows) console.log(line([row.figure, row.estate, row.value, row.target]) + `  ${row.met ? 'yes' : 'NO'}`);
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
writeFileSync(
  new URL('./fleet-results.json', import.meta.url),
  `${JSON.stringify({ mode: 'fleet', machine, at: new Date().toISOString(), fleet: FLEET, measured, rows }, null, 2)}\n`,
);
process.exitCode = rows.every((r) => r.met) ? 0 : 1;
