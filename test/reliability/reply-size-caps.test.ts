// Replies larger than any real one: each API's decoded replies are capped (GitHub REST 16 MiB, GraphQL
// 32 MiB; IAM and CloudTrail 32 MiB, STS 1 MiB). Through the real SDKs and the real runner: the read fails
// at once, not retried (the same reply would come back), naming the cap; what it hid gets `error`
// findings. And in a process of its own, against a real HTTP server: a 3 MB gzip reply that inflates to
// 3 GB for /orgs/{org}/members, and an IAM reply that never ends, fail in seconds with bounded memory.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVIDENCE as CLOUDTRAIL } from '../../collectors/aws-cloudtrail/schema.js';
import { EVIDENCE as GITHUB } from '../../collectors/github/schema.js';
import { demoCloudTrailOptions } from '../../collectors/aws-cloudtrail/demo.js';
import { demoGitHubOptions } from '../../collectors/github/demo.js';
import { SANDBOX_ACCOUNT_ID } from '../../sandbox/index.js';
import { SANDBOX_ORG } from '../../sandbox/github/index.js';
import { spawnTs } from '../helpers/child-process.js';
import { AWS_JSON, expectFaultHandled, expectRequests, fault, XML } from '../helpers/api-faults.js';
import type { FaultCase, Intercept } from '../helpers/api-faults.js';
import { collect, configured, useFaultBench } from '../helpers/fault-harness.js';

const bench = useFaultBench();
const MiB = 1024 * 1024;
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** A JSON list of `bytes` bytes, well formed: only its size is wrong. */
const hugeJsonList = (bytes: number) => `[${'{"login":"someone","id":1},'.repeat(Math.ceil(bytes / 27))}{"login":"last","id":2}]`;

const githubGet =
  (path: string): Intercept =>
  (scope, active) =>
    // nock asks with the path, then with its query string.
    scope.get((p: string) => active() && p.split('?')[0] === `/api/v3${path}`);
const githubGraphql =
  (operation: string): Intercept =>
  (scope, active) =>
    scope.post('/api/graphql', (body: { query?: string }) => active() && String(body.query).includes(`query ${operation}`));
const awsQuery =
  (action: string): Intercept =>
  (scope, active) =>
    scope.post('/', (body: Record<string, string>) => active() && body['Action'] === action);
const cloudTrail =
  (operation: string, region: string): Intercept =>
  (scope, active) =>
    scope
      .post('/', () => active())
      .matchHeader('x-amz-target', `CloudTrail_20131101.${operation}`)
      .matchHeader('authorization', (value: string) => value.includes(`/${region}/cloudtrail/`));

const ORG = SANDBOX_ORG;
const githubOptions = { changes: { ...demoGitHubOptions().changes, enabled: false } };

const cases: (FaultCase & { collector: 'github' | 'aws-iam' | 'aws-cloudtrail' })[] = [
  {
    collector: 'github',
    name: 'GitHub REST: a member list of 20 MiB',
    inject: (o) => fault(githubGet(`/orgs/${ORG}/members`), o, () => [200, hugeJsonList(20 * MiB), JSON_TYPE]),
    status: 'partial',
    reason: /GET \/orgs\/example-co\/members[^;]*: the reply is larger than 16 MiB once decoded \(the cap for GitHub REST replies\): read stopped there/,
    // The organization's checks that need its people.
    affected: [{ id: ORG, checks: ['github_org_owners_limited', 'github_org_two_factor_required', 'github_org_base_permission_restricted'] }],
    // Each of the three member reads (all, admins, without 2FA) once: none retried.
    requests: 3,
    options: githubOptions,
  },
  {
    collector: 'github',
    name: 'GitHub GraphQL: repository details of 40 MiB',
    inject: (o) => fault(githubGraphql('EvidenceRepositoryDetails'), o, () => [200, JSON.stringify({ data: { padding: 'x'.repeat(40 * MiB) } }), JSON_TYPE]),
    status: 'partial',
    reason: /GraphQL EvidenceRepositoryDetails for example-co: the reply is larger than 32 MiB once decoded \(the cap for GitHub GraphQL replies\)/,
    affected: [{ id: `${ORG}/payments-api`, type: GITHUB.repositoryDetails }],
    requests: 1,
    options: githubOptions,
  },
  {
    collector: 'aws-iam',
    name: 'IAM: a GetAccountAuthorizationDetails page of 40 MiB',
    inject: (o) =>
      fault(awsQuery('GetAccountAuthorizationDetails'), o, () => [
        200,
        `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><UserDetailList>${'<member><UserName>u</UserName></member>'.repeat((40 * MiB) / 40)}</UserDetailList></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>`,
        XML,
      ]),
    status: 'failed',
    reason: /^ReplyTooLargeError: the reply to IAM GetAccountAuthorizationDetails is larger than 32 MiB \(the cap for IAM replies\): read stopped there$/,
    requests: 1,
  },
  {
    collector: 'aws-iam',
    name: 'STS: a GetCallerIdentity reply of 2 MiB',
    inject: (o) => fault(awsQuery('GetCallerIdentity'), o, () => [200, `<GetCallerIdentityResponse>${' '.repeat(2 * MiB)}</GetCallerIdentityResponse>`, XML]),
    status: 'failed',
    reason: /the reply to STS GetCallerIdentity is larger than 1 MiB \(the cap for STS replies\)/,
    requests: 1,
  },
  {
    collector: 'aws-cloudtrail',
    name: 'CloudTrail: a LookupEvents page of 40 MiB in us-east-1',
    inject: (o) =>
      fault(cloudTrail('LookupEvents', 'us-east-1'), o, () => [
        200,
        JSON.stringify({ Events: [{ EventId: 'e', CloudTrailEvent: 'x'.repeat(40 * MiB) }] }),
        AWS_JSON,
      ]),
    status: 'partial',
    reason: /LookupEvents \S+ in us-east-1: .*the reply to CloudTrail LookupEvents is larger than 32 MiB/,
    affected: [{ type: CLOUDTRAIL.regionEvents, id: `arn:aws:cloudtrail:us-east-1:${SANDBOX_ACCOUNT_ID}:region` }],
    requests: 1,
    options: { events: { ...demoCloudTrailOptions().events, enabled: true, backfillDays: 2 } },
  },
];

