// Prometheus metrics of the daemon (prom-client, a registry of its own), named by Prometheus'
// conventions: the agent's own metrics prefixed `evidence_agent_`, units as suffixes, counters ending
// in `_total`, no label that Prometheus sets itself (`job`, `instance`), the Node.js process metrics
// unprefixed (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`) so stock dashboards find
// them, and every labelled counter created at 0 for each label value known at start, so that the first
// failure is an `increase()` from 0 rather than a series appearing. Counts only: no evidence content is
// ever served. The names and the format are held by test/metrics-exposition.test.ts.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunStatus } from '../collector.js';
import type { DeliveryOutcome } from '../digest/deliver.js';
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
}

export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({ name: 'evidence_agent_runs_total', help: 'Runs finished, by collector and status (ok, partial, failed, aborted).', labelNames: ['collector', 'status'], registers: [this.registry] });
  private readonly duration = new Histogram({
    name: 'evidence_agent_run_duration_seconds',
    help: 'Duration of runs, by collector.',
    labelNames: ['collector'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });
  private readonly apiCalls = new Counter({ name: 'evidence_agent_api_calls_total', help: 'HTTP requests sent to the sources (retries included), by collector.', labelNames: ['collector'], registers: [this.registry] });
  private readonly findings = new Gauge({ name: 'evidence_agent_findings', help: 'Findings of the latest snapshots, by collector and status.', labelNames: ['collector', 'status'], registers: [this.registry] });
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
  private readonly buildInfo = new Gauge({ name: 'evidence_agent_build_info', help: 'Always 1: the agent version and the Node.js version running it.', labelNames: ['version', 'node'], registers: [this.registry] });

  constructor(
    private readonly store: EvidenceStore,
    labels: MetricsLabels = { version: 'unknown' },
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.buildInfo.set({ version: labels.version, node: labels.node ?? process.version }, 1);
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
    const totals = new Map<string, number>();
    for (const run of await this.store.latestSnapshots()) {
      this.lastSuccess.set({ collector: run.collector, scope: run.scope }, Date.parse(run.startedAt) / 1000);
      for (const [status, count] of Object.entries(run.findingCounts)) {
        const key = `${run.collector}\u0000${status}`;
        totals.set(key, (totals.get(key) ?? 0) + count);
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
