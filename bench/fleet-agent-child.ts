// The agent of the fleet bench, in a process of its own (its peak RSS is the kernel's high-water mark of
// this process alone): every configured collector runs against the sandbox the parent serves, one store per
// collector (so each one's growth is its own), on the simulated days the parent names over IPC. For each
// day it answers { runs: [...] }: per run its status, API calls, seconds, meta and its store's size.
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { openAgent } from '../src/agent.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import type { ConfiguredCollector } from '../src/runner.js';
import { SANDBOX_ORG } from '../sandbox/github/index.js';
import { SANDBOX_ACCOUNT_ID } from '../sandbox/index.js';
import { openStore } from '../src/store/index.js';

interface Setup {
  dir: string;
  regions: string[];
  endpoint: string;
  githubBaseUrl: string;
}
const setup = JSON.parse(process.argv[2] ?? '{}') as Setup;
const account = [{ id: SANDBOX_ACCOUNT_ID }];
// The agent as a command assembles it (the built-in registry, no config); each collector's options parsed
// by its own schema, as a config section would be.
const agent = await openAgent({}, 'demo');
const configuredAs = (id: string, options: unknown): ConfiguredCollector => {
  const collector = agent.registry.get(id)!;
  return { collector, options: collector.optionsSchema.parse(options) } as ConfiguredCollector;
};
const configured: ConfiguredCollector[] = [
  configuredAs('aws-iam', { accounts: account, credentialReport: { pollIntervalMs: 5 }, accessAnalyzer: { regions: setup.regions } }),
  // The production defaults (every default event name, root activity, IAM changes) over the regions; a
  // first read of one day, so day 1 costs what a daily run does.
  configuredAs('aws-cloudtrail', { accounts: account, regions: setup.regions, events: { backfillDays: 1 } }),
  configuredAs('github', { auth: { token: 'fleet-bench-token' }, orgs: [SANDBOX_ORG] }),
];
const environment = {
  aws: { endpoint: setup.endpoint, credentials: { accessKeyId: 'BENCHACCESSKEYEXAMPLE', secretAccessKey: 'bench-secret-not-a-real-key' } },
  // The sandbox does not refuse past the hourly budget: the charged requests are held to it by the model.
  github: { baseUrl: setup.githubBaseUrl, unlimitedRate: true, retryAfterBaseMs: 1 },
};
const storeBytes = (path: string) => [path, `${path}-wal`].reduce((sum, p) => sum + (existsSync(p) ? statSync(p).size : 0), 0);

process.on('message', (message: { day?: string; done?: boolean }) => {
  if (message.done) process.exit(0);
  if (!message.day) return;
  const at = Date.parse(message.day);
  void (async () => {
    const runs = [];
    for (const c of configured) {
      const path = join(setup.dir, `${c.collector.id}.db`);
      const store = openStore(path);
      const started = performance.now();
      const tickStarted = Date.now();
      const { runs: recorded, unrecorded } = await runCollectors([c], {
        store,
        logger: silentLogger(),
        agentVersion: 'bench',
        mappingVersion: 'bench',
        configDigest: 'bench',
        now: () => new Date(at + (Date.now() - tickStarted)),
        clientEnvironment: environment,
      });
      const seconds = (performance.now() - started) / 1000;
      await store.close();
      if (unrecorded.length > 0) throw new Error(`run not recorded: ${unrecorded[0]}`);
      const run = recorded[0]!;
      runs.push({
        collector: c.collector.id,
        status: run.status,
        error: run.error,
        apiCalls: run.apiCalls,
        seconds,
        meta: run.meta,
        evidence: run.evidenceCount,
        events: run.eventCounts.read,
        storeBytes: storeBytes(path),
        maxRss: process.resourceUsage().maxRSS * 1024,
      });
    }
    process.send?.({ runs });
  })().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
});
process.send?.({ ready: true });
