// What /metrics shows of the coordination: the agent's role (one series, its id as a label), the slots it
// holds by job, and the slots it took over from an agent that stopped renewing. Registered on the daemon's
// registry, read at each scrape.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Coordinator } from './types.js';

export interface CoordinationMetrics {
  recordTakeover(job: string): void;
}

export function coordinationMetrics(registry: Registry, coordinator: Coordinator): CoordinationMetrics {
  new Gauge({
    name: 'evidence_agent_coordination_info',
    help: "This agent's role: single (its store's only writer) or member (one of several agents sharing a PostgreSQL store), and its id in the leases.",
    labelNames: ['role', 'agent'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ role: coordinator.role, agent: coordinator.agentId }, 1);
    },
  });
  new Gauge({
    name: 'evidence_agent_leases_held',
    help: 'Scheduled slots (collector or digest, scope, start) this agent holds now, by job.',
    labelNames: ['job'],
    registers: [registry],
    collect() {
      this.reset();
      for (const held of coordinator.held()) this.inc({ job: held.key.job });
    },
  });
  const takeovers = new Counter({
    name: 'evidence_agent_lease_takeovers_total',
    help: 'Slots this agent took over from an agent that stopped renewing its lease (killed, frozen or cut off), by job.',
    labelNames: ['job'],
    registers: [registry],
  });
  return { recordTakeover: (job) => takeovers.inc({ job }) };
}
