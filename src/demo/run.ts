// The demo from an assembled agent: N simulated days of the sandbox AWS account and GitHub organization
// replayed through the real collectors into a demo store, then what a week of running the agent gives:
// the checks and controls, the store's integrity, last week's digest and a signed period export.
import { dirname, join } from 'node:path';
import type { Collector } from '../collector.js';
import { deliverDigest } from '../digest/deliver.js';
import { recordDigest } from '../digest/record.js';
import { weekDays, weekOf } from '../digest/week.js';
import { renderDigest } from '../digest/compose.js';
import type { DigestInputs } from '../digest/compose.js';
import type { Logger } from '../logging.js';
import type { Framework } from '../mapping/load.js';
import { checkTotalsTable } from '../reports/check-totals.js';
import { controlStatuses, currentState, summarizeControls } from '../reports/current-state.js';
import { eventLifecycle } from '../reports/event-findings.js';
import { DEMO_CONFIG_DIGEST } from '../store/index.js';
import type { EvidenceStore, RunRecord } from '../store/types.js';
import { SANDBOX_ORG } from '../../sandbox/github/index.js';
import { SANDBOX_ACCOUNT_ID, driftEvents, startSandbox } from '../../sandbox/index.js';
import { identityCenterDriftEvents } from '../../sandbox/identity-center.js';
import { agentVersion } from '../version.js';
import { demoCollectors } from './collectors.js';
import { COLLECTION_HOUR, DAY_MS, simulatedDays } from './days.js';
import { replayDays } from './replay.js';
import { demoBundle } from './signed-bundle.js';

/** What the demo takes of the agent openAgent(options, 'demo') assembles. */
export interface DemoAgent extends DigestInputs {
  frameworks: Framework[];
  mappingVersion: string;
  readonly storePath: string;
  registry: { list(): readonly Collector[] };
  logger(): Logger;
  openStore(access: 'collect'): Promise<EvidenceStore>;
}

export interface DemoRequest {
  days: number;
  /** The instant the simulated history ends at. */
  now: Date;
  quiet: boolean;
  /** A line of the text summary (with --json: nothing). */
  say(text: string): void;
  /** The summary as one document (with --json). */
  summarize?(summary: Record<string, unknown>): void;
}

/** Exit 0 when every run was recorded ok or partial and the store verifies, else 1. */
export async function runDemo(agent: DemoAgent, request: DemoRequest): Promise<number> {
  const { days, now, say } = request;
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
  try {
    const runs = await replayDays(schedule, { store, sandbox, collectors, logger, mappingVersion, frameworks, quiet: request.quiet });

    const summary: Record<string, unknown> = {};
    const byStatus = (status: RunRecord['status']) => runs.filter((r) => r.status === status).length;
    const changed = runs.filter((r) => r.baseSeq !== null).reduce((sum, r) => sum + r.changes.added + r.changes.changed + r.changes.removed, 0);
    // As of the demo's clock: with --now ahead of the machine's, "now" would hide every simulated run.
    const { findings } = await currentState(store, now, eventLifecycle(registered, undefined));
    const stats = await store.stats();
    const verified = await store.verify();

    summary.days = days;
    summary.store = { path: dbPath, bytes: stats.fileBytes, documents: stats.blobs };
    summary.runs = {
      total: runs.length,
      ok: byStatus('ok'),
      partial: byStatus('partial'),
      failed: byStatus('failed'),
      aborted: byStatus('aborted'),
      documentChanges: changed,
    };
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
      (summary.collectors as unknown[]).push({
        id: collector.id,
        apiCallsPerRun: Number(apiCalls.toFixed(1)),
        evidenceDocuments: own.at(-1)?.evidenceCount ?? 0,
      });
      say(`  ${collector.id}: ${apiCalls.toFixed(1)} API calls per run, ${own.at(-1)?.evidenceCount ?? 0} evidence documents per snapshot`);
    }
    const firstDay = schedule[0]!.getTime() - COLLECTION_HOUR * 3_600_000;
    const events = [...driftEvents(now), ...identityCenterDriftEvents(now)]
      .sort((a, b) => a.date.getTime() - b.date.getTime())
      .filter((e) => e.date.getTime() >= firstDay && e.date <= now);
    summary.drift = events.map((e) => ({ day: e.date.toISOString().slice(0, 10), description: e.description }));
    summary.checks = Object.fromEntries(
      ['pass', 'fail', 'error', 'not_applicable'].map((status) => [status, findings.filter((f) => f.status === status).length]),
    );
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
      (summary.controls as Record<string, unknown>)[framework.id] = {
        controls: framework.controls.length,
        passing: s.passing,
        failing: s.failing,
        error: s.error,
        onlySupported: s.supported,
        manual: s.manual,
      };
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
      await recordDigest(store, rendered.digest, rendered.markdown, outcomes, {
        at: now,
        agentVersion: agentVersion(),
        mappingVersion,
        configDigest: DEMO_CONFIG_DIGEST,
      });
      say(`\n${rendered.markdown.trimEnd()}`);
      summary.digest = { week: lastWeek, deliveries: outcomes.map((o) => ({ target: o.target, ok: o.ok, detail: o.detail })) };
      for (const outcome of outcomes) say(`\nDigest ${outcome.ok ? 'sent to' : 'NOT sent:'} ${outcome.detail}`);
    }
    const bundle = await demoBundle(store, dbPath, schedule, { frameworks, collectors: registered, mappingVersion, now });
    summary.bundle = { path: bundle.path, files: bundle.files, fingerprint: bundle.fingerprint };
    say(`\nPeriod export: ${bundle.path} (${bundle.files} files, signed with Ed25519 key ${bundle.fingerprint})`);
    say(`  verify it offline: evidence-agent verify ${bundle.path} --db ${dbPath}   (the key this store recorded; or --fingerprint ${bundle.fingerprint})`);
    say('\nNext: evidence-agent findings --status fail | evidence-agent controls --framework soc2 | evidence-agent runs | evidence-agent verify');
    request.summarize?.(summary);
    return verified.ok && byStatus('failed') + byStatus('aborted') === 0 ? 0 : 1;
  } finally {
    await store.close();
    await sandbox.close();
  }
}
