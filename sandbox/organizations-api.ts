// The AWS Organizations API (JSON 1.1, target AWSOrganizationsV20161128.<Op>) over the simulated
// organisation: the reads account discovery and the organisation collector make, with NextToken paging
// (MaxResults 1 to 20, as Organizations allows; the server may return fewer) and the errors Organizations
// sends, `{"__type", "Message"}`. Only the management account may call it.
import { accountArn, organizationAt, rootArn, unitArn } from './organization.js';
import type { OrgAccount, Organization, OrganizationOptions } from './organization.js';
import { fail } from './query-failure.js';
import { serviceControlPoliciesAt } from './identity-center.js';

export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.';

export const organizationsErrorJson = (code: string, message: string) => JSON.stringify({ __type: code, Message: message });

export interface OrganizationsRequestContext {
  now: Date;
  /** The account the request is signed for (the caller). */
  callerAccount: string;
  /** Most items per page whatever MaxResults asks (default 20). */
  pageSize: number;
  options: OrganizationOptions;
}

const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const CHILD_ID = /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const epoch = (date: Date) => date.getTime() / 1000;

function accountJson(org: Organization, account: OrgAccount) {
  // `Status` was retired on 2026-09-09: Organizations sends `State` only.
  return {
    Id: account.id,
    Arn: accountArn(org, account.id),
    Email: account.email,
    Name: account.name,
    State: account.state,
    JoinedMethod: account.joinedMethod,
    JoinedTimestamp: epoch(account.joinedTimestamp),
  };
}

function invalidInput(message: string): never {
  return fail(400, 'InvalidInputException', message);
}

/** One page of `items`; the token names the listing and parent it belongs to, so it cannot be replayed elsewhere. */
function page<T>(items: T[], request: Record<string, unknown>, pageSize: number, listing: string) {
  const max = request.MaxResults;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 20)) {
    invalidInput('You provided a value that does not match the required pattern: MaxResults must be between 1 and 20.');
  }
  let offset = 0;
  if (request.NextToken !== undefined) {
    const token = typeof request.NextToken === 'string' ? Buffer.from(request.NextToken, 'base64url').toString('utf8') : '';
    const match = /^(.+)#(\d+)$/.exec(token);
    if (!match || match[1] !== listing) {
      invalidInput('You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.');
    }
    offset = Number(match[2]);
  }
  const end = offset + Math.min(pageSize, typeof max === 'number' ? max : 20);
  const next = end < items.length ? Buffer.from(`${listing}#${end}`).toString('base64url') : undefined;
  return { items: items.slice(offset, end), next };
}

