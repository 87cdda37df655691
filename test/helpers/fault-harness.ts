// The fault-injection harness of the API fault tests: the sandbox estate (a real local HTTP server
// speaking IAM/STS, CloudTrail and GitHub) behind the real AWS SDK and Octokit, with nock in front of
// it. A fault is a nock interceptor for one request shape; every request it does not match passes
// through to the sandbox, so one fault is injected into an otherwise healthy collection. Each run goes
// through the real runner into a real store.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ClientEnvironment, Collector } from '../../src/collector.js';
import { demoAwsIamOptions } from '../../collectors/aws-iam/demo.js';
import { demoCloudTrailOptions } from '../../collectors/aws-cloudtrail/demo.js';
import { demoGitHubOptions } from '../../collectors/github/demo.js';
import { silentLogger } from '../../src/logging.js';
import { runCollectors } from '../../src/runner.js';
import type { ConfiguredCollector } from '../../src/runner.js';
import { startSandbox } from '../../sandbox/index.js';
import type { Sandbox } from '../../sandbox/index.js';
import { openStore } from '../../src/store/index.js';
import type { EvidenceStore, FindingRecord, RunRecord } from '../../src/store/types.js';
import { awsCloudTrail } from '../../collectors/aws-cloudtrail/index.js';
import { awsIam } from '../../collectors/aws-iam/index.js';
import { github } from '../../collectors/github/index.js';
import { isolateFromHostAws } from './collect-context.js';

/** AWS SDK attempts per call in these tests: a retried fault shows as exactly this many requests. */
export const AWS_MAX_ATTEMPTS = 3;
/** The simulated day the sandbox serves and the runs are dated. */
export const DAY = new Date('2026-03-31T06:00:00Z');

export interface FaultBench {
  sandbox: Sandbox;
  /** The sandbox's origin (`http://127.0.0.1:PORT`): nock faults are set on it. */
  origin: string;
  clientEnvironment: ClientEnvironment;
}

/** Starts the sandbox for the file, keeps nock from reaching anything but it, and cleans faults after each test. */
export function useFaultBench(): FaultBench {
  const bench = {} as FaultBench;
  beforeAll(async () => {
    bench.sandbox = await startSandbox({ historyEnd: DAY, date: DAY, lookupEventsPerSecond: 0 });
    bench.origin = bench.sandbox.endpoint;
    bench.clientEnvironment = {
      aws: {
        endpoint: bench.sandbox.endpoint,
        credentials: { accessKeyId: 'FAULTTESTACCESSKEY', secretAccessKey: 'test-secret-not-real-fault-bench' },
        maxAttempts: AWS_MAX_ATTEMPTS,
        retryDelayMs: 5,
        unlimitedRate: true,
      },
      github: { baseUrl: bench.sandbox.githubBaseUrl, unlimitedRate: true, retryAfterBaseMs: 1 },
    };
  });
  afterAll(async () => bench.sandbox?.close());
  isolateFromHostAws(['AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_CLOUDTRAIL'], '127.0.0.1');
  return bench;
}

type CollectorName = 'aws-iam' | 'aws-cloudtrail' | 'github';

/**
 * The demo's options of a collector (the sandbox account or org) with two days of events to read (the
 * fault tests need the reads, not the volume), and some replaced (`timeoutSeconds`).
 */
export function configured(name: CollectorName, overrides: Record<string, unknown> = {}): ConfiguredCollector {
  const [collector, options] =
    name === 'aws-iam'
      ? [awsIam, demoAwsIamOptions()]
      : name === 'aws-cloudtrail'
        ? [awsCloudTrail, { ...demoCloudTrailOptions(), events: { ...demoCloudTrailOptions().events, backfillDays: 2 } }]
        : [github, { ...demoGitHubOptions(), changes: { ...demoGitHubOptions().changes, backfillDays: 2 } }];
  return { collector: collector as Collector<unknown>, options: { ...options, ...overrides } };
}

export interface RunResult {
  runs: RunRecord[];
  run: RunRecord;
  findings: FindingRecord[];
  store: EvidenceStore;
  /** Milliseconds the whole collect took. */
  elapsedMs: number;
}

const stores: EvidenceStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** In memory where the host has a tmpfs: the GitHub client caches every GET in the store, one commit each. */
function scratchDbPath(): string {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'evidence-agent-faults-'));
  dirs.push(dir);
  return join(dir, 'evidence.db');
}

/**
 * Runs the collectors through the real runner into a fresh store; `run`/`findings` are the first run's.
 * `transport` replaces some of the bench's client settings (a short request timeout).
 */
export async function collect(
  bench: FaultBench,
  collectors: ConfiguredCollector[],
  transport: { aws?: NonNullable<ClientEnvironment['aws']>; github?: NonNullable<ClientEnvironment['github']> } = {},
): Promise<RunResult> {
  const store = openStore(scratchDbPath());
  stores.push(store);
  const started = Date.now();
  const { runs, unrecorded } = await runCollectors(collectors, {
    store,
    logger: silentLogger(),
    agentVersion: '0.0.0-test',
    mappingVersion: 'test-mappings',
    configDigest: 'test-config',
    // The simulated clock advances with real time, so each run's finish follows its start.
    now: () => new Date(DAY.getTime() + (Date.now() - started)),
    clientEnvironment: {
      aws: { ...bench.clientEnvironment.aws, ...transport.aws },
      github: { ...bench.clientEnvironment.github, ...transport.github },
    },
  });
  const elapsedMs = Date.now() - started;
  if (unrecorded.length > 0) throw new Error(`runs not recorded: ${unrecorded.join('; ')}`);
  const run = runs[0]!;
  return { runs, run, findings: await store.findingsOf(run.seq), store, elapsedMs };
}

/** The findings about one resource (every check of its type). */
export function findingsAbout(findings: readonly FindingRecord[], resourceId: string): FindingRecord[] {
  return findings.filter((f) => f.resourceId === resourceId);
}
