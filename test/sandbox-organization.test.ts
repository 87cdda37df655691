// The sandbox's AWS organisation through the real SDK clients over real HTTP: Organizations reads with
// NextToken paging, STS AssumeRole into each member account (external id checked, one account refused),
// and a member account's own replies. What account discovery and the organisation collector rely on.
import { GetAccountSummaryCommand, IAMClient, paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
import {
  AccessDeniedException,
  DescribeOrganizationCommand,
  InvalidInputException,
  ListAccountsCommand,
  ListChildrenCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
  ParentNotFoundException,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
} from '@aws-sdk/client-organizations';
import type { Account } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JOINING_ACCOUNT_ID,
  LEAVING_ACCOUNT_ID,
  MANAGEMENT_ACCOUNT_ID,
  SANDBOX_ACCOUNT_ID,
  SANDBOX_EXTERNAL_ID,
  SANDBOX_MEMBER_ROLE,
  SANDBOX_ORG_ID,
  SANDBOX_ROOT_ID,
  SANDBOXES_OU_ID,
  startSandbox,
  SUSPENDED_ACCOUNT_ID,
  UNASSUMABLE_ACCOUNT_ID,
  WORKLOADS_OU_ID,
} from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';

const END = new Date('2026-03-31T00:00:00Z');
const DAY_MS = 86_400_000;
const AGENT_KEY = { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox-secret' };
const roleArn = (account: string, role = SANDBOX_MEMBER_ROLE) => `arn:aws:iam::${account}:role/${role}`;

let sandbox: Sandbox;
let sts: STSClient;
beforeAll(async () => {
  sandbox = await startSandbox({ historyEnd: END, date: new Date(END.getTime() + 6 * 3_600_000), organization: { pageSize: 2 } });
  sts = new STSClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: AGENT_KEY, maxAttempts: 1 });
});
afterAll(async () => {
  sts.destroy();
  await sandbox.close();
});

/** `null`: no external id sent. */
async function assume(account: string, externalId: string | null = SANDBOX_EXTERNAL_ID) {
  const reply = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn(account), RoleSessionName: 'evidence-agent', ExternalId: externalId ?? undefined }));
  const c = reply.Credentials!;
  return { reply, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } };
}

