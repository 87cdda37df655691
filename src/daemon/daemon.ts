// The daemon: one writer per store (a lock), the configured collectors and the digest on their
// schedules, catch-up after downtime, probes and metrics over HTTP, and a graceful stop: on SIGTERM no new
// run starts, running ones get the grace period, then are aborted and recorded as aborted; the store is
// closed cleanly. A second signal exits at once.
import { readFileSync } from 'node:fs';
import type { LoadedConfig } from '../registry-load.js';
import { lastWeekPeriod, renderDigest } from '../digest/compose.js';
import { deliverDigest } from '../digest/deliver.js';
import type { DigestDelivery } from '../digest/deliver.js';
import { recordDigest } from '../digest/record.js';
import type { ExceptionsEvidence } from '../exceptions/schema.js';
import type { Logger } from '../logging.js';
import type { Framework } from '../mapping/load.js';
import { runCollectors } from '../runner.js';
import type { ConfiguredCollector, StoreWait } from '../runner.js';
import type { EvidenceStore } from '../store/types.js';
import { startProbeServer } from './http.js';
import type { ProbeServer, Readiness, ReadinessReason } from './http.js';
import type { StoreLock } from './lock.js';
import { lifecycleOf } from '../reports/event-findings.js';
import { DaemonMetrics } from './metrics.js';
import { Scheduler } from './scheduler.js';
import { claimAndRun, coordinationMetrics, LocalCoordinator, slotName, startTakeovers } from './coordination/index.js';
import type { Coordinator, Lease } from './coordination/index.js';
import type { CollectorScope } from '../collector.js';
import { previousWeek } from '../digest/week.js';
import { dayOf } from '../reports/days.js';

export interface DaemonDeps {
  loaded: LoadedConfig;
  collectors: ConfiguredCollector[];
  store: EvidenceStore;
  /** One writer per SQLite file (its lock file); absent on PostgreSQL, where the leases coordinate the agents. */
  lock?: StoreLock;
  logger: Logger;
  frameworks: Framework[];
  mappingVersion: string;
  agentVersion: string;
  exceptions?: ExceptionsEvidence;
  /** Who runs each scheduled slot when several agents share the store (default: this agent, in process). */
  coordinator?: Coordinator;
}

export interface RunningDaemon {
  probes: ProbeServer;
  scheduler: Scheduler;
  /** Resolves with the exit code once the daemon has stopped. */
  done: Promise<number>;
  stop(reason: string): void;
}

const DIGEST_JOB = 'digest';

