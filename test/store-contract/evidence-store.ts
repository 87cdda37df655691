// The store's behaviour, written once against its interfaces (RunWriter, RunReader, SnapshotReader,
// EventReader, ResponseCache, StoreVerifier): every implementation runs this suite (SQLite in
// test/store.test.ts, PostgreSQL in test/store-postgres.test.ts). What only one engine has (its files,
// its triggers, its raw tampering) stays in that engine's own test file.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewIntent } from '../../src/store/intents.js';
import type { EvidenceReader, EvidenceStore } from '../../src/store/index.js';
import { day, finding, okOutcome, runStart, userEvidence } from '../helpers/store-fixtures.js';

/** A fresh, empty store of one implementation, and what the suite needs besides its interfaces. */
export interface StoreUnderTest {
  store: EvidenceStore;
  /** Another connection to the same store, read-only: no state carried over from `store`. */
  openReader(): Promise<EvidenceReader>;
  /** An intent as another agent process records it (another pid, host or instance), through the chain of intents. */
  recordIntentOfAnotherProcess(intent: Pick<NewIntent, 'id' | 'started_at' | 'pid' | 'host' | 'instance' | 'deadline'> & Partial<NewIntent>): Promise<void>;
  /** Another writer on the same store (a second agent), for concurrent appends. */
  openWriter(): Promise<EvidenceStore>;
}

/** `skip` is vitest's context.skip: an implementation that cannot run here (no server) skips with its reason. */
export type OpenStoreUnderTest = (skip: (note: string) => never) => Promise<StoreUnderTest>;

