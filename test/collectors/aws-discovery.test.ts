// Account discovery against nock: the real SDK serialises Organizations' JSON 1.1 requests and STS's query
// requests and parses replies in the shapes of the API reference (ListAccounts' Accounts with State,
// JoinedMethod and epoch-second JoinedTimestamp; NextToken on every list). Every list is read across pages;
// OU filters walk child OUs; suspended accounts are listed, not collected; AccessDenied names its cause.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { awsIam } from '../../collectors/aws-iam/index.js';
import { awsIamOptionsSchema } from '../../collectors/aws-iam/schema.js';
import type { AwsIamOptions } from '../../collectors/aws-iam/schema.js';
import { ORGANIZATION_SCOPE } from '../../collectors/_aws/organization.js';
import type { CollectResult, StoredDocument } from '../../src/collector.js';
import { contextFor, isolateFromHostAws } from '../helpers/collect-context.js';

const ORGANIZATIONS = 'https://organizations.us-east-1.amazonaws.com';
const STS = 'https://sts.us-east-1.amazonaws.com';
const MANAGEMENT = '111111111111';
const ORG_ID = 'o-exampleorg1';
const PROD_OU = 'ou-ab12-prod0001';
const TEAMS_OU = 'ou-ab12-teams001';
const SANDBOX_OU = 'ou-ab12-sandbox1';
const NOW = new Date('2026-12-07T06:00:00Z');
const FAKE_CREDENTIALS = { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake-secret-access-key' };
const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1' };
const XML_HEADERS = { 'content-type': 'text/xml' };

isolateFromHostAws(['AWS_ENDPOINT_URL_ORGANIZATIONS', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_IAM']);

const fixture = (name: string) => readFileSync(new URL(`../fixtures/aws-iam/${name}`, import.meta.url), 'utf8');

/** An account as Organizations lists it since September 2026: State, no Status. */
const account = (id: string, name: string, state = 'ACTIVE', joined = 1_700_000_000) => ({
  Id: id,
  Arn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG_ID}/${id}`,
  Email: `aws+${name}@example.com`,
  Name: name,
  State: state,
  JoinedMethod: 'CREATED',
  JoinedTimestamp: joined,
});

function organizations(operation: string, matches: (body: Record<string, unknown>) => boolean, reply: unknown, status = 200) {
  return nock(ORGANIZATIONS)
    .matchHeader('x-amz-target', `AWSOrganizationsV20161128.${operation}`)
    .matchHeader('content-type', 'application/x-amz-json-1.1')
    .post('/', (body: Record<string, unknown>) => matches(body))
    .reply(status, reply as nock.Body, JSON_HEADERS);
}

/** A list in two pages: the first asks MaxResults 20 and gets a token; the second sends it back. */
function pagedList(operation: string, key: string, request: Record<string, unknown>, first: unknown[], second: unknown[]) {
  const token = `${operation}-page-2`;
  const same = (body: Record<string, unknown>) => Object.entries(request).every(([k, v]) => body[k] === v) && body.MaxResults === 20;
  organizations(operation, (body) => same(body) && body.NextToken === undefined, { [key]: first, NextToken: token });
  organizations(operation, (body) => same(body) && body.NextToken === token, { [key]: second });
}

function describeOrganization() {
  organizations('DescribeOrganization', () => true, {
    Organization: {
      Id: ORG_ID,
      Arn: `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`,
      FeatureSet: 'ALL',
      MasterAccountArn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG_ID}/${MANAGEMENT}`,
      MasterAccountId: MANAGEMENT,
      MasterAccountEmail: 'aws+management@example.com',
    },
  });
}

function callerIdentity(accountId: string) {
  nock(STS)
    .post('/', (body: Record<string, string>) => body.Action === 'GetCallerIdentity')
    .reply(200, fixture('sts-get-caller-identity.xml').replaceAll('111122223333', accountId), XML_HEADERS);
}

function discoveryContext(organization: Record<string, unknown>) {
  const options = awsIamOptionsSchema.parse({ organization: { memberRoleName: 'evidence-reader', externalId: 'ext-1234567890', ...organization } });
  return contextFor(awsIam, options, { now: NOW, clientEnvironment: { aws: { credentials: FAKE_CREDENTIALS, maxAttempts: 1 } } });
}

type Listed = { id: string; state: string; collect: boolean; skipped: string | null; ou: string | null; joinedTimestamp: string | null };
const listed = (result: CollectResult) => result.evidence.filter((e) => e.type === 'aws.organizations.account').map((e) => e.data as Listed);

