// Process faults: the agent SIGKILLed at random (seeded) points of its runs, again and again. After
// every kill the store verifies, no half run is visible (each snapshot holds its whole estate; a run
// is either stored complete or not at all), the next start records the cut-short run as aborted, and
// the agent catches up: in the end every simulated day has exactly one snapshot.
// `npm test` runs a few kill points; `npm run test:soak` (SOAK=1) runs at least 50.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { spawnTs } from '../helpers/child-process.js';
import { tempDbPath } from '../helpers/store-fixtures.js';
import { SYNTHETIC_COLLECTOR, dayIndexOf, expectedDocuments } from '../helpers/synthetic-estate.js';

const SOAK = process.env.SOAK === '1';
const KILLS = SOAK ? 55 : 8;
const RESOURCES = SOAK ? 2000 : 400;
const SEED = Number(process.env.KILL_SEED ?? 20261126);
const CHILD = 'test/helpers/kill-loop-child.ts';
/** A last day the loop never reaches: every child of the loop is killed. */
const FAR_DAY = 100_000;

/** mulberry32: a small seeded generator, so a failing kill point can be replayed with KILL_SEED. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface KillPoint {
  delayMs: number;
  phase: string;
  intentsLeft: string[];
}

/** Starts the agent, kills it `delayMs` after it opened the store, and says in which phase it died. */
async function killAfter(path: string, start: number, delayMs: number): Promise<{ phase: string; recovered: string[] | undefined }> {
  let phase = 'starting';
  let recovered: string[] | undefined;
  let timer: NodeJS.Timeout | undefined;
  const run = spawnTs(CHILD, [path, String(FAR_DAY), String(RESOURCES), String(start)], [], (line) => {
    if (line.startsWith('phase ')) phase = line.slice(6);
    if (line.startsWith('recovered ')) recovered = idsOf(line);
    if (line === 'phase opening') timer = setTimeout(() => run.child.kill('SIGKILL'), delayMs);
  });
  const result = await run.done;
  clearTimeout(timer);
  if (result.signal !== 'SIGKILL') throw new Error(`the agent ended by itself (${result.code}): ${result.stderr}`);
  return { phase, recovered };
}

/** The run ids of a "recovered <count> <id,id>" line. */
function idsOf(line: string): string[] {
  return (line.split(' ')[2] ?? '').split(',').filter(Boolean).sort();
}

/** The intents no run was recorded for yet (intents are kept in their chain after their run). */
function intentsIn(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM run_intents WHERE id NOT IN (SELECT id FROM runs) ORDER BY id').pluck().all() as string[]).sort();
  } finally {
    db.close();
  }
}

/** What must hold after any kill: the chain verifies and every stored snapshot is whole. */
async function expectConsistent(path: string): Promise<void> {
  const store = openStore(path, { readonly: true });
  try {
    const report = await store.verify();
    expect(report.problems).toEqual([]);
    const runs = await store.listRuns();
    for (const run of runs) expect(['ok', 'partial', 'aborted'], `run ${run.seq}: ${run.error}`).toContain(run.status);
    const snapshots = runs.filter((r) => r.status !== 'aborted');
    const latest = snapshots.at(-1);
    if (latest) {
      // A half-written run would show fewer documents or findings than the estate of its day.
      const day = dayIndexOf(latest.startedAt);
      expect((await store.evidenceOf(latest.seq)).length).toBe(expectedDocuments(RESOURCES, day));
      expect(latest.evidenceCount).toBe(expectedDocuments(RESOURCES, day));
      const findings = await store.findingsOf(latest.seq);
      expect(findings.length).toBe(expectedDocuments(RESOURCES, day) - 1);
    }
    for (const run of runs.filter((r) => r.status === 'aborted')) {
      expect(run.evidenceCount).toBe(0);
      expect(run.error).toMatch(/ended before the run finished/);
    }
  } finally {
    await store.close();
  }
}

