// `evidence-agent demo`: replays N simulated days of the sandbox AWS account and GitHub organization
// through the real collectors, the real AWS SDK and Octokit over real HTTP, into a store marked as a
// demo store.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openAgent } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { exportBundle } from '../bundle/export.js';
import { recordExport } from '../bundle/export-record.js';
import { deliverDigest } from '../digest/deliver.js';
import { recordDigest } from '../digest/record.js';
import { weekDays, weekOf } from '../digest/week.js';
import { renderDigest } from '../digest/compose.js';
import { generateSigningKey, loadPrivateKey } from '../bundle/signing.js';
import type { Framework } from '../mapping/load.js';
import { collectorCadence } from '../reports/cadence.js';
import type { Collector } from '../collector.js';
import type { EvidenceStore } from '../store/types.js';
import { demoCollectors } from '../demo/collectors.js';
import { controlStatuses, currentState } from '../reports/current-state.js';
import { eventLifecycle } from '../reports/event-findings.js';
import { runCollectors } from '../runner.js';
import { SANDBOX_ORG } from '../../sandbox/github/index.js';
import { SANDBOX_ACCOUNT_ID, driftEvents, startSandbox } from '../../sandbox/index.js';
import { DEMO_CONFIG_DIGEST } from '../store/index.js';
import type { RunRecord } from '../store/types.js';
import { identityCenterDriftEvents } from '../../sandbox/identity-center.js';
import { agentVersion } from '../version.js';
import { summarizeControls } from './controls.js';
import { parseAsOf, parseIntegerOption } from './options.js';
import { print, printJson } from './print.js';
import { startProgress } from '../progress.js';
import { checkTotalsTable } from './run-summary.js';

export interface DemoOptions extends GlobalOptions {
  days?: string;
  json?: boolean;
  /** The instant the simulated history ends at (default: the real clock): reproducible demos and tests. */
  now?: string;
}

/** Runs of the demo carry this in place of a config digest (the store also records its kind). */
export { DEMO_CONFIG_DIGEST };

const DAY_MS = 86_400_000;
/** The simulated daily collection time (UTC). */
const COLLECTION_HOUR = 6;

/**
 * The demo's period export: the simulated days, signed with a demo key kept next to the store (made
 * once), written next to the store and replaced by the next demo.
 */
async function demoExport(store: EvidenceStore, dbPath: string, schedule: Date[], frameworks: Framework[], collectors: readonly Collector[]) {
  const dir = dirname(dbPath);
  const keyPath = join(dir, 'demo-signing-key.pem');
  if (!existsSync(keyPath)) {
    const pair = generateSigningKey();
    writeFileSync(keyPath, pair.privateKey, { mode: 0o600 });
    writeFileSync(`${keyPath}.pub`, pair.publicKey);
  }
  const from = schedule[0]!.toISOString().slice(0, 10);
  const to = schedule.at(-1)!.toISOString().slice(0, 10);
  const out = join(dir, `demo-bundle-${from}-to-${to}.tar.gz`);
  rmSync(out, { force: true });
  return exportBundle(store, {
    from,
    to,
    timeZone: 'UTC',
    frameworks,
    collectors,
    cadenceDays: collectorCadence(collectors),
    signingKey: loadPrivateKey(readFileSync(keyPath, 'utf8'), keyPath),
    agentVersion: agentVersion(),
    out,
    organization: 'Example Co (the evidence-agent demo sandbox)',
  });
}

/**
 * One collection a day at COLLECTION_HOUR, the last one today: before that hour today's collection is
 * a minute before now, but never before today's midnight (just after midnight it would land on
 * yesterday, which would then have two snapshots and today none).
 */
export function simulatedDays(count: number, now: Date): Date[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) => {
    const at = today - (count - 1 - i) * DAY_MS + COLLECTION_HOUR * 3_600_000;
    return new Date(Math.min(at, Math.max(today, now.getTime() - 60_000)));
  });
}

