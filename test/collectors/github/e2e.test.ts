// The github collector end to end over the simulated organization (served through nock, so the real
// Octokit builds and parses every request) with the real runner and store: two runs over a growing
// change history store each merged change once and their windows join; a second run over an unchanged
// organization of 200 repositories is nearly free against the rate limit (ETags kept in the store).
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubChecks } from '../../../collectors/github/checks/index.js';
import { collectGitHub } from '../../../collectors/github/collect.js';
import { github } from '../../../collectors/github/index.js';
import { PARTITIONS, githubOptionsSchema } from '../../../collectors/github/schema.js';
import type { GitHubOptions } from '../../../collectors/github/schema.js';
import type { ClientEnvironment, Collector } from '../../../src/collector.js';
import { demoGitHubOptions } from '../../../collectors/github/demo.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';
import { silentLogger } from '../../../src/logging.js';
import { runCollectors } from '../../../src/runner.js';
import { GitHubSandbox, MEMBERS_WITHOUT_SAML_IDENTITY, SANDBOX_ORG, SPECIAL_REPOSITORIES } from '../../../sandbox/github/index.js';
import { openStore } from '../../../src/store/index.js';
import type { EvidenceStore } from '../../../src/store/types.js';
import { contextFor } from '../../helpers/collect-context.js';
import { serveGitHubSandbox } from '../../helpers/github-sandbox-nock.js';
import { tempDbPath } from '../../helpers/store-fixtures.js';

const API = 'https://api.github.com';
const DAY = 86_400_000;
const END = new Date('2026-03-31T00:00:00Z');
const ENVIRONMENT: ClientEnvironment = { github: { baseUrl: API, retryAfterBaseMs: 1, unlimitedRate: true } };

const serve = serveGitHubSandbox;

const options = (): GitHubOptions => githubOptionsSchema.parse({ auth: { token: 'sandbox-token' }, orgs: [SANDBOX_ORG] });

async function runAt(store: EvidenceStore, at: Date) {
  const batch = await runCollectors([{ collector: github as Collector<unknown>, options: options() }], {
    store,
    logger: silentLogger(),
    agentVersion: 'test',
    mappingVersion: 'test',
    configDigest: 'test',
    now: () => at,
    clientEnvironment: ENVIRONMENT,
  });
  expect(batch.unrecorded).toEqual([]);
  return batch.runs[0]!;
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('github end to end', () => {
  it('stores every change once over two runs of a growing history, in windows that join', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END, historyDays: 120 });
    let now = new Date(END.getTime() - 10 * DAY);
    serve(sandbox, () => now);
    const store = openStore(tempDbPath());
    try {
      const first = await runAt(store, now);
      now = new Date(END.getTime());
      const second = await runAt(store, now);
      expect([first.status, second.status]).toEqual(['ok', 'ok']);
      const windows = [...(await store.windowsOf(first.seq)), ...(await store.windowsOf(second.seq))];
      for (const partition of Object.values(PARTITIONS)) {
        const [a, b] = windows.filter((w) => w.partition === partition);
        expect(a!.complete && b!.complete).toBe(true);
        expect(b!.from).toBe(a!.to);
      }
      expect(second.eventCounts.read).toBeGreaterThan(0);
      expect(second.eventCounts.stored).toBe(second.eventCounts.read);

      // The same span read in one go, with no store, finds exactly the stored changes.
      const from = new Date(windows[0]!.from);
      const stored = await store.eventsOf('github', SANDBOX_ORG, from, new Date(windows.at(-1)!.to));
      const { ctx } = contextFor(github, options(), {
        now,
        clientEnvironment: ENVIRONMENT,
        watermarks: { [PARTITIONS.pullRequests]: from.toISOString(), [PARTITIONS.pushes]: from.toISOString() },
      });
      const oneShot = await collectGitHub(ctx);
      const ids = (events: { eventId: string }[]) => events.map((e) => e.eventId).sort();
      expect(ids(stored)).toEqual(ids(oneShot.events!));
      expect(new Set(ids(stored)).size).toBe(stored.length);
      expect(stored.length).toBe(first.eventCounts.stored + second.eventCounts.stored);
      // The planted changes are in the population, but for the merge into a release branch.
      for (const change of sandbox.specialChanges) {
        const id = change.number === null ? `${change.repository}@${change.commit}` : `${change.repository}#${change.number}`;
        expect(ids(stored).includes(id)).toBe(change.kind !== 'non-default-base');
      }
    } finally {
      await store.close();
    }
  });

  it('spends at most 10 charged requests on a second run over an unchanged org of 200 repositories, and none is rate limited', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END, repositories: 200, historyDays: 30, pullRequestsPerDay: 20 });
    const now = new Date(END.getTime() - DAY / 2);
    const counted = serve(sandbox, () => now);
    const store = openStore(tempDbPath());
    try {
      const first = await runAt(store, now);
      const firstCharged = counted.charged;
      const second = await runAt(store, now);
      const charged = counted.charged - firstCharged;
      // What the collector recorded matches what the server saw.
      expect(second.meta['chargedRequests']).toBe(charged);
      expect(charged).toBeLessThanOrEqual(10);
      expect(second.meta['requests']).toBeGreaterThan(200);
      expect(first.meta['chargedRequests']).toBeGreaterThan(400);
      // The sandbox refused nothing: no request was rate limited (every charged one was counted so before).
      expect([first.meta['rateLimitedRequests'], second.meta['rateLimitedRequests']]).toEqual([0, 0]);
      expect(second.evidenceCount).toBe(first.evidenceCount);
      expect(second.changes).toEqual({ added: 0, changed: 0, removed: 0 });
      console.log(
        `github 200 repositories: run 1 ${first.meta['requests']} requests (${first.meta['chargedRequests']} charged), run 2 ${second.meta['requests']} (${charged} charged)`,
      );
    } finally {
      await store.close();
    }
  });
});