describe(`process faults: SIGKILL at ${KILLS} random points`, () => {
  it(
    'always leaves a store that verifies, no half run, the cut-short run recorded as aborted, and catches up',
    async () => {
      const path = tempDbPath();
      const random = seeded(SEED);
      // A first start without a kill gives the pace of a day on this machine.
      const WARMUP_DAYS = 4;
      const seen = new Map<string, number>();
      const warmup = spawnTs(CHILD, [path, String(WARMUP_DAYS - 1), String(RESOURCES), '0'], [], (line) => seen.set(line, Date.now()));
      const first = await warmup.done;
      expect(first.code, first.stderr).toBe(0);
      const openMs = seen.get('ready')! - seen.get('phase opening')!;
      const dayMs = (seen.get('phase closing')! - seen.get('ready')!) / WARMUP_DAYS;

      const points: KillPoint[] = [];
      // The intents a kill left behind: each must become exactly one aborted run with its id.
      let left: string[] = [];
      const everLeft = new Set<string>();
      for (let n = 1; n <= KILLS; n++) {
        // Anywhere from opening the store to three days in (recovery, collect, commit, between runs).
        const delayMs = Math.floor(random() * (openMs + 3 * dayMs));
        const { phase, recovered } = await killAfter(path, n, delayMs);
        // A start that got through recovery recorded every run the previous kills cut short.
        if (recovered) expect(recovered).toEqual(left);
        const intentsLeft = intentsIn(path);
        // At most the run in progress, plus those left before if the kill came before recovery committed.
        expect(intentsLeft.filter((id) => !left.includes(id)).length).toBeLessThanOrEqual(1);
        left = intentsLeft;
        for (const id of left) everLeft.add(id);
        points.push({ delayMs, phase, intentsLeft });
        await expectConsistent(path);
      }

      // The next start records what the last kill cut short and catches up to the day after.
      const before = openStore(path, { readonly: true });
      const lastDay = Math.max(...(await before.listRuns()).map((r) => dayIndexOf(r.startedAt))) + 1;
      await before.close();
      const final = spawnTs(CHILD, [path, String(lastDay), String(RESOURCES), String(KILLS + 1)]);
      const result = await final.done;
      expect(result.code, result.stderr).toBe(0);
      expect(idsOf(final.lines.find((l) => l.startsWith('recovered ')) ?? '')).toEqual(left);
      await expectConsistent(path);

      const store = openStore(path, { readonly: true });
      try {
        const runs = await store.listRuns({ collector: SYNTHETIC_COLLECTOR });
        const snapshotDays = runs.filter((r) => r.status !== 'aborted').map((r) => dayIndexOf(r.startedAt));
        // Every day from the first to the last has exactly one snapshot: nothing lost, nothing twice.
        expect(snapshotDays).toEqual(Array.from({ length: lastDay + 1 }, (_, i) => i));
        const aborted = runs.filter((r) => r.status === 'aborted');
        expect(aborted.map((r) => r.id).sort()).toEqual([...everLeft].sort());
        expect(intentsIn(path)).toEqual([]);
      } finally {
        await store.close();
      }
      const phases = points.reduce<Record<string, number>>((acc, p) => {
        const key = p.phase.split(' ')[0]!;
        acc[key] = (acc[key] ?? 0) + 1;
        return acc;
      }, {});
      // Kills must have landed in the interesting places, not only at startup.
      expect(phases.collecting ?? 0).toBeGreaterThan(0);
      if (SOAK) expect(phases.committing ?? 0).toBeGreaterThan(0);
      process.stdout.write(
        `kill loop: ${KILLS} kills (seed ${SEED}), phases ${JSON.stringify(phases)}, ${everLeft.size} runs cut short and recorded as aborted, ${lastDay + 1} days each with one snapshot\n`,
      );
    },
    SOAK ? 900_000 : 120_000,
  );
});
