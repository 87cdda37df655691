// Scopes found at run time (CollectResult.discovered): the runner runs each as a stream of its own, never
// more than `concurrency` at once; a scope that fails is a failed run, the others go on; the discovering
// run's list is not judged by the collector's checks; a failed discovery runs no scope it could not list.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CheckDefinition, CollectContext, CollectResult, Collector } from '../src/collector.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/index.js';
import { tempDbPath } from './helpers/store-fixtures.js';

interface Options {
  timeoutSeconds: number;
}

const everyDocumentFails: CheckDefinition<Options> = {
  id: 'fake_svc_document_present',
  title: 'Fails every document',
  severity: 'high',
  description: 'Fails whatever it is given, so a judged discovery list would show.',
  remediation: 'None.',
  resourceTypes: ['fake.document'],
  evaluate: (view) =>
    view.all('fake.document').map((d) => ({ resourceType: d.type, resourceId: d.resourceId, status: 'fail', message: `Document ${d.resourceId} fails.` })),
};

const document = (id: string) => ({ type: 'fake.document', resourceId: id, schemaVersion: 1, data: { id } });

function discoveringCollector(discover: () => Promise<CollectResult>, member: (key: string) => Promise<CollectResult>): Collector<Options> {
  return {
    id: 'fake-org',
    title: 'fake',
    optionsSchema: z.object({ timeoutSeconds: z.number() }),
    permissions: [],
    checks: [everyDocumentFails],
    defaultSchedule: '0 3 * * *',
    scopes: () => [{ key: 'organization', settings: {} }],
    collect: (ctx: CollectContext<Options>) => (ctx.scope.key === 'organization' ? discover() : member(ctx.scope.key)),
  };
}

let store: EvidenceStore;
afterEach(async () => store?.close());

async function run(collector: Collector<Options>) {
  store = openStore(tempDbPath());
  return runCollectors([{ collector: collector as Collector<unknown>, options: { timeoutSeconds: 60 } }], {
    store,
    logger: silentLogger(),
    agentVersion: 'test',
    mappingVersion: 'm1',
    configDigest: 'c1',
  });
}

describe('discovered scopes', () => {
  it('runs each discovered scope as its own stream, at most `concurrency` at once, a failure a failed run', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `10000000000${i}`);
    let running = 0;
    let most = 0;
    const collector = discoveringCollector(
      async () => ({
        evidence: [document('list')],
        errors: [],
        resolvedScope: 'o-fake',
        discovered: { scopes: keys.map((key) => ({ key, settings: {} })), concurrency: 3 },
      }),
      async (key) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        if (key === keys[2]) throw new Error('AccessDenied: not authorized to perform: sts:AssumeRole');
        return { evidence: [document(key)], errors: [] };
      },
    );
    const { runs, unrecorded } = await run(collector);
    expect(unrecorded).toEqual([]);
    expect(most).toBe(3);
    expect(runs).toHaveLength(8);
    const discovery = runs.find((r) => r.scope === 'o-fake')!;
    // The list itself is evidence, and no check judged it.
    expect(discovery.status).toBe('ok');
    expect(discovery.evidenceCount).toBeGreaterThan(0);
    expect(discovery.findingCounts).toEqual({ pass: 0, fail: 0, error: 0, not_applicable: 0 });
    const failed = runs.find((r) => r.scope === keys[2])!;
    expect(failed).toMatchObject({ status: 'failed', error: 'AccessDenied: not authorized to perform: sts:AssumeRole' });
    // Each member's own run is judged.
    expect(runs.find((r) => r.scope === keys[0])!.findingCounts.fail).toBe(1);
    expect((await store.verify()).ok).toBe(true);
  });

  it('runs nothing more when the discovery itself fails: that run is the gap', async () => {
    let members = 0;
    const collector = discoveringCollector(
      async () => {
        throw new Error("AccessDeniedException: You don't have permissions to access this resource.");
      },
      async () => {
        members += 1;
        return { evidence: [], errors: [] };
      },
    );
    const { runs } = await run(collector);
    expect(members).toBe(0);
    expect(runs).toEqual([
      expect.objectContaining({ scope: 'organization', status: 'failed', error: "AccessDeniedException: You don't have permissions to access this resource." }),
    ]);
  });
});
