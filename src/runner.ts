// One run per collector scope: collect -> snapshot -> checks -> findings, stored in one transaction.
// A collector that throws, times out or is aborted becomes a failed/aborted run (a gap), never
// passing evidence, and never stops the other collectors.
import { setMaxListeners } from 'node:events';
import type {
  ClientEnvironment,
  CollectResult,
  Collector,
  CollectorScope,
  EvidenceItem,
  RunStatus,
  StoredDocument,
  StoredEvidenceReader,
} from './collector.js';
import { evaluateChecks } from './evaluate-checks.js';
import type { Logger } from './logging.js';
import { isStoreBusyError } from './store/index.js';
import type { EvidenceStore, RunIntent, RunOutcome, RunRecord } from './store/types.js';
import { EXCEPTIONS_EVIDENCE_TYPE, EXCEPTIONS_RESOURCE_ID } from './exceptions/schema.js';
import type { ExceptionsEvidence } from './exceptions/schema.js';
import type { Framework } from './mapping/load.js';
import { mappingsDocument } from './mapping/stored.js';
import { agentSecrets } from './redaction.js';
import type { SecretRegistry } from './redaction.js';
import { describeError } from './describe-error.js';

export interface RunContext {
  store: EvidenceStore;
  logger: Logger;
  agentVersion: string;
  mappingVersion: string;
  configDigest: string;
  /** Injected clock (the demo replays simulated days). */
  now?: () => Date;
  clientEnvironment?: ClientEnvironment;
  /** Stops every run in progress (SIGTERM). */
  signal?: AbortSignal;
  /** The exceptions in force, stored with every run's evidence so reports apply those of the time. */
  exceptions?: ExceptionsEvidence;
  /** The mappings in force, stored with every run's evidence so a period can be judged "as collected". */
  mappings?: readonly Framework[];
  /** The agent's secrets (default: this process's agent): handed to collectors, redacted from what runs store. */
  secrets?: SecretRegistry;
  /** How long a store write another writer blocks is tried again (default STORE_BUSY_WAIT_MS). */
  storeBusyWaitMs?: number;
  /** How long recording a run the busy store refused waits for it to be free (default STORE_FREE_WAIT_MS). */
  storeFreeWaitMs?: number;
  /** Told when a run starts waiting for a busy store to record it, and when it is recorded or given up. */
  onStoreWait?: (wait: StoreWait, waiting: boolean) => void;
}

/** A run waiting for the store another writer holds. */
export interface StoreWait {
  collector: string;
  scope: string;
  since: Date;
  cause: string;
}

/**
 * A write another writer holds the store against (SQLITE_BUSY, after SQLite's own 5 s busy timeout) is
 * tried again for this long: a backup or a sqlite3 shell holding the file for half a minute costs no run.
 */
export const STORE_BUSY_WAIT_MS = 60_000;
/**
 * Past that, the run is recorded as failed, naming the cause, as soon as the store is free, waiting this
 * long at most; after that its intent stays behind and the next start records it as aborted.
 */
export const STORE_FREE_WAIT_MS = 15 * 60_000;

/** A configured collector: the registry entry and its validated options. */
export interface ConfiguredCollector<Options = unknown> {
  collector: Collector<Options>;
  options: Options & { timeoutSeconds?: number };
}

class RunTimeout extends Error {
  override name = 'RunTimeout';
}

/** Resolves with the collector's result, or rejects as soon as the signal aborts (a hung collector cannot hold the run). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Scopes a recorded run discovered (CollectResult.discovered). */
export type DiscoveredScopes = NonNullable<CollectResult['discovered']>;