describe('replies over the cap, through the real SDKs', () => {
  it.each(cases)('$name: the read fails at once, naming the cap', async (c) => {
    const counter = c.inject(bench.origin);
    const { run, findings, elapsedMs } = await collect(bench, [configured(c.collector, c.options ?? {})]);
    expectFaultHandled(run, findings, { status: c.status, reason: c.reason, affected: c.affected ?? [] });
    expectRequests(counter, c.requests);
    expect(elapsedMs).toBeLessThan(20_000);
  });
});

interface BombResult {
  outcome: 'failed' | 'read' | 'rss-exceeded';
  message?: string;
  elapsedMs: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  servedMiB: number;
  requests: number;
}

async function bomb(target: 'github' | 'aws'): Promise<BombResult> {
  const { done } = spawnTs(join(process.cwd(), 'test/helpers/reply-bomb-child.ts'), [target]);
  const result = await done;
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  expect(line, result.stderr).toMatch(/^\{/);
  return JSON.parse(line) as BombResult;
}

// The child stops itself (outcome rss-exceeded) past 1 GiB, the memory limit docs/deploy.md sets: without
// the cap the members read took 9.1 GB. With it, the read costs a few times the cap on top of the process
// (both ends of the connection live in the child; buffers wait for the collector): on a quiet machine
// 25-45 MiB for GitHub and 70-75 MiB for IAM on Node 20, 22 and 24, and once 173 MiB for IAM on a loaded
// CI machine, where the collector ran late. The bound is a quarter of the limit: far from unbounded.
const GROWTH_BOUND_MIB = 256;

describe('decompression and endless bombs, in a process of its own', () => {
  it('GitHub: a 3 MB gzip members page that inflates to 3 GB fails in seconds, memory bounded', async () => {
    const result = await bomb('github');
    expect(result.outcome, JSON.stringify(result)).toBe('failed');
    expect(result.message).toMatch(/the reply is larger than 16 MiB once decoded \(the cap for GitHub REST replies\)/);
    expect(result.peakRssMiB - result.rssBeforeMiB, JSON.stringify(result)).toBeLessThan(GROWTH_BOUND_MIB);
    expect(result.requests).toBe(1);
    expect(result.elapsedMs).toBeLessThan(15_000);
  }, 120_000);

  it('AWS: an IAM reply that never ends fails in seconds, memory bounded', async () => {
    const result = await bomb('aws');
    expect(result.outcome, JSON.stringify(result)).toBe('failed');
    expect(result.message).toMatch(/the reply to IAM GetAccountAuthorizationDetails is larger than 32 MiB/);
    expect(result.peakRssMiB - result.rssBeforeMiB, JSON.stringify(result)).toBeLessThan(GROWTH_BOUND_MIB);
    expect(result.requests).toBe(1);
    // Read no further than the cap and what the sockets held: the server saw the connection go.
    expect(result.servedMiB).toBeLessThan(200);
    expect(result.elapsedMs).toBeLessThan(15_000);
  }, 120_000);
});
