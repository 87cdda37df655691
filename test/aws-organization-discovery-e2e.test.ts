// Account discovery end to end: aws-iam configured with `organization`, the real SDK against the sandbox's
// organisation, through the runner into the store. The discovery run records the account list; each active
// member account is a run of its own; the account whose role cannot be assumed is a failed run naming the
// cause; the suspended account is listed, never collected; an account leaving is an event and a population row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsIam } from '../collectors/aws-iam/index.js';
import { awsIamOptionsSchema } from '../collectors/aws-iam/schema.js';
import type { Collector } from '../src/collector.js';
import { loadFrameworks } from '../src/agent.js';
import { buildDigest, DEFAULT_SLA_DAYS } from '../src/digest/build.js';
import { silentLogger } from '../src/logging.js';
import { buildPopulation } from '../src/reports/population.js';
import { runCollectors } from '../src/runner.js';
import { SecretRegistry } from '../src/redaction.js';
import {
  JOINING_ACCOUNT_ID,
  LEAVING_ACCOUNT_ID,
  MANAGEMENT_ACCOUNT_ID,
  SANDBOX_EXTERNAL_ID,
  SANDBOX_MEMBER_ROLE,
  SANDBOX_ORG_ID,
  startSandbox,
  SUSPENDED_ACCOUNT_ID,
  UNASSUMABLE_ACCOUNT_ID,
  WORKLOADS_OU_ID,
} from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore, RunRecord } from '../src/store/types.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const END = new Date('2026-06-30T00:00:00Z');
const DAY = 86_400_000;
const at = (offset: number) => new Date(END.getTime() + offset * DAY + 6 * 3_600_000);