function parentOf(org: Organization, request: Record<string, unknown>, field = 'ParentId'): string {
  const id = request[field];
  if (typeof id !== 'string' || !PARENT_ID.test(id)) {
    invalidInput(`You provided a value that does not match the required pattern: ${field}.`);
  }
  if (id !== org.rootId && !org.units.some((u) => u.id === id)) {
    fail(400, 'ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
  }
  return id;
}

type Operation = (org: Organization, request: Record<string, unknown>, pageSize: number, ctx: OrganizationsRequestContext) => unknown;

const policyArn = (org: Organization, id: string) => `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/service_control_policy/${id}`;
function policyOf(org: Organization, request: Record<string, unknown>, ctx: OrganizationsRequestContext) {
  const policy = serviceControlPoliciesAt(ctx.now, ctx.options).find((p) => p.id === request.PolicyId);
  if (!policy) fail(400, 'PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified.");
  const summary = {
    Id: policy.id,
    Arn: policyArn(org, policy.id),
    Name: policy.name,
    Description: '',
    Type: 'SERVICE_CONTROL_POLICY',
    AwsManaged: policy.awsManaged,
  };
  return { policy, summary };
}
function targetOf(org: Organization, id: string) {
  if (id === org.rootId) return { TargetId: id, Arn: rootArn(org), Name: 'Root', Type: 'ROOT' };
  const unit = org.units.find((u) => u.id === id);
  return { TargetId: id, Arn: unitArn(org, id), Name: unit?.name ?? id, Type: 'ORGANIZATIONAL_UNIT' };
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  DescribeOrganization: (org) => ({
    Organization: {
      Id: org.id,
      Arn: org.arn,
      FeatureSet: 'ALL',
      MasterAccountArn: accountArn(org, org.managementAccountId),
      MasterAccountId: org.managementAccountId,
      MasterAccountEmail: org.accounts.find((a) => a.id === org.managementAccountId)?.email,
      AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
    },
  }),
  ListPolicies: (org, request, pageSize, ctx) => {
    if (request.Filter !== 'SERVICE_CONTROL_POLICY') invalidInput('You provided a value that does not match the required pattern: Filter.');
    const policies = serviceControlPoliciesAt(ctx.now, ctx.options);
    const { items, next } = page(policies, request, pageSize, 'policies');
    return { Policies: items.map((p) => policyOf(org, { PolicyId: p.id }, ctx).summary), NextToken: next };
  },
  DescribePolicy: (org, request, _pageSize, ctx) => {
    const { policy, summary } = policyOf(org, request, ctx);
    return { Policy: { PolicySummary: summary, Content: policy.content } };
  },
  ListTargetsForPolicy: (org, request, pageSize, ctx) => {
    const { policy } = policyOf(org, request, ctx);
    const { items, next } = page(policy.targets, request, pageSize, `targets:${policy.id}`);
    return { Targets: items.map((id) => targetOf(org, id)), NextToken: next };
  },
  ListRoots: (org, request, pageSize) => {
    const { items, next } = page([org.rootId], request, pageSize, 'roots');
    return {
      Roots: items.map(() => ({ Id: org.rootId, Arn: rootArn(org), Name: 'Root', PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] })),
      NextToken: next,
    };
  },
  ListAccounts: (org, request, pageSize) => {
    const { items, next } = page(org.accounts, request, pageSize, 'accounts');
    return { Accounts: items.map((a) => accountJson(org, a)), NextToken: next };
  },
  ListAccountsForParent: (org, request, pageSize) => {
    const parent = parentOf(org, request);
    const { items, next } = page(
      org.accounts.filter((a) => a.parentId === parent),
      request,
      pageSize,
      `accounts:${parent}`,
    );
    return { Accounts: items.map((a) => accountJson(org, a)), NextToken: next };
  },
  ListOrganizationalUnitsForParent: (org, request, pageSize) => {
    const parent = parentOf(org, request);
    const { items, next } = page(
      org.units.filter((u) => u.parentId === parent),
      request,
      pageSize,
      `units:${parent}`,
    );
    return { OrganizationalUnits: items.map((u) => ({ Id: u.id, Arn: unitArn(org, u.id), Name: u.name })), NextToken: next };
  },
  ListChildren: (org, request, pageSize) => {
    const parent = parentOf(org, request);
    const type = request.ChildType;
    if (type !== 'ACCOUNT' && type !== 'ORGANIZATIONAL_UNIT') {
      invalidInput('You provided a value that does not match the required pattern: ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT.');
    }
    const ids =
      type === 'ACCOUNT' ? org.accounts.filter((a) => a.parentId === parent).map((a) => a.id) : org.units.filter((u) => u.parentId === parent).map((u) => u.id);
    const { items, next } = page(ids, request, pageSize, `children:${type}:${parent}`);
    return { Children: items.map((id) => ({ Id: id, Type: type })), NextToken: next };
  },
  ListParents: (org, request, pageSize) => {
    const child = request.ChildId;
    if (typeof child !== 'string' || !CHILD_ID.test(child)) {
      invalidInput('You provided a value that does not match the required pattern: ChildId.');
    }
    const parentId = org.accounts.find((a) => a.id === child)?.parentId ?? org.units.find((u) => u.id === child)?.parentId;
    if (!parentId) fail(400, 'ChildNotFoundException', "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.");
    const { items, next } = page([parentId], request, pageSize, `parents:${child}`);
    return { Parents: items.map((id) => ({ Id: id, Type: id.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' })), NextToken: next };
  },
};

/** The JSON reply of one operation, or a QueryFailure (status, code, message) to send as an error. */
export function organizationsReply(operation: string, body: string, ctx: OrganizationsRequestContext): string {
  const run = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
  if (!run) fail(400, 'UnknownOperationException', `Unknown operation ${operation}.`);
  const org = organizationAt(ctx.now, ctx.options);
  if (ctx.callerAccount !== org.managementAccountId) {
    fail(400, 'AccessDeniedException', "You don't have permissions to access this resource.");
  }
  let request: Record<string, unknown>;
  try {
    request = (JSON.parse(body || '{}') ?? {}) as Record<string, unknown>;
  } catch {
    return fail(400, 'SerializationException', 'Start of structure or map found where not expected.');
  }
  return JSON.stringify(run(org, request, ctx.pageSize, ctx));
}
