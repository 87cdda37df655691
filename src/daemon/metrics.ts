// Prometheus metrics of the daemon (prom-client, a registry of its own), named by Prometheus'
// conventions: the agent's own metrics prefixed `evidence_agent_`, units as suffixes, counters ending
// in `_total`, no label that Prometheus sets itself (`job`, `instance`), the Node.js process metrics
// unprefixed (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`) so stock dashboards find
// them, and every labelled counter created at 0 for each label value known at start, so that the first
// failure is an `increase()` from 0 rather than a series appearing. Findings are those of the current
// state (the latest snapshots, and every event failure until it is reviewed). Counts only: no evidence
// content is ever served. The names and the format are held by test/metrics-exposition.test.ts.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunStatus } from '../collector.js';
import type { DeliveryOutcome } from '../digest/deliver.js';
import { currentState } from '../reports/current-state.js';
import type { EventLifecycle } from '../reports/event-findings.js';
import type { EvidenceStore, RunRecord } from '../store/types.js';

export const RUN_STATUSES: readonly RunStatus[] = ['ok', 'partial', 'failed', 'aborted'];
export const DELIVERY_STATUSES = ['ok', 'failed'] as const;

export interface MetricsLabels {
  /** The agent's version and the Node.js version: `evidence_agent_build_info`. */
  version: string;
  node?: string;
  /** The collectors the daemon runs: their counters start at 0. */
  collectors?: readonly string[];
  /** Every schedule (a collector id, `digest`) with the longest interval between two of its runs, in seconds. */
  schedules?: Readonly<Record<string, number>>;
  /** The digest's delivery targets (directory, slack, email). */
  digestTargets?: readonly string[];
  /** Event checks and the review SLA: findings then include event failures until reviewed. */
  lifecycle?: EventLifecycle;
  /** The clock the current state is read at (tests inject one). */
  clock?: () => Date;
}

