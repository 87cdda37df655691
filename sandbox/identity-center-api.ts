// The IAM Identity Center admin API (JSON 1.1, target SWBExternalService.<Op>) and the Identity Store API
// (AWSIdentityStore.<Op>) over the simulated directory: the reads the aws-organization collector makes, with
// NextToken paging (MaxResults 1 to 100; the server may return fewer) and the errors these services send,
// `{"__type", "Message"}`. Only the management account may call them.
import { identityCenterAt, SANDBOX_IDENTITY_STORE_ID, SANDBOX_INSTANCE_ARN } from './identity-center.js';
import type { IdentityCenter, IdentityCenterOptions } from './identity-center.js';
import { MANAGEMENT_ACCOUNT_ID } from './estate-model.js';
import { fail } from './query-failure.js';

export const SSO_ADMIN_TARGET_PREFIX = 'SWBExternalService.';
export const IDENTITY_STORE_TARGET_PREFIX = 'AWSIdentityStore.';

export interface IdentityCenterRequestContext {
  now: Date;
  callerAccount: string;
  /** Most items per page whatever MaxResults asks (default 100). */
  pageSize: number;
  options: IdentityCenterOptions;
}

function validation(message: string): never {
  return fail(400, 'ValidationException', message);
}

function page<T>(items: T[], request: Record<string, unknown>, pageSize: number, listing: string) {
  const max = request.MaxResults;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100)) validation('MaxResults must be between 1 and 100.');
  let offset = 0;
  if (request.NextToken !== undefined) {
    const token = typeof request.NextToken === 'string' ? Buffer.from(request.NextToken, 'base64url').toString('utf8') : '';
    const match = /^(.+)#(\d+)$/.exec(token);
    if (!match || match[1] !== listing) validation('The NextToken is invalid or expired.');
    offset = Number(match[2]);
  }
  const end = offset + Math.min(pageSize, typeof max === 'number' ? max : 100);
  return { items: items.slice(offset, end), next: end < items.length ? Buffer.from(`${listing}#${end}`).toString('base64url') : undefined };
}

function instanceOf(request: Record<string, unknown>): void {
  if (request.InstanceArn !== SANDBOX_INSTANCE_ARN) fail(400, 'ResourceNotFoundException', 'The specified instance does not exist.');
}
function permissionSetOf(ic: IdentityCenter, request: Record<string, unknown>) {
  instanceOf(request);
  const set = ic.permissionSets.find((s) => s.arn === request.PermissionSetArn);
  if (!set) fail(400, 'ResourceNotFoundException', 'The specified permission set does not exist.');
  return set;
}
function storeOf(request: Record<string, unknown>): void {
  if (request.IdentityStoreId !== SANDBOX_IDENTITY_STORE_ID) fail(400, 'ResourceNotFoundException', 'The identity store does not exist.');
}

type Operation = (ic: IdentityCenter, request: Record<string, unknown>, pageSize: number) => unknown;
const epoch = 1_704_067_200;

const SSO_ADMIN: Readonly<Record<string, Operation>> = {
  ListInstances: (_ic, request, pageSize) => {
    const { items, next } = page([SANDBOX_INSTANCE_ARN], request, pageSize, 'instances');
    return {
      Instances: items.map((arn) => ({
        InstanceArn: arn,
        IdentityStoreId: SANDBOX_IDENTITY_STORE_ID,
        OwnerAccountId: MANAGEMENT_ACCOUNT_ID,
        Name: 'example-co',
        Status: 'ACTIVE',
        CreatedDate: epoch,
      })),
      NextToken: next,
    };
  },
  ListPermissionSets: (ic, request, pageSize) => {
    instanceOf(request);
    const { items, next } = page(
      ic.permissionSets.map((s) => s.arn),
      request,
      pageSize,
      'permission-sets',
    );
    return { PermissionSets: items, NextToken: next };
  },
  DescribePermissionSet: (ic, request) => {
    const set = permissionSetOf(ic, request);
    return {
      PermissionSet: { Name: set.name, PermissionSetArn: set.arn, Description: `${set.name} access`, CreatedDate: epoch, SessionDuration: set.sessionDuration },
    };
  },
  ListManagedPoliciesInPermissionSet: (ic, request, pageSize) => {
    const set = permissionSetOf(ic, request);
    const { items, next } = page(set.managedPolicies, request, pageSize, `managed:${set.arn}`);
    return { AttachedManagedPolicies: items.map((arn) => ({ Arn: arn, Name: arn.split('/').at(-1) })), NextToken: next };
  },
  ListCustomerManagedPolicyReferencesInPermissionSet: (ic, request) => {
    permissionSetOf(ic, request);
    return { CustomerManagedPolicyReferences: [] };
  },
  GetInlinePolicyForPermissionSet: (ic, request) => {
    const set = permissionSetOf(ic, request);
    return set.inlinePolicy ? { InlinePolicy: set.inlinePolicy } : {};
  },
  ListAccountsForProvisionedPermissionSet: (ic, request, pageSize) => {
    const set = permissionSetOf(ic, request);
    const accounts = [...new Set(ic.assignments.filter((a) => a.permissionSetArn === set.arn).map((a) => a.accountId))].sort();
    const { items, next } = page(accounts, request, pageSize, `provisioned:${set.arn}`);
    return { AccountIds: items, NextToken: next };
  },
  ListAccountAssignments: (ic, request, pageSize) => {
    const set = permissionSetOf(ic, request);
    if (typeof request.AccountId !== 'string' || !/^\d{12}$/.test(request.AccountId)) validation('AccountId must be a 12-digit account id.');
    const rows = ic.assignments.filter((a) => a.permissionSetArn === set.arn && a.accountId === request.AccountId);
    const { items, next } = page(rows, request, pageSize, `assignments:${set.arn}:${request.AccountId as string}`);
    return {
      AccountAssignments: items.map((a) => ({
        AccountId: a.accountId,
        PermissionSetArn: a.permissionSetArn,
        PrincipalType: a.principalType,
        PrincipalId: a.principalId,
      })),
      NextToken: next,
    };
  },
};