describe('AWS account discovery over the sandbox organisation', () => {
  let sandbox: Sandbox;
  let store: EvidenceStore;
  beforeAll(async () => {
    sandbox = await startSandbox({ historyEnd: END, organization: { pageSize: 3 } });
    store = openStore(tempDbPath());
  });
  afterAll(async () => {
    await store.close();
    await sandbox.close();
  });

  const options = (organization: Record<string, unknown> = {}) =>
    awsIamOptionsSchema.parse({
      organization: {
        managementAccount: { roleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/${SANDBOX_MEMBER_ROLE}`, externalId: SANDBOX_EXTERNAL_ID },
        memberRoleName: SANDBOX_MEMBER_ROLE,
        externalId: SANDBOX_EXTERNAL_ID,
        concurrency: 3,
        ...organization,
      },
      credentialReport: { pollIntervalMs: 5 },
    });
  const collectAt = async (when: Date, opts: ReturnType<typeof options>) => {
    sandbox.setDate(when);
    const batch = await runCollectors([{ collector: awsIam as Collector<unknown>, options: opts }], {
      store,
      logger: silentLogger(),
      agentVersion: 'test',
      mappingVersion: 'test',
      configDigest: 'test',
      // As a config file registers them: the external id is a secret field.
      secrets: (() => {
        const registry = new SecretRegistry();
        registry.register(SANDBOX_EXTERNAL_ID);
        return registry;
      })(),
      now: () => when,
      clientEnvironment: {
        aws: {
          endpoint: sandbox.endpoint,
          credentials: { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake' },
          maxAttempts: 1,
          unlimitedRate: true,
        },
      },
    });
    expect(batch.unrecorded).toEqual([]);
    return batch.runs;
  };
  const byScope = (runs: RunRecord[]) => new Map(runs.map((r) => [r.scope, r]));

  it('lists the organisation, collects each active account, fails the one whose role refuses, skips the suspended one', async () => {
    const runs = await collectAt(at(-8), options());
    const scopes = byScope(runs);
    const discovery = scopes.get(SANDBOX_ORG_ID)!;
    expect(discovery.status).toBe('ok');
    expect(discovery.findingCounts).toEqual({ pass: 0, fail: 0, error: 0, not_applicable: 0 });
    // 8 accounts on that day (the leaving one still in), 1 suspended: 7 runs, one of them failed.
    expect([...scopes.keys()].filter((s) => s !== SANDBOX_ORG_ID).sort()).toEqual(
      [
        MANAGEMENT_ACCOUNT_ID,
        '111122223333',
        '222233334444',
        '333344445555',
        '555566667777',
        JOINING_ACCOUNT_ID,
        UNASSUMABLE_ACCOUNT_ID,
        LEAVING_ACCOUNT_ID,
      ].sort(),
    );
    expect(scopes.has(SUSPENDED_ACCOUNT_ID)).toBe(false);
    const refused = scopes.get(UNASSUMABLE_ACCOUNT_ID)!;
    expect(refused.status).toBe('failed');
    expect(refused.error).toContain(
      `is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${UNASSUMABLE_ACCOUNT_ID}:role/${SANDBOX_MEMBER_ROLE}`,
    );
    // The member runs assume their role with the configured external id, a secret of the config (it was
    // redacted from the discovered scopes before they ran: every member run failed with AccessDenied).
    expect(scopes.get('222233334444')!.error).toBeNull();
    expect(scopes.get('222233334444')!.status).toBe('ok');
    // A member's evidence is its own account's, not the workload account's.
    const staging = await store.evidenceOf(scopes.get('222233334444')!.seq);
    expect(staging.filter((d) => d.type === 'aws.iam.role').every((d) => d.resourceId.startsWith('arn:aws:iam::222233334444:'))).toBe(true);

    // The organisation's accounts are the company's own, not third parties: each member's
    // OrganizationAccountAccessRole trusts the management account without an external id, as AWS makes it.
    const trust = (await store.findingsOf(scopes.get('222233334444')!.seq)).filter((f) => f.checkId === 'aws_iam_role_trust_restricted');
    expect(trust.find((f) => f.resourceId.endsWith(':role/OrganizationAccountAccessRole'))).toMatchObject({
      status: 'pass',
      message: `Role OrganizationAccountAccessRole can be assumed only by own account ${MANAGEMENT_ACCOUNT_ID}.`,
    });
    // ... while the vendor's account, outside the organisation, still is one.
    expect(trust.find((f) => f.resourceId.endsWith(':role/vendor-monitoring'))).toMatchObject({
      status: 'fail',
      message: 'Role vendor-monitoring lets third-party account 210987654321 assume it without requiring sts:ExternalId (statement #1).',
    });

    const listed = (await store.evidenceOf(discovery.seq)).filter((d) => d.type === 'aws.organizations.account');
    expect(listed).toHaveLength(9);
    const suspended = listed.find((d) => (d.data as { id: string }).id === SUSPENDED_ACCOUNT_ID)!.data;
    expect(suspended).toMatchObject({ state: 'SUSPENDED', collect: false, skipped: 'suspended: only ACTIVE accounts are collected' });
    expect((await store.verify()).ok).toBe(true);
  });

  it('records an account that left as an event and a population row, and a join with its JoinedTimestamp', async () => {
    const runs = await collectAt(at(-2), options());
    const discovery = byScope(runs).get(SANDBOX_ORG_ID)!;
    expect(byScope(runs).has(LEAVING_ACCOUNT_ID)).toBe(false);
    const population = await buildPopulation(store, 'aws-iam', awsIam.populations![0]!, new Date(END.getTime() - 30 * DAY), END);
    const left = population.rows.filter((r) => r.change === 'left');
    expect(left.map((r) => r.account_id)).toEqual([LEAVING_ACCOUNT_ID]);
    expect(left[0]!.occurred_at).toBe(at(-2).toISOString());
    expect(left[0]!.last_listed_at).toBe(at(-8).toISOString());
    const joined = population.rows.filter((r) => r.change === 'joined');
    expect(joined.map((r) => r.account_id)).toEqual([JOINING_ACCOUNT_ID]);
    expect(joined[0]!.occurred_at).toBe(new Date(END.getTime() - 12 * DAY + 14 * 3_600_000).toISOString());
    expect(discovery.eventCounts.stored).toBe(1);
    // The account list changed: the departure is drift of the discovery stream.
    expect(discovery.changes.removed).toBe(1);

    // The week's digest: the account is gone from the discovery stream, and the population says when.
    const digest = await buildDigest(store, {
      from: '2026-06-23',
      to: '2026-06-28',
      label: 'test week',
      timeZone: 'UTC',
      frameworks: loadFrameworks().frameworks,
      collectors: [awsIam],
      cadenceDays: () => 1,
      slaDays: DEFAULT_SLA_DAYS,
    });
    expect(digest.removedResources).toContainEqual({
      collector: 'aws-iam',
      scope: SANDBOX_ORG_ID,
      type: 'aws.organizations.account',
      resourceId: `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:account/${SANDBOX_ORG_ID}/${LEAVING_ACCOUNT_ID}`,
    });
    expect(digest.populations.find((p) => p.id === 'aws-org-accounts')?.notable).toEqual([
      `${SANDBOX_ORG_ID}: left ${LEAVING_ACCOUNT_ID} (old-experiment) at ${at(-2).toISOString()}`,
    ]);
  });

  it('collects only the accounts under an included OU, its child OU included, minus an excluded account', async () => {
    const runs = await collectAt(at(-1), options({ include: { ous: [WORKLOADS_OU_ID] }, exclude: { accounts: ['111122223333'] } }));
    const members = runs
      .filter((r) => r.scope !== SANDBOX_ORG_ID)
      .map((r) => r.scope)
      .sort();
    expect(members).toEqual(['222233334444', JOINING_ACCOUNT_ID, UNASSUMABLE_ACCOUNT_ID].sort());
  });
});
