// IAM Identity Center, in its region: the instances (ListInstances), each instance's permission sets with
// their session duration and policies, the accounts each is provisioned to and who is assigned it there
// (ListAccountAssignments per permission set and account), and the identity store's users, groups and
// group memberships. Calls per run: see README.md (bench: bench/identity-center.ts).
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetsCommand,
} from '@aws-sdk/client-sso-admin';
import type {
  AccountAssignment,
  AttachedManagedPolicy,
  CustomerManagedPolicyReference,
  InstanceMetadata,
  PermissionSet,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { ListGroupMembershipsCommand, ListGroupsCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import type { Group, GroupMembership, IdentitystoreClient, User } from '@aws-sdk/client-identitystore';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import { mapLimit, readAll } from './paging.js';

/** The most items a page of these APIs holds (MaxResults 100). */
export const PAGE_SIZE = 100;
/** Calls in flight at once: Identity Center's and the identity store's rates are some 20 per second. */
export const CONCURRENCY = 8;

export interface PermissionSetRead {
  arn: string;
  permissionSet: PermissionSet;
  managedPolicies: AttachedManagedPolicy[];
  customerManagedPolicies: CustomerManagedPolicyReference[];
  /** The inline policy as Identity Center returns it (JSON text), or '' when there is none. */
  inlinePolicy: string;
  accounts: string[];
  assignments: AccountAssignment[];
}

export interface InstanceRead {
  instance: InstanceMetadata & { InstanceArn: string; IdentityStoreId: string };
  permissionSets: PermissionSetRead[];
  users: User[];
  groups: { group: Group; memberships: GroupMembership[] }[];
}

export async function readIdentityCenter(ssoAdmin: SSOAdminClient, identityStore: IdentitystoreClient, signal: AbortSignal): Promise<InstanceRead[]> {
  const instances = await readAll('ListInstances', async (token) => {
    const page = await ssoAdmin.send(new ListInstancesCommand({ MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }), { abortSignal: signal });
    return { items: page.Instances, next: page.NextToken };
  });
  const reads: InstanceRead[] = [];
  for (const instance of instances) {
    if (!instance.InstanceArn || !instance.IdentityStoreId)
      throw new MalformedResponseError('ListInstances returned an instance without InstanceArn or IdentityStoreId');
    const checked = { ...instance, InstanceArn: instance.InstanceArn, IdentityStoreId: instance.IdentityStoreId };
    const [permissionSets, directory] = await Promise.all([
      readPermissionSets(ssoAdmin, checked.InstanceArn, signal),
      readDirectory(identityStore, checked.IdentityStoreId, signal),
    ]);
    reads.push({ instance: checked, permissionSets, ...directory });
  }
  return reads;
}

async function readPermissionSets(client: SSOAdminClient, instanceArn: string, signal: AbortSignal): Promise<PermissionSetRead[]> {
  const arns = await readAll('ListPermissionSets', async (token) => {
    const page = await client.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }), {
      abortSignal: signal,
    });
    return { items: page.PermissionSets, next: page.NextToken };
  });
  const send = { abortSignal: signal };
  const sets = await mapLimit(arns, CONCURRENCY, async (arn) => {
    const ids = { InstanceArn: instanceArn, PermissionSetArn: arn };
    // The five reads of one permission set are independent: sent together.
    const [described, managedPolicies, customerManagedPolicies, inline, accounts] = await Promise.all([
      client.send(new DescribePermissionSetCommand(ids), send),
      readAll(`ListManagedPoliciesInPermissionSet ${arn}`, async (token) => {
        const page = await client.send(
          new ListManagedPoliciesInPermissionSetCommand({ ...ids, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }),
          send,
        );
        return { items: page.AttachedManagedPolicies, next: page.NextToken };
      }),
      readAll(`ListCustomerManagedPolicyReferencesInPermissionSet ${arn}`, async (token) => {
        const page = await client.send(
          new ListCustomerManagedPolicyReferencesInPermissionSetCommand({ ...ids, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }),
          send,
        );
        return { items: page.CustomerManagedPolicyReferences, next: page.NextToken };
      }),
      client.send(new GetInlinePolicyForPermissionSetCommand(ids), send),
      readAll(`ListAccountsForProvisionedPermissionSet ${arn}`, async (token) => {
        const page = await client.send(
          new ListAccountsForProvisionedPermissionSetCommand({ ...ids, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }),
          send,
        );
        return { items: page.AccountIds, next: page.NextToken };
      }),
    ]);
    const permissionSet = described.PermissionSet;
    if (!permissionSet?.Name) throw new MalformedResponseError(`DescribePermissionSet ${arn} returned no permission set name`);
    return {
      arn,
      permissionSet,
      managedPolicies,
      customerManagedPolicies,
      inlinePolicy: inline.InlinePolicy ?? '',
      accounts: [...new Set(accounts)].sort(),
      assignments: [] as AccountAssignment[],
    };
  });
  // One listing per (permission set, provisioned account): the API takes both.
  const pairs = sets.flatMap((set) => set.accounts.map((accountId) => ({ set, accountId })));
  const assigned = await mapLimit(pairs, CONCURRENCY, ({ set, accountId }) =>
    readAll(`ListAccountAssignments of ${set.arn} in ${accountId}`, async (token) => {
      const page = await client.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: instanceArn,
          PermissionSetArn: set.arn,
          AccountId: accountId,
          MaxResults: PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        }),
        send,
      );
      return { items: page.AccountAssignments, next: page.NextToken };
    }),
  );
  pairs.forEach(({ set }, index) => set.assignments.push(...assigned[index]!));
  return sets;
}

async function readDirectory(client: IdentitystoreClient, identityStoreId: string, signal: AbortSignal): Promise<Pick<InstanceRead, 'users' | 'groups'>> {
  const send = { abortSignal: signal };
  const [users, groups] = await Promise.all([
    readAll('ListUsers', async (token) => {
      const page = await client.send(
        new ListUsersCommand({ IdentityStoreId: identityStoreId, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }),
        send,
      );
      return { items: page.Users, next: page.NextToken };
    }),
    readAll('ListGroups', async (token) => {
      const page = await client.send(
        new ListGroupsCommand({ IdentityStoreId: identityStoreId, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }),
        send,
      );
      return { items: page.Groups, next: page.NextToken };
    }),
  ]);
  const withMembers = await mapLimit(groups, CONCURRENCY, async (group) => {
    if (!group.GroupId) throw new MalformedResponseError('ListGroups returned a group without GroupId');
    const groupId = group.GroupId;
    const memberships = await readAll(`ListGroupMemberships ${groupId}`, async (token) => {
      const page = await client.send(
        new ListGroupMembershipsCommand({ IdentityStoreId: identityStoreId, GroupId: groupId, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }),
        send,
      );
      return { items: page.GroupMemberships, next: page.NextToken };
    });
    return { group, memberships };
  });
  return { users, groups: withMembers };
}