export async function demoCommand(options: DemoOptions): Promise<number> {
  const days = options.days ? parseIntegerOption('--days', options.days, 1, 366) : 30;
  const now = options.now === undefined ? new Date() : parseAsOf('--now', options.now);
  const agent = await openAgent(options, 'demo');
  const { frameworks, mappingVersion, storePath: dbPath } = agent;
  const logger = agent.logger();
  const registered = agent.registry.list();

  const schedule = simulatedDays(days, now);
  const store = await agent.openStore('collect');
  // Started after the store opened: a store that cannot open must not leave a server running.
  // The demo replays days in seconds: the sandbox drops the LookupEvents rate limit and the collector its pacing.
  const sandbox = await startSandbox({ historyEnd: now, date: schedule[0], lookupEventsPerSecond: 0 }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const collectors = demoCollectors(registered);
  const runs: RunRecord[] = [];
  const progress = startProgress('demo', schedule.length, 'days', { quiet: options.quiet === true });
  try {
    for (const [index, day] of schedule.entries()) {
      progress.update(index, day.toISOString().slice(0, 10));
      sandbox.setDate(day);
      const started = Date.now();
      // The simulated clock advances with real time, so each run's finish follows its start.
      const clock = () => new Date(day.getTime() + (Date.now() - started));
      const batch = await runCollectors(collectors, {
        store,
        logger,
        agentVersion: agentVersion(),
        mappingVersion,
        configDigest: DEMO_CONFIG_DIGEST,
        now: clock,
        mappings: frameworks,
        clientEnvironment: {
          aws: {
            endpoint: sandbox.endpoint,
            credentials: { accessKeyId: 'DEMOACCESSKEYEXAMPLE', secretAccessKey: 'demo-secret-not-a-real-key' },
            maxAttempts: 2,
            unlimitedRate: true,
          },
          github: { baseUrl: sandbox.githubBaseUrl, unlimitedRate: true, retryAfterBaseMs: 1 },
        },
      });
      runs.push(...batch.runs);
      // The demo's own store failing is not a demo: stop with the reason.
      if (batch.unrecorded.length > 0) throw new Error(`run not recorded: ${batch.unrecorded[0]}`);
    }
    progress.stop();

    // With --json the same facts are one JSON document at the end instead of these lines.
    const say = options.json ? () => undefined : print;
    const summary: Record<string, unknown> = {};
    const byStatus = (status: RunRecord['status']) => runs.filter((r) => r.status === status).length;
    const changed = runs
      .filter((r) => r.baseSeq !== null)
      .reduce((sum, r) => sum + r.changes.added + r.changes.changed + r.changes.removed, 0);
    // As of the demo's clock: with --now ahead of the machine's, "now" would hide every simulated run.
    const { findings } = await currentState(store, now, eventLifecycle(registered, undefined));
    const stats = await store.stats();
    const verified = await store.verify();

    summary.days = days;
    summary.store = { path: dbPath, bytes: stats.fileBytes, documents: stats.blobs };
    summary.runs = { total: runs.length, ok: byStatus('ok'), partial: byStatus('partial'), failed: byStatus('failed'), aborted: byStatus('aborted'), documentChanges: changed };
    summary.integrity = verified.ok ? { ok: true } : { ok: false, problem: verified.problems[0]?.message ?? null };
    say(`evidence-agent demo: ${days} simulated day(s) of the sandbox AWS account ${SANDBOX_ACCOUNT_ID} and GitHub organization ${SANDBOX_ORG}`);
    say(`store: ${dbPath} (${(stats.fileBytes / 1024).toFixed(0)} KiB, ${stats.blobs} distinct documents)\n`);
    say(
      `Runs: ${runs.length} (${byStatus('ok')} ok, ${byStatus('partial')} partial, ${byStatus('failed')} failed, ` +
        `${byStatus('aborted')} aborted); ${changed} document changes after each collector's first day.`,
    );
    summary.collectors = [];
    for (const { collector } of collectors) {
      const own = runs.filter((r) => r.collector === collector.id);
      const apiCalls = own.reduce((sum, r) => sum + r.apiCalls, 0) / Math.max(own.length, 1);
      (summary.collectors as unknown[]).push({ id: collector.id, apiCallsPerRun: Number(apiCalls.toFixed(1)), evidenceDocuments: own.at(-1)?.evidenceCount ?? 0 });
      say(`  ${collector.id}: ${apiCalls.toFixed(1)} API calls per run, ${own.at(-1)?.evidenceCount ?? 0} evidence documents per snapshot`);
    }
    const firstDay = schedule[0]!.getTime() - COLLECTION_HOUR * 3_600_000;
    const events = [...driftEvents(now), ...identityCenterDriftEvents(now)]
      .sort((a, b) => a.date.getTime() - b.date.getTime())
      .filter((e) => e.date.getTime() >= firstDay && e.date <= now);
    summary.drift = events.map((e) => ({ day: e.date.toISOString().slice(0, 10), description: e.description }));
    summary.checks = Object.fromEntries(['pass', 'fail', 'error', 'not_applicable'].map((status) => [status, findings.filter((f) => f.status === status).length]));
    summary.controls = {};
    if (events.length > 0) {
      say('\nDrift in the simulated period:');
      for (const event of events) say(`  ${event.date.toISOString().slice(0, 10)}  ${event.description}`);
    }
    say(`\nChecks on the latest snapshots (${schedule.at(-1)!.toISOString().slice(0, 10)}):`);
    say(checkTotalsTable(registered, findings));
    say('\nControls:');
    for (const framework of frameworks) {
      const s = summarizeControls(controlStatuses(framework, findings, [], now));
      (summary.controls as Record<string, unknown>)[framework.id] = { controls: framework.controls.length, passing: s.passing, failing: s.failing, error: s.error, onlySupported: s.supported, manual: s.manual };
      say(
        `  ${framework.id}: ${s.passing + s.failing + s.error} of ${framework.controls.length} evidenced by automated checks ` +
          `(${s.passing} passing, ${s.failing} failing, ${s.error} with errors); ${s.supported + s.manual} need manual evidence (${s.supported} only supported by checks, ${s.manual} without one)`,
      );
    }
    say(`\nStore integrity: ${verified.ok ? 'verified' : `FAILED (${verified.problems[0]?.message})`}.`);
    // The digest of the last complete week the simulation reaches into, kept as evidence like any digest.
    const lastWeek = weekOf(new Date(schedule.at(-1)!.getTime() - 7 * DAY_MS).toISOString().slice(0, 10)).label;
    if (weekDays(lastWeek)!.to >= schedule[0]!.toISOString().slice(0, 10)) {
      const rendered = await renderDigest(store, { label: lastWeek, ...weekDays(lastWeek)!, timeZone: 'UTC' }, agent);
      // Sent as the daemon sends it (here to a directory next to the store): only a sent digest is kept.
      const outcomes = await deliverDigest(rendered, { directory: join(dirname(dbPath), 'demo-digests') });
      await recordDigest(store, rendered.digest, rendered.markdown, outcomes, { at: now, agentVersion: agentVersion(), mappingVersion, configDigest: DEMO_CONFIG_DIGEST });
      say(`\n${rendered.markdown.trimEnd()}`);
      summary.digest = { week: lastWeek, deliveries: outcomes.map((o) => ({ target: o.target, ok: o.ok, detail: o.detail })) };
      for (const outcome of outcomes) say(`\nDigest ${outcome.ok ? 'sent to' : 'NOT sent:'} ${outcome.detail}`);
    }
    const bundle = await demoExport(store, dbPath, schedule, frameworks, registered);
    // Recorded like any export: the store's chain names the bundle and its key, so `verify --db` trusts it.
    await recordExport(store, bundle, { at: now, agentVersion: agentVersion(), mappingVersion, configDigest: DEMO_CONFIG_DIGEST });
    summary.bundle = { path: bundle.path, files: bundle.files, fingerprint: bundle.fingerprint };
    say(`\nPeriod export: ${bundle.path} (${bundle.files} files, signed with Ed25519 key ${bundle.fingerprint})`);
    say(`  verify it offline: evidence-agent verify ${bundle.path} --db ${dbPath}   (the key this store recorded; or --fingerprint ${bundle.fingerprint})`);
    say(
      '\nNext: evidence-agent findings --status fail | evidence-agent controls --framework soc2 | evidence-agent runs | evidence-agent verify',
    );
    if (options.json) printJson(summary);
    return verified.ok && byStatus('failed') + byStatus('aborted') === 0 ? 0 : 1;
  } finally {
    progress.stop();
    await store.close();
    await sandbox.close();
  }
}
