// Prometheus metrics of the daemon (prom-client, a registry of its own): runs by collector and status,
// run duration, API calls, findings by status of the current state (the latest snapshots, and every
// event failure until it is reviewed), unreviewed and overdue event failures, the last success per
// stream, skipped ticks and the store's size. Counts only: no evidence content is ever served.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { currentState } from '../reports/current-state.js';
import type { EventLifecycle } from '../reports/event-findings.js';
import type { EvidenceStore, RunRecord } from '../store/types.js';

export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({ name: 'evidence_agent_runs_total', help: 'Runs finished, by collector and status.', labelNames: ['collector', 'status'], registers: [this.registry] });
  private readonly duration = new Histogram({
    name: 'evidence_agent_run_duration_seconds',
    help: 'Duration of runs, by collector.',
    labelNames: ['collector'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });
  private readonly apiCalls = new Counter({ name: 'evidence_agent_api_calls_total', help: 'HTTP requests sent to the sources, by collector.', labelNames: ['collector'], registers: [this.registry] });
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
  private readonly skipped = new Counter({ name: 'evidence_agent_skipped_runs_total', help: 'Scheduled starts skipped because the previous run was still going.', labelNames: ['job'], registers: [this.registry] });
  private readonly storeBytes = new Gauge({ name: 'evidence_agent_store_bytes', help: 'Size of the evidence store file.', registers: [this.registry] });
  private readonly waitingForStore = new Gauge({ name: 'evidence_agent_runs_waiting_for_store', help: 'Runs waiting to be recorded because another writer holds the store.', registers: [this.registry] });

  /** With a lifecycle, the findings come from the current state, where event failures stay until reviewed. */
  constructor(
    private readonly store: EvidenceStore,
    private readonly lifecycle?: EventLifecycle,
    private readonly clock: () => Date = () => new Date(),
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'evidence_agent_' });
  }

  recordRun(run: RunRecord): void {
    this.runs.inc({ collector: run.collector, status: run.status });
    this.duration.observe({ collector: run.collector }, Math.max(0, (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000));
    this.apiCalls.inc({ collector: run.collector }, run.apiCalls);
  }

  setWaitingForStore(runs: number): void {
    this.waitingForStore.set(runs);
  }

  recordSkip(job: string): void {
    this.skipped.inc({ job });
  }

  /** Gauges read from the store: current after a restart too. */
  async refresh(): Promise<void> {
    this.findings.reset();
    this.lastSuccess.reset();
    this.unreviewed.reset();
    this.overdue.reset();
    const totals = new Map<string, number>();
    const add = (collector: string, status: string, count = 1) => totals.set(`${collector}\u0000${status}`, (totals.get(`${collector}\u0000${status}`) ?? 0) + count);
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
        if (now.getTime() - Date.parse(finding.openSince ?? finding.observedAt) > this.lifecycle.slaDays * 86_400_000) this.overdue.inc({ collector: finding.collector });
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