export async function startDaemon(deps: DaemonDeps): Promise<RunningDaemon> {
  const { loaded, store, logger } = deps;
  const config = loaded.config;
  const abort = new AbortController();
  // Runs waiting to be recorded while another writer holds the store: collection health names them, metrics count them.
  const storeWaits = new Set<StoreWait>();
  const onStoreWait = (wait: StoreWait, waiting: boolean) => {
    if (waiting) storeWaits.add(wait);
    else storeWaits.delete(wait);
    metrics.setWaitingForStore(storeWaits.size);
  };
  const coordinator = deps.coordinator ?? new LocalCoordinator();
  const scheduler = new Scheduler({
    timeZone: config.timezone,
    jitterMs: config.daemon.jitterSeconds * 1000,
    logger,
    onSkipped: (job) => metrics.recordSkip(job),
  });

  // One scope of a collector, as one slot: the run stops when the agent stops or the slot's lease is lost.
  const runScopeSlot = async (configured: ConfiguredCollector, scope: CollectorScope, signal: AbortSignal) => {
    const one: ConfiguredCollector = { ...configured, collector: { ...configured.collector, scopes: () => [scope] } };
    const { runs, unrecorded } = await runCollectors([one], {
      store,
      logger,
      agentVersion: deps.agentVersion,
      mappingVersion: deps.mappingVersion,
      configDigest: loaded.digest,
      signal,
      mappings: deps.frameworks,
      storeBusyWaitMs: config.store.busyWaitSeconds * 1000,
      onStoreWait,
      ...(deps.exceptions ? { exceptions: deps.exceptions } : {}),
    });
    for (const run of runs) {
      metrics.recordRun(run);
      logger.info({ collector: run.collector, scope: run.scope, status: run.status, seq: run.seq, apiCalls: run.apiCalls }, 'run recorded');
    }
    for (const line of unrecorded) logger.error({ collector: configured.collector.id, error: line }, 'run not recorded');
  };
  for (const configured of deps.collectors) {
    const options = configured.options as { schedule?: string };
    scheduler.add({
      name: configured.collector.id,
      cron: options.schedule ?? configured.collector.defaultSchedule,
      // Each scope claimed on its own: agents sharing the store split a collector's scopes between them.
      run: async (slot) => {
        let scopes: CollectorScope[];
        try {
          scopes = configured.collector.scopes(configured.options);
        } catch (error) {
          logger.error({ collector: configured.collector.id, err: (error as Error).message }, 'cannot list scopes');
          return;
        }
        for (const scope of scopes) {
          if (abort.signal.aborted) return;
          await claimAndRun(coordinator, { job: configured.collector.id, scope: scope.key, slot }, abort.signal, logger, (signal) =>
            runScopeSlot(configured, scope, signal),
          );
        }
      },
    });
  }
  let sendDigest: (() => Promise<void>) | undefined;
  if (config.digest) {
    const deliver = config.digest.deliver as DigestDelivery;
    sendDigest = async () => {
      // Only a sent digest is kept: with no target, there is nothing to send, and nothing is recorded.
      if (!deliver.directory && !deliver.slack && !deliver.email) {
        logger.error({ job: DIGEST_JOB }, 'digest not sent: digest.deliver names no target (directory, slack or email)');
        return;
      }
      const rendered = await renderDigest(store, lastWeekPeriod(config.timezone), { loaded, collectors: loaded.collectors, frameworks: deps.frameworks });
      const outcomes = await deliverDigest(rendered, deliver);
      metrics.recordDigestDeliveries(outcomes);
      await recordDigest(store, rendered.digest, rendered.markdown, outcomes, {
        at: new Date(),
        agentVersion: deps.agentVersion,
        mappingVersion: deps.mappingVersion,
        configDigest: loaded.digest,
      });
      for (const o of outcomes)
        (o.ok ? logger.info.bind(logger) : logger.error.bind(logger))(
          { target: o.target, detail: o.detail },
          o.ok ? 'digest delivered' : 'digest not delivered',
        );
    };
    const send = sendDigest;
    scheduler.add({
      name: DIGEST_JOB,
      cron: config.digest.schedule,
      // Its slot is the week it reports on: sent once a week, whichever agent's tick claims it first.
      run: async () => {
        await claimAndRun(coordinator, { job: DIGEST_JOB, scope: 'week', slot: previousWeek(dayOf(new Date(), config.timezone)) }, abort.signal, logger, send);
      },
    });
  }

  // A slot another agent held and stopped renewing (killed, frozen, cut off) runs here: its cut-short run
  // is first recorded as aborted (the store's abandoned-run recovery), then the slot runs again.
  const runTakenOver = async (lease: Lease, signal: AbortSignal) => {
    coordination.recordTakeover(lease.key.job);
    for (const run of await store.recoverAbandonedRuns(new Date())) {
      logger.warn({ run: run.seq, collector: run.collector, scope: run.scope }, 'recorded an interrupted run as aborted');
    }
    if (lease.key.job === DIGEST_JOB) return sendDigest?.();
    const configured = deps.collectors.find((c) => c.collector.id === lease.key.job);
    const scope = configured?.collector.scopes(configured.options).find((s) => s.key === lease.key.scope);
    if (!configured || !scope) {
      logger.error({ slot: slotName(lease.key) }, 'slot taken over names no configured collector scope: the agents have different configs');
      return;
    }
    await runScopeSlot(configured, scope, signal);
  };
  const takeovers =
    coordinator.role === 'member'
      ? startTakeovers(coordinator, { intervalMs: Math.max(100, Math.floor(coordinator.leaseMs / 4)), stopping: abort.signal, logger, run: runTakenOver })
      : undefined;

  const cadence = new Map(deps.collectors.map((c) => [c.collector.id, scheduler.cadenceMs(c.collector.id)]));
  const deliver = config.digest?.deliver as DigestDelivery | undefined;
  // Every label value known now gets its series at 0 (metrics.ts).
  const metrics = new DaemonMetrics(store, {
    version: deps.agentVersion,
    collectors: deps.collectors.map((c) => c.collector.id),
    schedules: Object.fromEntries(scheduler.names.map((name) => [name, scheduler.cadenceMs(name) / 1000])),
    digestTargets: config.digest ? (['directory', 'slack', 'email'] as const).filter((target) => deliver?.[target] !== undefined) : [],
    lifecycle: lifecycleOf({ collectors: loaded.collectors, loaded }),
  });
  const coordination = coordinationMetrics(metrics.registry, coordinator);
  let started = false;

  // Ready means ready to serve: the process holds its store and has its schedules. The outcome of the
  // last collection is not readiness (a rollout of a healthy agent must not wait on an AWS account's
  // permissions): it is in the metrics and in /healthz?verbose (collectionHealth). Codes for the port,
  // details for the log (http.ts): whoever reaches the port learns no error text.
  const readiness = async (): Promise<Readiness> => {
    const reasons: ReadinessReason[] = [];
    if (!started) reasons.push({ code: 'schedules_not_loaded', detail: 'schedules not loaded yet' });
    try {
      await store.stats();
    } catch (error) {
      reasons.push({ code: 'store_unreadable', detail: `evidence store unreadable: ${(error as Error).message}` });
    }
    if (deps.lock && !lockHeld(deps.lock)) reasons.push({ code: 'store_lock_lost', detail: `the store lock ${deps.lock.path} is no longer ours` });
    // A collector module that failed to load is what was deployed, not a collection's outcome: its runs
    // fail (gaps) until the module is fixed and the daemon restarted, and the rollout should say so.
    for (const broken of deps.loaded.brokenModules)
      reasons.push({ code: `collector_module_broken:${broken.id}`, detail: `collector ${broken.id}: ${broken.problem}` });
    return { ready: reasons.length === 0, reasons, ...agentInfo() };
  };
  // Agents sharing a store say which one this is and what it holds (a single agent holds every slot itself).
  const agentInfo = () =>
    coordinator.role === 'member' ? { agent: { role: coordinator.role, id: coordinator.agentId, holds: coordinator.held().map((h) => slotName(h.key)) } } : {};

  // Streams whose collector has had no successful run for longer than its cadence (its last run failed).
  const collectionHealth = async (): Promise<Readiness> => {
    const reasons: ReadinessReason[] = [];
    // A run that waits for another writer to let go of the store: the process serves; the evidence waits.
    for (const wait of storeWaits)
      reasons.push({
        code: `store_busy:${wait.collector}`,
        detail: `${wait.collector} ${wait.scope}: waiting since ${wait.since.toISOString()} to record the run: ${wait.cause}`,
      });
    const now = Date.now();
    const latest = await store.latestRuns();
    const snapshots = await store.latestSnapshots();
    for (const [collector, ms] of cadence) {
      for (const run of latest.filter((r) => r.collector === collector)) {
        if (run.status === 'ok' || run.status === 'partial') continue;
        const success = snapshots.find((s) => s.collector === collector && s.scope === run.scope);
        const since = success ? Date.parse(success.startedAt) : null;
        // Failing longer than its cadence: a missed cycle the evidence will show as a gap.
        if (since === null || now - since > ms) {
          reasons.push({
            code: `collector_failing:${collector}`,
            detail: `${collector} ${run.scope}: no successful run ${since === null ? 'yet' : `since ${success!.startedAt}`}; last run ${run.status}: ${run.error ?? 'no reason'}`,
          });
        }
      }
    }
    return { ready: reasons.length === 0, reasons };
  };

  const probes = await startProbeServer(config.http.host, config.http.port, readiness, metrics, {
    logger,
    allowedHosts: config.http.allowedHosts ?? [],
    collectionHealth,
  });
  scheduler.start();
  started = true;
  logger.info({ jobs: scheduler.names, probes: probes.url, timeZone: config.timezone, role: coordinator.role, agent: coordinator.agentId }, 'daemon started');

  // Catch-up: a collector whose last success is older than its cadence (or that never ran) runs now.
  if (config.daemon.catchUp) {
    const snapshots = await store.latestSnapshots();
    for (const configured of deps.collectors) {
      const id = configured.collector.id;
      const last = snapshots.filter((s) => s.collector === id).map((s) => Date.parse(s.startedAt));
      const newest = last.length > 0 ? Math.max(...last) : null;
      if (newest === null || Date.now() - newest > cadence.get(id)!) {
        logger.info({ collector: id, lastSuccess: newest === null ? null : new Date(newest).toISOString() }, 'catching up: running now');
        // Named by the last success, so agents starting together catch each scope up once.
        void scheduler.runNow(id, `catch-up:${newest === null ? 'never' : new Date(newest).toISOString()}`);
      }
    }
  }

  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      const running = scheduler.runningJobs();
      logger.warn({ reason, running, graceSeconds: config.daemon.graceSeconds }, 'stopping: no new runs; running ones get the grace period');
      const stopped = Promise.all([scheduler.stop(), takeovers?.stop()]);
      const inGrace = await Promise.race([stopped.then(() => true), sleep(config.daemon.graceSeconds * 1000).then(() => false)]);
      if (!inGrace) {
        logger.warn({ running: scheduler.runningJobs() }, 'grace period over: aborting the running runs (recorded as aborted)');
        abort.abort(new Error(`agent stopped by ${reason}`));
        await stopped;
      }
      await probes.close();
      await coordinator.close();
      await store.close();
      deps.lock?.release();
      logger.info('daemon stopped');
      resolveDone(0);
    })().catch((error: unknown) => {
      logger.error({ err: (error as Error).message }, 'error while stopping');
      resolveDone(1);
    });
  };
  return { probes, scheduler, done, stop };
}

function lockHeld(lock: StoreLock): boolean {
  try {
    return (JSON.parse(readFileSync(lock.path, 'utf8')) as { nonce?: string }).nonce === lock.holder.nonce;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