export async function runScope<Options>(
  configured: ConfiguredCollector<Options>,
  scope: CollectorScope,
  context: RunContext,
  /** Told the scopes the run discovered, once the run that lists them is recorded. */
  onDiscovered?: (discovered: DiscoveredScopes) => void,
): Promise<RunRecord> {
  const { collector, options } = configured;
  const now = context.now ?? (() => new Date());
  const secrets = context.secrets ?? agentSecrets;
  const logger = context.logger.child({ collector: collector.id, scope: scope.key });
  const timeoutMs = (options.timeoutSeconds ?? 900) * 1000;
  // Asked before the run, so a store problem cannot swallow the collector's own error later.
  const resolvedBefore = await context.store.lastResolvedScope(collector.id, scope.key);
  const streamScope = resolvedBefore ?? scope.key;
  const watermarks = await context.store.watermarks(collector.id, streamScope);
  const startedAt = now();
  const start = {
    collector: collector.id,
    scope: scope.key,
    startedAt,
    deadline: new Date(startedAt.getTime() + timeoutMs),
    agentVersion: context.agentVersion,
    mappingVersion: context.mappingVersion,
    configDigest: context.configDigest,
  };
  const busyWaitMs = context.storeBusyWaitMs ?? STORE_BUSY_WAIT_MS;
  let intent: RunIntent;
  try {
    intent = await whileBusy(() => context.store.startRun(start), busyWaitMs, context.signal);
  } catch (error) {
    if (!isStoreBusyError(error)) throw error;
    // Not even the run's start could be written: nothing is collected, and the gap is recorded once the store is free.
    const cause = `the evidence store was locked by another writer for more than ${busyWaitMs / 1000} s when the run was to start (${describeError(error)}): nothing was collected`;
    return recordWhenFree(context, { collector: collector.id, scope: scope.key, since: new Date(), cause }, logger, async () => {
      const late = await context.store.startRun(start);
      return context.store.finishRun(late, {
        finishedAt: now(),
        status: 'failed',
        error: cause,
        apiCalls: 0,
        resolvedScope: resolvedBefore,
        evidence: [],
        findings: [],
        meta: resolvedBefore ? { configuredScope: scope.key } : {},
      });
    });
  }

  const controller = new AbortController();
  // Every call in flight listens for the abort (18 regions read concurrently are 18+ listeners): not a leak.
  setMaxListeners(0, controller.signal);
  const timer = setTimeout(() => controller.abort(new RunTimeout(`run exceeded its timeout of ${timeoutMs / 1000} s`)), timeoutMs);
  const stopAll = () => controller.abort(context.signal?.reason ?? new Error('agent stopping'));
  context.signal?.addEventListener('abort', stopAll, { once: true });
  if (context.signal?.aborted) stopAll();

  let apiCalls = 0;
  let outcome: RunOutcome;
  let discovered: DiscoveredScopes | undefined;
  try {
    const collected = await untilAborted(
      collector.collect({
        options,
        scope,
        logger,
        now,
        signal: controller.signal,
        clientEnvironment: context.clientEnvironment ?? {},
        countApiCall: () => {
          apiCalls += 1;
        },
        watermarks,
        httpCache: {
          get: (key) => context.store.cachedResponse(collector.id, streamScope, key),
          set: (key, value) => context.store.cacheResponse(collector.id, streamScope, key, value),
        },
        storedEvidence: storedEvidenceReader(context.store, now),
        secrets,
      }),
      controller.signal,
    );
    // A known secret in what was read (an API error echoing the credentials sent) is never stored; how
    // many were redacted is (a count that grows says something echoes credentials).
    const { value: result, count: redacted } = secrets.redactDeep(collected);
    const snapshotTime = now();
    const resolvedScope = result.resolvedScope ?? scope.key;
    // The scopes found are what the next runs use, never stored: taken before redaction, which would
    // replace a member account's external id (a secret of the config) with [redacted].
    discovered = collected.discovered;
    // A discovery run's evidence is the list of scopes found: the checks judge what each scope's own run collects.
    const { findings, crashed } = evaluateChecks(
      result.discovered ? [] : collector.checks,
      result.evidence,
      result.errors,
      options,
      snapshotTime,
      `${collector.id}:${resolvedScope}`,
      result.events ?? [],
    );
    const holes = (result.windows ?? []).filter((w) => !w.complete);
    const problems = [
      ...result.errors.map((e) => `${e.type} ${e.resourceId}: ${e.error}`),
      ...holes.map((w) => `events of ${w.partition} from ${w.from} to ${w.to} not read in full: ${w.error ?? 'unknown'}`),
      ...crashed.map((c) => `check ${c.checkId}: ${c.error}`),
    ];
    const status: RunStatus = problems.length > 0 ? 'partial' : 'ok';
    outcome = {
      finishedAt: snapshotTime,
      status,
      error: problems.length ? `${problems.length} problem(s); first: ${problems[0]}` : null,
      apiCalls,
      resolvedScope: result.resolvedScope,
      evidence: [
        ...result.evidence,
        ...(context.exceptions ? [exceptionsDocument(context.exceptions)] : []),
        ...(context.mappings ? [mappingsDocument(context.mappings)] : []),
      ],
      findings,
      events: result.events,
      windows: result.windows,
      ...(result.files?.length ? { files: result.files } : {}),
      meta: {
        ...result.meta,
        ...(result.validUntil ? { validUntil: result.validUntil } : {}),
        ...(resolvedScope !== scope.key ? { configuredScope: scope.key } : {}),
        redacted,
      },
    };
  } catch (error) {
    const aborted = controller.signal.aborted;
    const { text, count } = secrets.redactCounting(describeError(aborted ? (controller.signal.reason ?? error) : error));
    // File the gap under the scope this configured scope resolved to before, so it shows in that stream.
    outcome = {
      finishedAt: now(),
      status: aborted ? 'aborted' : 'failed',
      error: text,
      apiCalls,
      resolvedScope: resolvedBefore,
      evidence: [],
      findings: [],
      meta: { ...(resolvedBefore ? { configuredScope: scope.key } : {}), redacted: count },
    };
  } finally {
    clearTimeout(timer);
    context.signal?.removeEventListener('abort', stopAll);
  }

  let record: RunRecord;
  try {
    record = await whileBusy(() => context.store.finishRun(intent, outcome), busyWaitMs, context.signal);
  } catch (error) {
    if (isStoreBusyError(error)) {
      // Held past the wait: a run that collected is recorded as failed with the cause (a gap, named), a failed
      // or aborted one as it is, once the store is free.
      const gap: RunOutcome =
        outcome.status === 'failed' || outcome.status === 'aborted'
          ? outcome
          : {
              ...outcome,
              status: 'failed',
              error: `the evidence store was locked by another writer for more than ${busyWaitMs / 1000} s (${describeError(error)}): this run's evidence was not stored`,
              evidence: [],
              findings: [],
            };
      const wait = { collector: collector.id, scope: scope.key, since: new Date(), cause: gap.error ?? describeError(error) };
      record = await recordWhenFree(context, wait, logger, () => context.store.finishRun(intent, gap));
    } else {
      // The evidence itself was unstorable (e.g. a duplicate resource): keep the gap visible.
      if (outcome.status === 'failed' || outcome.status === 'aborted') throw error;
      logger.error({ err: describeError(error) }, 'could not store the run; trying to record it as failed');
      const failed: RunOutcome = {
        ...outcome,
        status: 'failed',
        error: secrets.redact(`evidence could not be stored: ${describeError(error)}`),
        evidence: [],
        findings: [],
      };
      record = await whileBusy(() => context.store.finishRun(intent, failed), busyWaitMs, context.signal);
    }
  }
  if (discovered && (record.status === 'ok' || record.status === 'partial')) onDiscovered?.(discovered);
  const level = record.status === 'ok' ? 'info' : record.status === 'partial' ? 'warn' : 'error';
  logger[level](
    {
      run: record.seq,
      status: record.status,
      apiCalls: record.apiCalls,
      evidence: record.evidenceCount,
      changes: record.changes,
      findings: record.findingCounts,
      error: record.error ?? undefined,
    },
    `run ${record.status}`,
  );
  return record;
}