async function managementClient() {
  const { credentials } = await assume(MANAGEMENT_ACCOUNT_ID);
  return new OrganizationsClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

describe('STS AssumeRole into the organisation', () => {
  it('gives each member account its own session, which GetCallerIdentity names', async () => {
    const { reply, credentials } = await assume('222233334444');
    expect(reply.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::222233334444:assumed-role/${SANDBOX_MEMBER_ROLE}/evidence-agent`);
    expect(reply.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(reply.Credentials!.Expiration!.getTime()).toBeGreaterThan(Date.now());
    const member = new STSClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const identity = await member.send(new GetCallerIdentityCommand({}));
    member.destroy();
    expect(identity.Account).toBe('222233334444');
    expect(identity.Arn).toBe(reply.AssumedRoleUser?.Arn);
  });

  it("answers a member account's IAM reads for that account, not the workload account", async () => {
    const { credentials } = await assume('333344445555');
    const iam = new IAMClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const roles = [];
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, { Filter: ['Role'] })) roles.push(...(page.RoleDetailList ?? []));
    await iam.send(new GetAccountSummaryCommand({}));
    iam.destroy();
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.every((r) => r.Arn?.startsWith('arn:aws:iam::333344445555:role/'))).toBe(true);
  });

  it.each([
    ['the account whose role does not trust the agent', UNASSUMABLE_ACCOUNT_ID, SANDBOX_EXTERNAL_ID],
    ['a suspended account', SUSPENDED_ACCOUNT_ID, SANDBOX_EXTERNAL_ID],
    ['a wrong external id', '222233334444', 'not-the-external-id'],
    ['no external id', '222233334444', null],
    ['an account outside the organisation', '123456789012', SANDBOX_EXTERNAL_ID],
  ])('refuses %s with AccessDenied, as STS does', async (_what, account, externalId) => {
    const error = await assume(account, externalId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(STSServiceException);
    expect((error as STSServiceException).name).toBe('AccessDenied');
    expect((error as STSServiceException).$metadata.httpStatusCode).toBe(403);
    expect((error as Error).message).toBe(
      `User: arn:aws:sts::${SANDBOX_ACCOUNT_ID}:assumed-role/${SANDBOX_MEMBER_ROLE}/evidence-agent is not authorized to perform: sts:AssumeRole on resource: ${roleArn(account)}`,
    );
  });
});

describe('the Organizations API', () => {
  it('describes the organisation and its root', async () => {
    const org = await managementClient();
    const { Organization } = await org.send(new DescribeOrganizationCommand({}));
    const { Roots } = await org.send(new ListRootsCommand({}));
    org.destroy();
    expect(Organization).toMatchObject({ Id: SANDBOX_ORG_ID, MasterAccountId: MANAGEMENT_ACCOUNT_ID, FeatureSet: 'ALL' });
    expect(Roots?.map((r) => r.Id)).toEqual([SANDBOX_ROOT_ID]);
  });

  it('lists every account in pages of at most the server page size, with State and JoinedTimestamp', async () => {
    const org = await managementClient();
    const pages: Account[][] = [];
    for await (const page of paginateListAccounts({ client: org }, {})) pages.push(page.Accounts ?? []);
    org.destroy();
    const accounts = pages.flat();
    expect(pages.length).toBe(Math.ceil(accounts.length / 2));
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    expect(accounts.map((a) => a.Id)).toContain(MANAGEMENT_ACCOUNT_ID);
    expect(accounts.find((a) => a.Id === SUSPENDED_ACCOUNT_ID)?.State).toBe('SUSPENDED');
    expect(accounts.find((a) => a.Id === '222233334444')).toMatchObject({
      Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:account/${SANDBOX_ORG_ID}/222233334444`,
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
    });
    expect(accounts.find((a) => a.Id === '222233334444')?.JoinedTimestamp).toBeInstanceOf(Date);
    // On END+6h: the joining account is in (12 days ago), the leaving one is gone (6 days ago).
    expect(accounts.map((a) => a.Id)).toContain(JOINING_ACCOUNT_ID);
    expect(accounts.map((a) => a.Id)).not.toContain(LEAVING_ACCOUNT_ID);
  });

  it('shows an account joining and one leaving over the history', async () => {
    sandbox.setDate(new Date(END.getTime() - 20 * DAY_MS));
    try {
      const ids = sandbox.organization().accounts.map((a) => a.id);
      expect(ids).toContain(LEAVING_ACCOUNT_ID);
      expect(ids).not.toContain(JOINING_ACCOUNT_ID);
    } finally {
      sandbox.setDate(new Date(END.getTime() + 6 * 3_600_000));
    }
  });

  it('lists an OU tree: accounts and child OUs per parent, paged; children and parents', async () => {
    const org = await managementClient();
    const units = [];
    for await (const page of paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: SANDBOX_ROOT_ID }))
      units.push(...(page.OrganizationalUnits ?? []));
    const workloads = [];
    for await (const page of paginateListAccountsForParent({ client: org }, { ParentId: WORKLOADS_OU_ID })) workloads.push(...(page.Accounts ?? []));
    const nested = [];
    for await (const page of paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: WORKLOADS_OU_ID }))
      nested.push(...(page.OrganizationalUnits ?? []));
    const children = await org.send(new ListChildrenCommand({ ParentId: SANDBOXES_OU_ID, ChildType: 'ACCOUNT' }));
    const parents = await org.send(new ListParentsCommand({ ChildId: SANDBOXES_OU_ID }));
    org.destroy();
    expect(units.map((u) => u.Name).sort()).toEqual(['Security', 'Workloads']);
    expect(workloads.map((a) => a.Id).sort()).toEqual(['111122223333', '222233334444', SUSPENDED_ACCOUNT_ID, UNASSUMABLE_ACCOUNT_ID].sort());
    expect(nested.map((u) => u.Id)).toEqual([SANDBOXES_OU_ID]);
    expect(children.Children).toEqual([{ Id: JOINING_ACCOUNT_ID, Type: 'ACCOUNT' }]);
    expect(parents.Parents).toEqual([{ Id: WORKLOADS_OU_ID, Type: 'ORGANIZATIONAL_UNIT' }]);
  });

  it('refuses a token from another listing, an unknown parent and MaxResults over 20 as Organizations does', async () => {
    const org = await managementClient();
    const first = await org.send(new ListAccountsCommand({}));
    const replayed = await org.send(new ListRootsCommand({ NextToken: first.NextToken })).catch((e: unknown) => e);
    const unknown = await org.send(new ListChildrenCommand({ ParentId: 'ou-a1b2-nosuchou1', ChildType: 'ACCOUNT' })).catch((e: unknown) => e);
    const tooMany = await org.send(new ListAccountsCommand({ MaxResults: 21 })).catch((e: unknown) => e);
    org.destroy();
    expect(first.NextToken).toBeTruthy();
    expect(replayed).toBeInstanceOf(InvalidInputException);
    expect(unknown).toBeInstanceOf(ParentNotFoundException);
    expect(tooMany).toBeInstanceOf(InvalidInputException);
  });

  it('answers only the management account: a member account gets AccessDeniedException', async () => {
    const member = new OrganizationsClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: AGENT_KEY, maxAttempts: 1 });
    const error = await member.send(new ListAccountsCommand({})).catch((e: unknown) => e);
    member.destroy();
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect((error as Error).message).toBe("You don't have permissions to access this resource.");
  });
});