describe('account discovery', () => {
  it('reads every page of ListAccounts and of each excluded OU tree; suspended and excluded accounts are listed, not collected', async () => {
    callerIdentity(MANAGEMENT);
    describeOrganization();
    pagedList(
      'ListAccounts',
      'Accounts',
      {},
      [account(MANAGEMENT, 'management'), account('222222222222', 'prod')],
      [account('333333333333', 'legacy', 'SUSPENDED'), account('444444444444', 'sandbox-a'), account('555555555555', 'sandbox-b')],
    );
    // The excluded OU and its child OU, each list in two pages.
    pagedList('ListAccountsForParent', 'Accounts', { ParentId: SANDBOX_OU }, [account('444444444444', 'sandbox-a')], []);
    pagedList(
      'ListOrganizationalUnitsForParent',
      'OrganizationalUnits',
      { ParentId: SANDBOX_OU },
      [],
      [{ Id: 'ou-ab12-sandbox2', Arn: `arn:aws:organizations::${MANAGEMENT}:ou/${ORG_ID}/ou-ab12-sandbox2`, Name: 'Nested' }],
    );
    pagedList('ListAccountsForParent', 'Accounts', { ParentId: 'ou-ab12-sandbox2' }, [], [account('555555555555', 'sandbox-b')]);
    pagedList('ListOrganizationalUnitsForParent', 'OrganizationalUnits', { ParentId: 'ou-ab12-sandbox2' }, [], []);

    const { ctx, apiCalls } = discoveryContext({ exclude: { ous: [SANDBOX_OU] } });
    expect(ctx.scope.key).toBe(ORGANIZATION_SCOPE);
    const result = await awsIam.collect(ctx);
    expect(nock.pendingMocks()).toEqual([]);
    expect(apiCalls()).toBe(2 + 2 + 4 * 2);
    expect(result.resolvedScope).toBe(ORG_ID);
    expect(listed(result).map((a) => [a.id, a.collect, a.skipped])).toEqual([
      [MANAGEMENT, true, null],
      ['222222222222', true, null],
      ['333333333333', false, 'suspended: only ACTIVE accounts are collected'],
      ['444444444444', false, `under ${SANDBOX_OU}, in organization.exclude.ous`],
      ['555555555555', false, `under ${SANDBOX_OU}, in organization.exclude.ous`],
    ]);
    expect(listed(result)[0]!.joinedTimestamp).toBe('2023-11-14T22:13:20.000Z');
    const { options: memberOptions, ...discovered } = result.discovered!;
    expect(discovered).toEqual({
      concurrency: 4,
      scopes: [
        {
          key: MANAGEMENT,
          settings: { id: MANAGEMENT, name: 'management', roleArn: `arn:aws:iam::${MANAGEMENT}:role/evidence-reader`, externalId: 'ext-1234567890' },
        },
        {
          key: '222222222222',
          settings: { id: '222222222222', name: 'prod', roleArn: 'arn:aws:iam::222222222222:role/evidence-reader', externalId: 'ext-1234567890' },
        },
      ],
    });
    // The member runs' options: the collected accounts as accounts, and every listed account (suspended and
    // excluded ones too) and the organisation as the company's own for role trust.
    const member = memberOptions as AwsIamOptions;
    expect(member.accounts).toEqual([
      { id: MANAGEMENT, name: 'management' },
      { id: '222222222222', name: 'prod' },
    ]);
    expect(member.trust).toEqual({ ownAccounts: [MANAGEMENT, '222222222222', '333333333333', '444444444444', '555555555555'], organizationIds: [ORG_ID] });
    expect(member.organization).toEqual(ctx.options.organization);
    // The external id is a setting of the scopes, never part of the evidence.
    expect(JSON.stringify(result.evidence)).not.toContain('ext-1234567890');
    // Every account's join is an event dated by Organizations; nothing left (no earlier listing).
    expect(result.events?.map((e) => e.eventId)).toHaveLength(5);
    expect(result.meta?.departures).toBe('not compared: no earlier listing made the same way');
  });

  it('with only OUs included, lists ListAccountsForParent through each OU and its child OUs (never ListAccounts), every page', async () => {
    callerIdentity(MANAGEMENT);
    describeOrganization();
    pagedList('ListAccountsForParent', 'Accounts', { ParentId: PROD_OU }, [account('222222222222', 'prod')], [account('666666666666', 'prod-data')]);
    pagedList('ListOrganizationalUnitsForParent', 'OrganizationalUnits', { ParentId: PROD_OU }, [{ Id: TEAMS_OU, Name: 'Teams' }], []);
    pagedList('ListAccountsForParent', 'Accounts', { ParentId: TEAMS_OU }, [], [account('777777777777', 'team-a')]);
    pagedList('ListOrganizationalUnitsForParent', 'OrganizationalUnits', { ParentId: TEAMS_OU }, [], []);

    const { ctx } = discoveryContext({ include: { ous: [PROD_OU] }, exclude: { accounts: ['666666666666'] } });
    const result = await awsIam.collect(ctx);
    expect(nock.pendingMocks()).toEqual([]);
    expect(listed(result).map((a) => [a.id, a.ou, a.collect])).toEqual([
      ['222222222222', PROD_OU, true],
      ['666666666666', PROD_OU, false],
      ['777777777777', PROD_OU, true],
    ]);
    expect(result.discovered?.scopes.map((s) => s.key)).toEqual(['222222222222', '777777777777']);
    expect(result.evidence.find((e) => e.type === 'aws.organizations.organization')?.data).toMatchObject({
      listing: 'ListAccountsForParent',
      accounts: 3,
      collected: 2,
    });
  });

  it('with accounts included by id, collects only those of the listing', async () => {
    callerIdentity(MANAGEMENT);
    describeOrganization();
    pagedList('ListAccounts', 'Accounts', {}, [account(MANAGEMENT, 'management')], [account('222222222222', 'prod')]);
    const { ctx } = discoveryContext({ include: { accounts: ['222222222222'] } });
    const result = await awsIam.collect(ctx);
    expect(listed(result).map((a) => [a.id, a.skipped])).toEqual([
      [MANAGEMENT, 'not in organization.include'],
      ['222222222222', null],
    ]);
  });

  it('records an account missing from the next listing as having left, between the two listings', async () => {
    callerIdentity(MANAGEMENT);
    describeOrganization();
    pagedList('ListAccounts', 'Accounts', {}, [account(MANAGEMENT, 'management')], []);
    const { ctx } = discoveryContext({});
    const before = '2026-12-06T06:00:00.000Z';
    const stored = (type: string, data: unknown, resourceId: string): StoredDocument => ({
      type,
      resourceId,
      schemaVersion: 1,
      data,
      scope: ORG_ID,
      collectedAt: before,
    });
    ctx.storedEvidence = {
      latest: async (_collector, type) =>
        type === 'aws.organizations.organization'
          ? [stored(type, { listing: 'ListAccounts', include: { accounts: [], ous: [] } }, 'org')]
          : [stored(type, { id: MANAGEMENT, name: 'management' }, 'a'), stored(type, { id: '888888888888', name: 'gone' }, 'b')],
    };
    const result = await awsIam.collect(ctx);
    const left = result.events?.filter((e) => (e.data as { change: string }).change === 'left');
    expect(left).toEqual([
      expect.objectContaining({
        eventId: `left:888888888888:${before}`,
        occurredAt: NOW.toISOString(),
        data: expect.objectContaining({ accountId: '888888888888', accountName: 'gone', lastListedAt: before }),
      }),
    ]);
  });

  it('stops a ListAccounts whose NextToken comes back (a loop) and never reads a page without Accounts as empty', async () => {
    callerIdentity(MANAGEMENT);
    describeOrganization();
    organizations('ListAccounts', (body) => body.NextToken === undefined, { Accounts: [account(MANAGEMENT, 'management')], NextToken: 'same' });
    organizations('ListAccounts', (body) => body.NextToken === 'same', { Accounts: [], NextToken: 'same' });
    await expect(awsIam.collect(discoveryContext({}).ctx)).rejects.toThrow(
      'organizations:ListAccounts: page 2 repeats the token of an earlier page (a pagination loop): the listing cannot be read to its end',
    );

    callerIdentity(MANAGEMENT);
    describeOrganization();
    organizations('ListAccounts', () => true, { NextToken: undefined });
    await expect(awsIam.collect(discoveryContext({}).ctx)).rejects.toThrow('organizations:ListAccounts: a page of the reply has no list');
  });

  it('fails the discovery run naming the cause when the credentials may not list the organisation', async () => {
    callerIdentity('222222222222');
    organizations('DescribeOrganization', () => true, { __type: 'AccessDeniedException', Message: "You don't have permissions to access this resource." }, 400);
    const { ctx } = discoveryContext({});
    await expect(awsIam.collect(ctx)).rejects.toThrow(
      "organizations:DescribeOrganization: AccessDeniedException: You don't have permissions to access this resource.",
    );
  });

  it("fails a member account's run with STS's AccessDenied when its role cannot be assumed", async () => {
    const message =
      'User: arn:aws:sts::111111111111:assumed-role/evidence-agent/i-0abc is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999999999999:role/evidence-reader';
    nock(STS)
      .post(
        '/',
        (body: Record<string, string>) =>
          body.Action === 'AssumeRole' && body.RoleArn === 'arn:aws:iam::999999999999:role/evidence-reader' && body.ExternalId === 'ext-1234567890',
      )
      .reply(
        403,
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${message}</Message></Error><RequestId>4d9b1d5e-0000-4000-8000-000000000000</RequestId></ErrorResponse>`,
        XML_HEADERS,
      );
    const { ctx } = discoveryContext({});
    const options: AwsIamOptions = ctx.options;
    const member = {
      ...ctx,
      scope: { key: '999999999999', settings: { id: '999999999999', roleArn: 'arn:aws:iam::999999999999:role/evidence-reader', externalId: 'ext-1234567890' } },
      options,
    };
    await expect(awsIam.collect(member)).rejects.toThrow(message);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