/** `write`, tried again while the store is busy (another writer holds it), for `waitMs` at most. */
async function whileBusy<T>(write: () => Promise<T>, waitMs: number, signal?: AbortSignal): Promise<T> {
  const deadline = performance.now() + waitMs;
  for (let pause = 100; ; pause = Math.min(pause * 2, 5_000)) {
    try {
      return await write();
    } catch (error) {
      if (!isStoreBusyError(error) || signal?.aborted || performance.now() + pause > deadline) throw error;
    }
    await sleep(pause, signal);
  }
}

/**
 * Records what a busy store refused as soon as it is free (for storeFreeWaitMs at most, or until the agent
 * stops), telling `onStoreWait` meanwhile: the daemon is not ready while a run waits.
 */
async function recordWhenFree(context: RunContext, wait: StoreWait, logger: Logger, record: () => Promise<RunRecord>): Promise<RunRecord> {
  logger.error({ cause: wait.cause }, 'the evidence store is locked by another writer: the run is recorded as failed once it is free');
  context.onStoreWait?.(wait, true);
  try {
    return await whileBusy(record, context.storeFreeWaitMs ?? STORE_FREE_WAIT_MS, context.signal);
  } finally {
    context.onStoreWait?.(wait, false);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RunBatch {
  runs: RunRecord[];
  /** Runs the store could not record at all (disk full, database locked), one line each. */
  unrecorded: string[];
}

/** Runs every scope of every collector in turn; one failing never stops the others. */
export async function runCollectors(collectors: readonly ConfiguredCollector<unknown>[], context: RunContext): Promise<RunBatch> {
  const records: RunRecord[] = [];
  const unrecorded: string[] = [];
  for (const configured of collectors) {
    let scopes: CollectorScope[];
    try {
      scopes = configured.collector.scopes(configured.options);
    } catch (error) {
      context.logger.error({ collector: configured.collector.id, err: describeError(error) }, 'cannot list scopes');
      continue;
    }
    // A discovered scope's run gets the options its discovery made (the collector's own options type), over
    // the configured ones (timeoutSeconds stays whatever the discovery left out).
    const runOne = async (scope: CollectorScope, onDiscovered?: (discovered: DiscoveredScopes) => void, options?: unknown) => {
      try {
        const withOptions =
          options === undefined ? configured : { ...configured, options: { ...configured.options, ...(options as ConfiguredCollector['options']) } };
        records.push(await runScope(withOptions, scope, context, onDiscovered));
      } catch (error) {
        // Only the store itself failing gets here (disk full, database locked): say so, go on.
        context.logger.error({ collector: configured.collector.id, scope: scope.key, err: describeError(error) }, 'the run could not be recorded');
        unrecorded.push(`${configured.collector.id} ${scope.key}: ${describeError(error)}`);
      }
    };
    for (const scope of scopes) {
      if (context.signal?.aborted) return { runs: records, unrecorded };
      let discovered: DiscoveredScopes | undefined;
      await runOne(scope, (found) => {
        discovered = found;
      });
      // The scopes a run discovered (an organisation's accounts), each a run of its own, a few at once.
      const found = discovered;
      if (found) await inPool(found.scopes, found.concurrency, context.signal, (scope) => runOne(scope, undefined, found.options));
    }
  }
  return { runs: records, unrecorded };
}

/** Runs `work` on every item, at most `concurrency` at once; stops starting new ones once the signal aborts. */
async function inPool<T>(items: readonly T[], concurrency: number, signal: AbortSignal | undefined, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/** The latest snapshot documents of other streams, read-only (collectors that join sources). */
export function storedEvidenceReader(store: EvidenceStore, now: () => Date = () => new Date()): StoredEvidenceReader {
  return {
    latest: async (collectorId, type) => {
      // As of the run's clock (the demo's simulated days), not the machine's.
      const snapshots = (await store.latestSnapshots(now())).filter((run) => run.collector === collectorId);
      const documents: StoredDocument[] = [];
      for (const run of snapshots) {
        for (const item of await store.evidenceOf(run.seq)) {
          if (item.type === type) documents.push({ ...item, scope: run.scope, collectedAt: run.startedAt });
        }
      }
      return documents;
    },
  };
}

/** The exceptions in force, as one evidence document of the run (unchanged files dedupe to nothing). */
function exceptionsDocument(exceptions: ExceptionsEvidence): EvidenceItem {
  return { type: EXCEPTIONS_EVIDENCE_TYPE, resourceId: EXCEPTIONS_RESOURCE_ID, schemaVersion: 1, data: exceptions };
}