export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({
    name: 'evidence_agent_runs_total',
    help: 'Runs finished, by collector and status (ok, partial, failed, aborted).',
    labelNames: ['collector', 'status'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'evidence_agent_run_duration_seconds',
    help: 'Duration of runs, by collector.',
    labelNames: ['collector'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });
  private readonly apiCalls = new Counter({
    name: 'evidence_agent_api_calls_total',
    help: 'HTTP requests sent to the sources (retries included), by collector.',
    labelNames: ['collector'],
    registers: [this.registry],
  });
  private readonly findings = new Gauge({
    name: 'evidence_agent_findings',
    help: 'Findings of the current state (latest snapshots, and event failures until reviewed), by collector and status (reviewed: event failures someone reviewed).',
    labelNames: ['collector', 'status'],
    registers: [this.registry],
  });
  private readonly unreviewed = new Gauge({
    name: 'evidence_agent_event_failures_unreviewed',
    help: 'Failing events (root use, StopLogging, merges without approval…) nobody has reviewed yet, by collector.',
    labelNames: ['collector'],
    registers: [this.registry],
  });
  private readonly overdue = new Gauge({
    name: 'evidence_agent_event_failures_overdue',
    help: 'Of the unreviewed failing events, those recorded longer ago than the review SLA (reviews.slaDays), by collector.',
    labelNames: ['collector'],
    registers: [this.registry],
  });
  private readonly lastSuccess = new Gauge({
    name: 'evidence_agent_last_success_timestamp_seconds',
    help: 'When the latest successful (ok or partial) run of each stream started.',
    labelNames: ['collector', 'scope'],
    registers: [this.registry],
  });
  private readonly interval = new Gauge({
    name: 'evidence_agent_schedule_interval_seconds',
    help: 'The longest interval between two scheduled runs, by schedule (a collector, or digest): evidence older than this is overdue.',
    labelNames: ['schedule'],
    registers: [this.registry],
  });
  private readonly skipped = new Counter({
    name: 'evidence_agent_skipped_runs_total',
    help: 'Scheduled starts skipped because the previous run of the schedule was still going, by schedule.',
    labelNames: ['schedule'],
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'evidence_agent_digest_deliveries_total',
    help: 'Weekly digest deliveries, by target (directory, slack, email) and status (ok, failed).',
    labelNames: ['target', 'status'],
    registers: [this.registry],
  });
  private readonly storeBytes = new Gauge({ name: 'evidence_agent_store_bytes', help: 'Size of the evidence store file.', registers: [this.registry] });
  private readonly buildInfo = new Gauge({
    name: 'evidence_agent_build_info',
    help: 'Always 1: the agent version and the Node.js version running it.',
    labelNames: ['version', 'node'],
    registers: [this.registry],
  });
  private readonly waitingForStore = new Gauge({
    name: 'evidence_agent_runs_waiting_for_store',
    help: 'Runs waiting to be recorded because another writer holds the store.',
    registers: [this.registry],
  });
  /** With a lifecycle, the findings come from the current state, where event failures stay until reviewed. */
  private readonly lifecycle: EventLifecycle | undefined;
  private readonly clock: () => Date;

  constructor(
    private readonly store: EvidenceStore,
    labels: MetricsLabels = { version: 'unknown' },
  ) {
    this.lifecycle = labels.lifecycle;
    this.clock = labels.clock ?? (() => new Date());
    collectDefaultMetrics({ register: this.registry });
    this.buildInfo.set({ version: labels.version, node: labels.node ?? process.version }, 1);
    this.waitingForStore.set(0);
    for (const collector of labels.collectors ?? []) {
      for (const status of RUN_STATUSES) this.runs.inc({ collector, status }, 0);
      this.apiCalls.inc({ collector }, 0);
    }
    for (const [schedule, seconds] of Object.entries(labels.schedules ?? {})) {
      this.skipped.inc({ schedule }, 0);
      this.interval.set({ schedule }, seconds);
    }
    for (const target of labels.digestTargets ?? []) for (const status of DELIVERY_STATUSES) this.deliveries.inc({ target, status }, 0);
  }

  recordRun(run: RunRecord): void {
    this.runs.inc({ collector: run.collector, status: run.status });
    this.duration.observe({ collector: run.collector }, Math.max(0, (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000));
    this.apiCalls.inc({ collector: run.collector }, run.apiCalls);
  }

  setWaitingForStore(runs: number): void {
    this.waitingForStore.set(runs);
  }

  recordSkip(schedule: string): void {
    this.skipped.inc({ schedule });
  }

  recordDigestDeliveries(outcomes: readonly DeliveryOutcome[]): void {
    for (const outcome of outcomes) this.deliveries.inc({ target: outcome.target, status: outcome.ok ? 'ok' : 'failed' });
  }

  /** Gauges read from the store: current after a restart too. */
  async refresh(): Promise<void> {
    this.findings.reset();
    this.lastSuccess.reset();
    this.unreviewed.reset();
    this.overdue.reset();
    const totals = new Map<string, number>();
    const add = (collector: string, status: string, count = 1) =>
      totals.set(`${collector}\u0000${status}`, (totals.get(`${collector}\u0000${status}`) ?? 0) + count);
    const snapshots = await this.store.latestSnapshots(this.clock());
    for (const run of snapshots) {
      this.lastSuccess.set({ collector: run.collector, scope: run.scope }, Date.parse(run.startedAt) / 1000);
      if (!this.lifecycle) for (const [status, count] of Object.entries(run.findingCounts)) add(run.collector, status, count);
    }
    if (this.lifecycle) {
      const now = this.clock();
      for (const collector of new Set(snapshots.map((r) => r.collector))) {
        this.unreviewed.set({ collector }, 0);
        this.overdue.set({ collector }, 0);
      }
      for (const finding of (await currentState(this.store, now, this.lifecycle)).findings) {
        add(finding.collector, finding.status === 'fail' && finding.review ? 'reviewed' : finding.status);
        if (finding.status !== 'fail' || finding.review || finding.exception || !this.lifecycle.eventChecks.has(finding.checkId)) continue;
        this.unreviewed.inc({ collector: finding.collector });
        // The review clock runs from when the failure was first recorded (see the digest).
        if (now.getTime() - Date.parse(finding.openSince ?? finding.observedAt) > this.lifecycle.slaDays * 86_400_000)
          this.overdue.inc({ collector: finding.collector });
      }
    }
    for (const [key, count] of totals) {
      const [collector, status] = key.split('\u0000') as [string, string];
      this.findings.set({ collector, status }, count);
    }
    this.storeBytes.set((await this.store.stats()).fileBytes);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
