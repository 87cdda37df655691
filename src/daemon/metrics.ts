// Prometheus metrics of the daemon (prom-client, a registry of its own): runs by collector and status,
// run duration, API calls, findings by status of the latest snapshots, the last success per stream,
// skipped ticks and the store's size. Counts only: no evidence content is ever served.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
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
  private readonly findings = new Gauge({ name: 'evidence_agent_findings', help: 'Findings of the latest snapshots, by collector and status.', labelNames: ['collector', 'status'], registers: [this.registry] });
  private readonly lastSuccess = new Gauge({
    name: 'evidence_agent_last_success_timestamp_seconds',
    help: 'When the latest successful (ok or partial) run of each stream started.',
    labelNames: ['collector', 'scope'],
    registers: [this.registry],
  });
  private readonly skipped = new Counter({ name: 'evidence_agent_skipped_runs_total', help: 'Scheduled starts skipped because the previous run was still going.', labelNames: ['job'], registers: [this.registry] });
  private readonly storeBytes = new Gauge({ name: 'evidence_agent_store_bytes', help: 'Size of the evidence store file.', registers: [this.registry] });
  private readonly waitingForStore = new Gauge({ name: 'evidence_agent_runs_waiting_for_store', help: 'Runs waiting to be recorded because another writer holds the store.', registers: [this.registry] });

  constructor(private readonly store: EvidenceStore) {
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
