// How the agents sharing one store share its schedule: each scheduled (job, scope, slot) is claimed by one
// agent before it runs, and the claim is a lease the holder keeps alive while it runs. A lease whose holder
// stopped renewing it (killed, frozen, cut off) is taken over by a surviving agent, which runs the slot
// again. One agent alone (SQLite) claims everything in process: today's behaviour.

/** One scheduled run: a collector (or the digest) for one scope at one slot of its schedule. */
export interface SlotKey {
  /** The job: a collector id, or `digest`. */
  job: string;
  /** The collector's configured scope (account id, org), `week` for the digest. */
  scope: string;
  /** Which start of the schedule: `tick:<ISO minute>`, `catch-up:<last success>`, or the digest's ISO week. */
  slot: string;
}

/** What an agent holds, as /readyz and /metrics show it. */
export interface HeldLease {
  key: SlotKey;
  /** When this agent claimed (or took over) the slot. */
  since: Date;
  /** The agent that held it before and stopped renewing it: this is a takeover. */
  takenOverFrom?: string;
}

export interface Lease extends HeldLease {
  /** Aborts when the lease is no longer this agent's (another agent took it over): the run must stop. */
  readonly lost: AbortSignal;
  /** The slot ran (whatever its run's status, a gap included): no agent runs it again. */
  complete(): Promise<void>;
  /** The slot did not run to its end here (the agent is stopping): another agent takes it over at once. */
  abandon(): Promise<void>;
}

export interface Coordinator {
  /** `single`: the only agent of its store; `member`: one of several agents sharing a PostgreSQL store. */
  readonly role: 'single' | 'member';
  /** This agent's id in the leases (host, pid and a random part). */
  readonly agentId: string;
  /** How long a lease lives without renewal: a dead holder's slot runs again within this. */
  readonly leaseMs: number;
  /** Claims a slot; null when another agent holds it or it has run. */
  claim(key: SlotKey): Promise<Lease | null>;
  /** Takes over slots whose holder stopped renewing them (one at a time, each claimed by one agent). */
  takeOver(): Promise<Lease[]>;
  /** The slots this agent holds now. */
  held(): HeldLease[];
  /** Stops renewing; leases still held are left to expire (or abandoned first by the caller). */
  close(): Promise<void>;
}

/** A lease key in one line: `aws-iam 111122223333 tick:2026-12-07T03:00:00.000Z`. */
export function slotName(key: SlotKey): string {
  return `${key.job} ${key.scope} ${key.slot}`;
}
