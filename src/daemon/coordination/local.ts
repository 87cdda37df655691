// The single agent's coordinator (SQLite, one daemon per store behind its file lock): every claim is
// granted, in process; there is nobody to take over from. The schedule runs as it always has.
import { hostname } from 'node:os';
import type { Coordinator, HeldLease, Lease, SlotKey } from './types.js';
import { slotName } from './types.js';

export class LocalCoordinator implements Coordinator {
  readonly role = 'single' as const;
  readonly agentId = `${hostname()}:${process.pid}`;
  readonly leaseMs = Number.POSITIVE_INFINITY;
  private readonly holding = new Map<string, HeldLease>();

  async claim(key: SlotKey): Promise<Lease> {
    const name = slotName(key);
    const held: HeldLease = { key, since: new Date() };
    this.holding.set(name, held);
    const release = async () => {
      this.holding.delete(name);
    };
    return { ...held, lost: new AbortController().signal, complete: release, abandon: release };
  }

  async takeOver(): Promise<Lease[]> {
    return [];
  }

  held(): HeldLease[] {
    return [...this.holding.values()];
  }

  async close(): Promise<void> {
    this.holding.clear();
  }
}