export function describeEvidenceStore(name: string, openUnderTest: OpenStoreUnderTest): void {
  const opened: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0).reverse()) await store.close();
  });
  const fresh = async (skip: (note: string) => never): Promise<StoreUnderTest> => {
    const underTest = await openUnderTest(skip);
    opened.push(underTest.store);
    return {
      ...underTest,
      openReader: async () => {
        const reader = await underTest.openReader();
        opened.push(reader);
        return reader;
      },
      openWriter: async () => {
        const writer = await underTest.openWriter();
        opened.push(writer);
        return writer;
      },
    };
  };

  async function storeRun(store: EvidenceStore, n: number, evidence = [userEvidence('alice'), userEvidence('bob')]) {
    const intent = await store.startRun(runStart(day(n)));
    return store.finishRun(intent, okOutcome(day(n), evidence, [finding('alice', 'pass'), finding('bob', 'fail')]));
  }

  describe(`${name} store: snapshots`, () => {
    it('rebuilds each snapshot exactly from the stored deltas', async ({ skip }) => {
      const { store } = await fresh(skip);
      const first = await storeRun(store, 0);
      const second = await storeRun(store, 1, [userEvidence('alice', { groups: ['Admins'] }), userEvidence('carol')]);
      expect(first.changes).toEqual({ added: 2, changed: 0, removed: 0 });
      expect(second.changes).toEqual({ added: 1, changed: 1, removed: 1 });
      expect(second.baseSeq).toBe(first.seq);

      const firstEvidence = await store.evidenceOf(first.seq);
      expect(firstEvidence.map((e) => e.resourceId)).toEqual(['arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:user/bob']);
      const secondEvidence = await store.evidenceOf(second.seq);
      expect(secondEvidence.map((e) => [e.resourceId, (e.data as { groups: string[] }).groups])).toEqual([
        ['arn:aws:iam::111122223333:user/alice', ['Admins']],
        ['arn:aws:iam::111122223333:user/carol', ['Developers']],
      ]);
      // One document without the rest, and the entries without the documents.
      expect(await store.documentOf(first.seq, 'aws.iam.user', 'arn:aws:iam::111122223333:user/bob')).toEqual(userEvidence('bob'));
      expect(await store.documentOf(second.seq, 'aws.iam.user', 'arn:aws:iam::111122223333:user/bob')).toBeUndefined();
      const entries = await store.snapshotEntries(second.seq);
      expect(entries.map((e) => e.resourceId)).toEqual(secondEvidence.map((e) => e.resourceId));
      expect(await store.storedDocument(entries[0]!.blobHash)).toEqual(secondEvidence[0]);
    });

    it('stores an unchanged document once, however many runs see it', async ({ skip }) => {
      const { store } = await fresh(skip);
      for (let n = 0; n < 5; n++) await storeRun(store, n);
      const stats = await store.stats();
      expect(stats.runs).toBe(5);
      expect(stats.blobs).toBe(2);
      // Only the first run wrote manifest and findings rows; the next four changed nothing.
      expect(stats.manifestRows).toBe(2);
      expect(stats.findingRows).toBe(2);
      const runs = await store.listRuns();
      expect(runs.map((r) => r.changes.added + r.changes.changed + r.changes.removed)).toEqual([2, 0, 0, 0, 0]);
      expect(await store.findingsOf(runs[4]!.seq)).toHaveLength(2);
    });

    it('tracks findings that change and disappear', async ({ skip }) => {
      const { store } = await fresh(skip);
      const i1 = await store.startRun(runStart(day(0)));
      await store.finishRun(i1, okOutcome(day(0), [userEvidence('a')], [finding('a', 'fail'), finding('b', 'pass')]));
      const i2 = await store.startRun(runStart(day(1)));
      const r2 = await store.finishRun(i2, okOutcome(day(1), [userEvidence('a')], [finding('a', 'pass')]));
      expect((await store.findingsOf(r2.seq)).map((f) => [f.resourceId.split('/')[1], f.status])).toEqual([['a', 'pass']]);
      expect(r2.findingCounts).toEqual({ pass: 1, fail: 0, error: 0, not_applicable: 0 });
    });

    it('keeps failed runs out of the snapshot line: the next run is a delta of the last good one', async ({ skip }) => {
      const { store } = await fresh(skip);
      const good = await storeRun(store, 0);
      const failedIntent = await store.startRun(runStart(day(1)));
      const failed = await store.finishRun(failedIntent, {
        ...okOutcome(day(1), []),
        status: 'failed',
        error: 'AccessDenied: not authorized to perform iam:GetAccountAuthorizationDetails',
      });
      expect(failed.evidenceCount).toBe(0);
      expect(await store.evidenceOf(failed.seq)).toEqual([]);
      const next = await storeRun(store, 2);
      expect(next.baseSeq).toBe(good.seq);
      expect(next.changes).toEqual({ added: 0, changed: 0, removed: 0 });
      expect((await store.latestSnapshots(day(1))).map((r) => r.seq)).toEqual([good.seq]);
      expect((await store.latestSnapshots(day(3))).map((r) => r.seq)).toEqual([next.seq]);
      expect((await store.latestRuns(day(1))).map((r) => r.seq)).toEqual([failed.seq]);
    });

    it('refuses a run that holds the same resource twice and leaves nothing behind', async ({ skip }) => {
      const { store } = await fresh(skip);
      const intent = await store.startRun(runStart(day(0)));
      await expect(store.finishRun(intent, okOutcome(day(0), [userEvidence('alice'), userEvidence('alice')]))).rejects.toThrow(/appears twice/);
      expect(await store.stats()).toMatchObject({ runs: 0, blobs: 0, manifestRows: 0 });
    });

    it('stores cited files by the SHA-256 of their bytes, named in the chained meta', async ({ skip }) => {
      const { store } = await fresh(skip);
      const bytes = Buffer.from('signed access review, Q3\n');
      const run = await store.finishRun(await store.startRun(runStart(day(0))), okOutcome(day(0), [userEvidence('a')], [], { files: [bytes, bytes] }));
      const hash = createHash('sha256').update(bytes).digest('hex');
      expect(run.meta['files']).toEqual([hash]);
      expect((await store.fileBytes(hash))?.equals(bytes)).toBe(true);
      expect(await store.fileBytes('0'.repeat(64))).toBeUndefined();
      expect((await store.verify()).ok).toBe(true);
    });
  });

  describe(`${name} store: runs`, () => {
    it('lists runs by collector, scope, period and the newest few, oldest first', async ({ skip }) => {
      const { store } = await fresh(skip);
      for (let n = 0; n < 4; n++) await storeRun(store, n);
      await store.finishRun(await store.startRun(runStart(day(4), { scope: '444455556666' })), okOutcome(day(4), [userEvidence('x')]));
      expect((await store.listRuns()).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      expect((await store.listRuns({ scope: '444455556666' })).map((r) => r.seq)).toEqual([5]);
      expect((await store.listRuns({ collector: 'aws-iam', from: day(1), to: day(3) })).map((r) => r.seq)).toEqual([2, 3]);
      expect((await store.listRuns({ limit: 2 })).map((r) => r.seq)).toEqual([4, 5]);
      expect((await store.getRun(2))?.startedAt).toBe(day(1).toISOString());
      expect(await store.getRun(99)).toBeUndefined();
      const chained = await store.chainedRuns(2, 3);
      expect(chained.map((c) => [c.fields.seq, c.hash])).toEqual((await store.listRuns({ from: day(1), to: day(3) })).map((r) => [r.seq, r.hash]));
      expect(chained[1]!.fields.prevHash).toBe(chained[0]!.hash);
    });

    it('remembers what a configured scope resolved to', async ({ skip }) => {
      const { store } = await fresh(skip);
      await store.finishRun(
        await store.startRun(runStart(day(0), { scope: 'default' })),
        okOutcome(day(0), [userEvidence('a')], [], { resolvedScope: '111122223333', meta: { configuredScope: 'default' } }),
      );
      expect(await store.lastResolvedScope('aws-iam', 'default')).toBe('111122223333');
      expect(await store.lastResolvedScope('aws-iam', 'other')).toBeUndefined();
    });

    it('knows when each failing finding began failing, and every finding a stream recorded', async ({ skip }) => {
      const { store } = await fresh(skip);
      const run = async (n: number, bob: 'pass' | 'fail', message?: string) =>
        store.finishRun(await store.startRun(runStart(day(n))), okOutcome(day(n), [userEvidence('bob')], [finding('bob', bob, message)]));
      await run(0, 'fail');
      await run(1, 'pass');
      await run(2, 'fail');
      const last = await run(3, 'fail', 'still no MFA');
      const key = `aws_iam_user_console_mfa_enabled\u0000arn:aws:iam::111122223333:user/bob`;
      expect(await store.failingSince(last.seq)).toEqual(new Map([[key, day(2).toISOString()]]));
      const recorded = await store.recordedFindings('aws-iam', '111122223333', ['aws_iam_user_console_mfa_enabled'], { fromSeq: 2 });
      expect(recorded.map((f) => [f.runSeq, f.status, f.runStartedAt])).toEqual([
        [2, 'pass', day(1).toISOString()],
        [3, 'fail', day(2).toISOString()],
        [4, 'fail', day(3).toISOString()],
      ]);
      expect(await store.recordedFindings('aws-iam', '111122223333', [])).toEqual([]);
    });
  });

  describe(`${name} store: hash chain and identity`, () => {
    it('chains every run to the one before it', async ({ skip }) => {
      const { store } = await fresh(skip);
      const a = await storeRun(store, 0);
      const b = await storeRun(store, 1);
      expect(a.prevHash).toBe('0'.repeat(64));
      expect(b.prevHash).toBe(a.hash);
      expect(await store.verify()).toMatchObject({ ok: true, runs: 2, blobs: 2, problems: [] });
    });

    it('records what it holds, once, under a hash', async ({ skip }) => {
      const { store } = await fresh(skip);
      expect(await store.identity()).toMatchObject({ kind: 'real', recorded: true, intact: true, storeId: expect.stringMatching(/\S/) });
    });

    it('finds a kept chain head, and names one that is not in the chain', async ({ skip }) => {
      const { store } = await fresh(skip);
      const a = await storeRun(store, 0);
      await storeRun(store, 1);
      expect(await store.verify({ head: a.hash })).toMatchObject({ ok: true, head: { seq: 1, runsAfter: 1 } });
      const missing = await store.verify({ head: 'f'.repeat(64) });
      expect(missing.ok).toBe(false);
      expect(missing.problems[0]?.message).toMatch(/is not in the store/);
    });

    it('appends runs of concurrent writers to one chain, each run once', async ({ skip }) => {
      const { store, openWriter } = await fresh(skip);
      const other = await openWriter();
      await Promise.all(
        [store, other].flatMap((writer, w) =>
          [0, 1, 2].map(async (n) =>
            writer.finishRun(await writer.startRun(runStart(day(n), { scope: `scope-${w}` })), okOutcome(day(n), [userEvidence(`u${w}-${n}`)])),
          ),
        ),
      );
      const runs = await store.listRuns();
      expect(runs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await store.verify()).toMatchObject({ ok: true, runs: 6 });
    });
  });

  describe(`${name} store: abandoned runs`, () => {
    it('knows an earlier process that had the same pid (a restarted container) from this one', async ({ skip }) => {
      const { store, recordIntentOfAnotherProcess } = await fresh(skip);
      const now = new Date('2026-03-01T12:00:00Z');
      const future = '2026-03-01T13:00:00.000Z';
      const past = '2026-03-01T11:30:00.000Z';
      const intent = (id: string, pid: number, host: string, instance: string, deadline: string) =>
        recordIntentOfAnotherProcess({ id, started_at: '2026-03-01T11:00:00.000Z', pid, host, instance, deadline });
      await intent('same-pid-earlier-process', process.pid, hostname(), 'an-earlier-instance', future);
      await intent('other-host-before-deadline', 4242, 'another-host', 'x', future);
      await intent('other-host-past-deadline', 4242, 'another-host', 'y', past);
      // A live process (this one's parent) past the deadline: its pid was reused, or the run hung.
      await intent('live-pid-past-deadline', process.ppid, hostname(), 'z', past);
      const recovered = await store.recoverAbandonedRuns(now);
      expect(recovered.map((r) => r.id).sort()).toEqual(['live-pid-past-deadline', 'other-host-past-deadline', 'same-pid-earlier-process']);
      expect(recovered[0]).toMatchObject({ status: 'aborted', evidenceCount: 0, error: expect.stringMatching(/ended before the run finished/) });
      expect(await store.recoverAbandonedRuns(now)).toEqual([]);
      expect((await store.verify()).ok).toBe(true);
    });

    it('files a recovered run under the account its configured scope last resolved to', async ({ skip }) => {
      const { store, recordIntentOfAnotherProcess } = await fresh(skip);
      const resolved = await store.finishRun(
        await store.startRun(runStart(day(0), { scope: 'default' })),
        okOutcome(day(0), [userEvidence('a')], [], { resolvedScope: '111122223333', meta: { configuredScope: 'default' } }),
      );
      expect(resolved.scope).toBe('111122223333');
      await recordIntentOfAnotherProcess({
        id: 'crashed',
        scope: 'default',
        started_at: day(1).toISOString(),
        pid: 4242,
        host: 'old-container',
        instance: 'x',
        deadline: day(1).toISOString(),
      });
      const [recovered] = await store.recoverAbandonedRuns(day(2));
      expect(recovered).toMatchObject({ scope: '111122223333', status: 'aborted', meta: { configuredScope: 'default' } });
    });

    it('does not treat a run of a live process as abandoned', async ({ skip }) => {
      const { store } = await fresh(skip);
      await store.startRun(runStart(day(0)));
      expect(await store.recoverAbandonedRuns(new Date())).toEqual([]);
    });
  });

  describe(`${name} store: response cache`, () => {
    it('keeps the latest response per stream and key, outside the chain', async ({ skip }) => {
      const { store } = await fresh(skip);
      expect(await store.cachedResponse('github', 'acme', 'GET /orgs/acme')).toBeUndefined();
      await store.cacheResponse('github', 'acme', 'GET /orgs/acme', { etag: 'W/"1"', body: '{"login":"acme"}' });
      await store.cacheResponse('github', 'acme', 'GET /orgs/acme', { etag: 'W/"2"', body: 'x'.repeat(5000) });
      expect(await store.cachedResponse('github', 'acme', 'GET /orgs/acme')).toEqual({ etag: 'W/"2"', body: 'x'.repeat(5000) });
      expect(await store.cachedResponse('github', 'other', 'GET /orgs/acme')).toBeUndefined();
      expect(await store.verify()).toMatchObject({ ok: true, runs: 0 });
    });
  });

  describe(`${name} store: event populations`, () => {
    const event = (id: string, at: string, partition = 'us-east-1') => ({
      type: 'aws.cloudtrail.event',
      eventId: id,
      occurredAt: at,
      partition,
      schemaVersion: 1,
      data: { eventName: 'ConsoleLogin', id },
    });
    const window = (partition: string, from: string, to: string, complete = true) => ({
      partition,
      from,
      to,
      complete,
      ...(complete ? {} : { error: 'AccessDenied' }),
    });

    it('stores each event once across runs whose windows overlap, and records every window', async ({ skip }) => {
      const { store } = await fresh(skip);
      const first = await store.finishRun(
        await store.startRun(runStart(day(0))),
        okOutcome(day(0), [], [], {
          events: [event('e1', '2026-01-01T01:00:00Z'), event('e2', '2026-01-01T02:00:00Z')],
          windows: [window('us-east-1', '2025-12-31T03:00:00Z', '2026-01-01T03:00:00Z')],
        }),
      );
      const second = await store.finishRun(
        await store.startRun(runStart(day(1))),
        okOutcome(day(1), [], [], {
          events: [event('e2', '2026-01-01T02:00:00Z'), event('e3', '2026-01-02T01:00:00Z')],
          windows: [window('us-east-1', '2026-01-01T02:30:00Z', '2026-01-02T03:00:00Z')],
        }),
      );
      expect(first.eventCounts).toEqual({ read: 2, stored: 2, incompleteWindows: 0 });
      expect(second.eventCounts).toEqual({ read: 2, stored: 1, incompleteWindows: 0 });
      const population = await store.eventsOf('aws-iam', '111122223333', new Date('2026-01-01'), new Date('2026-01-03'));
      expect(population.map((e) => e.eventId)).toEqual(['e1', 'e2', 'e3']);
      expect(await store.windowsOf(second.seq)).toEqual([{ partition: 'us-east-1', from: '2026-01-01T02:30:00Z', to: '2026-01-02T03:00:00Z', complete: true }]);
      expect(await store.watermarks('aws-iam', '111122223333')).toEqual({ 'us-east-1': '2026-01-02T03:00:00Z' });
      expect((await store.verify()).ok).toBe(true);
      // The same population one at a time, by id, and the windows of a period.
      const iterated = [];
      for await (const item of store.iterateEvents('aws-iam', '111122223333', new Date('2026-01-01T01:30:00Z'), new Date('2026-01-03')))
        iterated.push(item.eventId);
      expect(iterated).toEqual(['e2', 'e3']);
      expect((await store.eventsById('aws-iam', '111122223333', ['e3', 'e1', 'nope'])).map((e) => e.eventId).sort()).toEqual(['e1', 'e3']);
      expect(await store.eventsById('aws-iam', '111122223333', [])).toEqual([]);
      expect(
        (await store.streamWindows('aws-iam', '111122223333', new Date('2026-01-01T02:45:00Z'), new Date('2026-01-01T02:50:00Z'))).map((w) => w.from),
      ).toEqual(['2025-12-31T03:00:00Z', '2026-01-01T02:30:00Z']);
    });

    it('keeps the watermark of a partition at its last complete window, so a hole is read again', async ({ skip }) => {
      const { store } = await fresh(skip);
      await store.finishRun(
        await store.startRun(runStart(day(0))),
        okOutcome(day(0), [], [], {
          events: [],
          windows: [window('us-east-1', '2025-12-31T03:00:00Z', '2026-01-01T03:00:00Z'), window('eu-west-1', '2025-12-31T03:00:00Z', '2026-01-01T03:00:00Z')],
        }),
      );
      const holed = await store.finishRun(
        await store.startRun(runStart(day(1))),
        okOutcome(day(1), [], [], {
          status: 'partial',
          events: [],
          windows: [
            window('us-east-1', '2026-01-01T03:00:00Z', '2026-01-02T03:00:00Z'),
            window('eu-west-1', '2026-01-01T03:00:00Z', '2026-01-02T03:00:00Z', false),
          ],
        }),
      );
      expect(holed.eventCounts.incompleteWindows).toBe(1);
      expect(await store.watermarks('aws-iam', '111122223333')).toEqual({ 'eu-west-1': '2026-01-01T03:00:00Z', 'us-east-1': '2026-01-02T03:00:00Z' });
    });

    it('refuses an event outside every window the run reports, leaving nothing behind', async ({ skip }) => {
      const { store } = await fresh(skip);
      const intent = await store.startRun(runStart(day(0)));
      await expect(
        store.finishRun(
          intent,
          okOutcome(day(0), [], [], {
            events: [event('e1', '2026-01-01T01:00:00Z', 'ap-south-1')],
            windows: [window('us-east-1', '2025-12-31T03:00:00Z', '2026-01-01T03:00:00Z')],
          }),
        ),
      ).rejects.toThrow(/partition ap-south-1, for which the run reports no window/);
      expect(await store.stats()).toMatchObject({ runs: 0, blobs: 0 });
    });
  });

  describe(`${name} store: findings of a period, read run after run`, () => {
    it('gives every run the same findings whether read in order (from the previous state) or alone', async ({ skip }) => {
      const { store, openReader } = await fresh(skip);
      // Two streams interleaved; names come and go (added ones sort before existing ones), statuses flip.
      const seqs: number[] = [];
      for (let n = 0; n < 12; n++) {
        for (const scope of ['111122223333', '444455556666']) {
          const names = ['bob', 'dave', 'erin', ...(n % 3 === 0 ? [] : ['alice']), ...(n >= 5 ? ['carol', 'zoe'] : [])].filter(
            (name) => !(n === 8 && name === 'dave'),
          );
          const intent = await store.startRun(runStart(new Date(day(n).getTime() + (scope === '111122223333' ? 0 : 60_000)), { scope }));
          const findings = names.map((name, i) => finding(name, (i + n) % 3 === 0 ? 'fail' : 'pass'));
          const run = await store.finishRun(
            intent,
            okOutcome(
              day(n),
              names.map((name) => userEvidence(name)),
              findings,
              { resolvedScope: scope },
            ),
          );
          seqs.push(run.seq);
        }
      }
      const inOrder = [];
      for (const seq of seqs) inOrder.push(await store.findingsOf(seq));
      // Backwards, then alone in a fresh store: no state carried from one read to the next.
      const backwards = [];
      for (const seq of [...seqs].reverse()) backwards.push(await store.findingsOf(seq));
      const alone = [];
      for (const seq of seqs) {
        const reader = await openReader();
        alone.push(await reader.findingsOf(seq));
        await reader.close();
      }
      expect(inOrder).toEqual(alone);
      expect(backwards.reverse()).toEqual(alone);
      expect(alone[12]!.map((f) => f.resourceId.split('/')[1])).toEqual(['bob', 'carol', 'dave', 'erin', 'zoe']);
      expect(alone[16]!.map((f) => f.resourceId.split('/')[1])).toEqual(['alice', 'bob', 'carol', 'erin', 'zoe']);
    });
  });
}