const IDENTITY_STORE: Readonly<Record<string, Operation>> = {
  ListUsers: (ic, request, pageSize) => {
    storeOf(request);
    const { items, next } = page(ic.users, request, pageSize, 'users');
    return {
      Users: items.map((u) => ({
        IdentityStoreId: SANDBOX_IDENTITY_STORE_ID,
        UserId: u.id,
        UserName: u.userName,
        DisplayName: u.displayName,
        Emails: [{ Value: `${u.userName}@example.com`, Type: 'work', Primary: true }],
      })),
      NextToken: next,
    };
  },
  ListGroups: (ic, request, pageSize) => {
    storeOf(request);
    const { items, next } = page(ic.groups, request, pageSize, 'groups');
    return { Groups: items.map((g) => ({ IdentityStoreId: SANDBOX_IDENTITY_STORE_ID, GroupId: g.id, DisplayName: g.displayName })), NextToken: next };
  },
  ListGroupMemberships: (ic, request, pageSize) => {
    storeOf(request);
    const group = ic.groups.find((g) => g.id === request.GroupId);
    if (!group) fail(400, 'ResourceNotFoundException', 'The group does not exist.');
    const { items, next } = page(group.members, request, pageSize, `members:${group.id}`);
    return {
      GroupMemberships: items.map((userId) => ({
        IdentityStoreId: SANDBOX_IDENTITY_STORE_ID,
        MembershipId: `m-${group.id.slice(-6)}-${userId.slice(-6)}`,
        GroupId: group.id,
        MemberId: { UserId: userId },
      })),
      NextToken: next,
    };
  },
};

/** The directory at one instant, built once however many calls read it (a bench's 10,000 assignments). */
let cached: { key: string; options: IdentityCenterOptions; directory: IdentityCenter } | undefined;
function directoryAt(now: Date, options: IdentityCenterOptions): IdentityCenter {
  const key = now.toISOString();
  if (cached?.key !== key || cached.options !== options) cached = { key, options, directory: identityCenterAt(now, options) };
  return cached.directory;
}

/** The JSON reply of one operation of either API, or a QueryFailure to send as an error. */
export function identityCenterReply(service: 'sso-admin' | 'identitystore', operation: string, body: string, ctx: IdentityCenterRequestContext): string {
  const operations = service === 'sso-admin' ? SSO_ADMIN : IDENTITY_STORE;
  const run = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
  if (!run) fail(400, 'UnknownOperationException', `Unknown operation ${operation}.`);
  if (ctx.callerAccount !== MANAGEMENT_ACCOUNT_ID)
    fail(400, 'AccessDeniedException', 'User is not authorized to perform this action: only the management account administers the organisation instance.');
  let request: Record<string, unknown>;
  try {
    request = (JSON.parse(body || '{}') ?? {}) as Record<string, unknown>;
  } catch {
    return fail(400, 'SerializationException', 'Start of structure or map found where not expected.');
  }
  return JSON.stringify(run(directoryAt(ctx.now, ctx.options), request, ctx.pageSize));
}