describe('the demo organization', () => {
  it('fails each access check at least once, and each planted approval case, with the demo settings', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END });
    serve(sandbox, () => END);
    const options = demoGitHubOptions();
    const { ctx } = contextFor(github, options, { now: END, clientEnvironment: ENVIRONMENT });
    const result = await collectGitHub(ctx);
    expect(result.errors).toEqual([]);
    const findings = evaluateChecks(githubChecks, result.evidence, result.errors, options, END, SANDBOX_ORG, result.events ?? []).findings;
    const of = (checkId: string, status: string) => findings.filter((f) => f.checkId === checkId && f.status === status).map((f) => f.resourceId);
    const org = (name: string) => `${SANDBOX_ORG}/${name}`;

    expect(of('github_org_outside_collaborators_not_privileged', 'fail')).toEqual([org('avasquez-contractor')]);
    expect(of('github_org_outside_collaborators_not_privileged', 'pass')).toEqual([org('jlee-consulting')]);
    expect(of('github_repo_admins_limited', 'fail')).toEqual([org(SPECIAL_REPOSITORIES.writeDeployKey), org(SPECIAL_REPOSITORIES.mixed)]);
    expect(of('github_repo_admins_limited', 'pass')).toEqual([org(SPECIAL_REPOSITORIES.rulesetOnly)]);
    expect(of('github_actions_workflow_permissions_restricted', 'fail')).toEqual([
      SANDBOX_ORG,
      org(SPECIAL_REPOSITORIES.mixed),
      org(SPECIAL_REPOSITORIES.unprotected),
    ]);
    expect(of('github_org_saml_sso_enforced', 'fail')).toEqual([SANDBOX_ORG]);
    expect(findings.find((f) => f.checkId === 'github_org_saml_sso_enforced')?.message).toContain(
      `no linked SAML identity, so sign-in through it is not enforced: ` + `${MEMBERS_WITHOUT_SAML_IDENTITY.join(', ')}.`,
    );

    // Each planted approval case fails the approval check, for its own reason.
    const approval = (kind: string) => {
      const change = sandbox.specialChanges.find((c) => c.kind === kind)!;
      return findings.find((f) => f.checkId === 'github_pull_request_independently_approved' && f.resourceId === `${change.repository}#${change.number}`)!;
    };
    expect(approval('withdrawn-approval')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/withdrew the approval and requested changes at .*\(protection bypassed\)\.$/),
    });
    expect(approval('approved-after-merge')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/only after the merge .*\(protection bypassed\)\.$/),
    });
    expect(approval('bot-approved')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('approved by github-actions (Bot), a GitHub App, not a person'),
    });
    expect(approval('co-author-approved')).toMatchObject({ status: 'fail', message: expect.stringContaining('a co-author of its commits') });
    expect(approval('approved-before-later-commit')).toMatchObject({ status: 'fail', message: expect.stringContaining('(1 commit after it not reviewed)') });
    // Nothing else fails it: ordinary changes have enough independent approvals of their head before the merge.
    const planted = [
      'self-approved',
      'approved-before-later-commit',
      'admin-bypass',
      'dismissed-and-commented',
      'withdrawn-approval',
      'approved-after-merge',
      'bot-approved',
      'co-author-approved',
    ];
    const expected = sandbox.specialChanges
      .filter((c) => planted.includes(c.kind) && Date.parse(c.at) >= END.getTime() - 90 * DAY)
      .map((c) => `${c.repository}#${c.number}`);
    expect(of('github_pull_request_independently_approved', 'fail').sort()).toEqual(expected.sort());
    expect(of('github_pull_request_independently_approved', 'pass').length).toBeGreaterThan(100);
  });
});
