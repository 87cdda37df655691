// GetAccountAuthorizationDetails: every user, group, role and managed policy of the account in a few
// pages, turned into evidence. No filter, so local and AWS-managed policies both come back.
import { paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
import type { AttachedPolicy, GroupDetail, IAMClient, ManagedPolicyDetail, PolicyDetail, RoleDetail, Tag, UserDetail } from '@aws-sdk/client-iam';
import type { EvidenceItem, ResourceError } from '../../src/collector.js';
import { compareStrings } from '../../src/compare-strings.js';
import { IAM_PAGE_SIZE, iamPageGuard } from './pagination.js';
import { decodePolicyDocument, PolicyDocumentError } from './policy-document.js';
import { EVIDENCE } from './schema.js';
import type { AttachedPolicyRef, GroupEvidence, InlinePolicy, ManagedPolicyEvidence, RoleEvidence, UserEvidence } from './schema.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import { evidenceItem, toIsoDate } from './evidence-items.js';

export interface AuthorizationDetails {
  users: UserDetail[];
  groups: GroupDetail[];
  roles: RoleDetail[];
  policies: ManagedPolicyDetail[];
  pages: number;
}

export async function readAuthorizationDetails(iam: IAMClient, signal: AbortSignal): Promise<AuthorizationDetails> {
  const details: AuthorizationDetails = { users: [], groups: [], roles: [], policies: [], pages: 0 };
  const guard = iamPageGuard('GetAccountAuthorizationDetails');
  for await (const page of paginateGetAccountAuthorizationDetails({ client: iam, pageSize: IAM_PAGE_SIZE }, {}, { abortSignal: signal })) {
    details.pages += 1;
    guard.page(page);
    details.users.push(...(page.UserDetailList ?? []));
    details.groups.push(...(page.GroupDetailList ?? []));
    details.roles.push(...(page.RoleDetailList ?? []));
    details.policies.push(...(page.Policies ?? []));
  }
  return details;
}

export interface AuthorizationEvidence {
  evidence: EvidenceItem[];
  /** Users, groups, roles and policies holding a policy document that could not be decoded or judged. */
  errors: ResourceError[];
  userArns: string[];
}

const AWS_MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\//;

export function authorizationEvidence(details: AuthorizationDetails, accountId: string): AuthorizationEvidence {
  const result: AuthorizationEvidence = { evidence: [], errors: [], userArns: [] };
  const add = (type: string, arn: string, build: () => unknown) => {
    try {
      result.evidence.push(evidenceItem(type, arn, build()));
    } catch (error) {
      if (!(error instanceof PolicyDocumentError)) throw error;
      result.errors.push({ type, resourceId: arn, error: error.message });
    }
  };

  for (const user of details.users) {
    const arn = required(user.Arn, 'a user without Arn');
    result.userArns.push(arn);
    add(EVIDENCE.user, arn, (): UserEvidence => ({
      accountId,
      userName: required(user.UserName, `user ${arn} without UserName`),
      userId: required(user.UserId, `user ${arn} without UserId`),
      arn,
      path: user.Path ?? '/',
      createDate: toIsoDate(user.CreateDate, `CreateDate of ${arn}`),
      groups: [...(user.GroupList ?? [])].sort(compareStrings),
      attachedPolicies: attachedPolicies(user.AttachedManagedPolicies),
      inlinePolicies: inlinePolicies(user.UserPolicyList),
      permissionsBoundaryArn: user.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
      tags: tagMap(user.Tags),
    }));
  }
  for (const group of details.groups) {
    const arn = required(group.Arn, 'a group without Arn');
    add(EVIDENCE.group, arn, (): GroupEvidence => ({
      accountId,
      groupName: required(group.GroupName, `group ${arn} without GroupName`),
      arn,
      createDate: toIsoDate(group.CreateDate, `CreateDate of ${arn}`),
      attachedPolicies: attachedPolicies(group.AttachedManagedPolicies),
      inlinePolicies: inlinePolicies(group.GroupPolicyList),
    }));
  }
  for (const role of details.roles) {
    const arn = required(role.Arn, 'a role without Arn');
    add(EVIDENCE.role, arn, (): RoleEvidence => ({
      accountId,
      roleName: required(role.RoleName, `role ${arn} without RoleName`),
      arn,
      path: role.Path ?? '/',
      createDate: toIsoDate(role.CreateDate, `CreateDate of ${arn}`),
      trustPolicy: documentOf('trust policy', role.AssumeRolePolicyDocument),
      attachedPolicies: attachedPolicies(role.AttachedManagedPolicies),
      inlinePolicies: inlinePolicies(role.RolePolicyList),
      lastUsedDay: role.RoleLastUsed?.LastUsedDate ? toIsoDate(role.RoleLastUsed.LastUsedDate, `RoleLastUsed of ${arn}`).slice(0, 10) : null,
      permissionsBoundaryArn: role.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
    }));
  }
  for (const policy of details.policies) {
    const arn = required(policy.Arn, 'a managed policy without Arn');
    add(EVIDENCE.policy, arn, (): ManagedPolicyEvidence => {
      const defaultVersionId = required(policy.DefaultVersionId, `policy ${arn} without DefaultVersionId`);
      const defaultVersion = (policy.PolicyVersionList ?? []).find((version) => version.IsDefaultVersion === true || version.VersionId === defaultVersionId);
      if (!defaultVersion) throw new PolicyDocumentError(`default version ${defaultVersionId} is missing`);
      return {
        accountId,
        policyName: required(policy.PolicyName, `policy ${arn} without PolicyName`),
        arn,
        awsManaged: AWS_MANAGED_POLICY_ARN.test(arn),
        attachmentCount: policy.AttachmentCount ?? 0,
        defaultVersionId,
        document: documentOf(`version ${defaultVersionId}`, defaultVersion.Document),
      };
    });
  }
  result.userArns.sort(compareStrings);
  return result;
}

/** An entry without its identity makes the whole reply untrustworthy: the collection fails. */
function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null || value === '') {
    throw new MalformedResponseError(`GetAccountAuthorizationDetails returned ${what}`);
  }
  return value;
}

function attachedPolicies(list: AttachedPolicy[] | undefined): AttachedPolicyRef[] {
  return (list ?? [])
    .map((policy) => ({
      name: required(policy.PolicyName, 'an attached policy without PolicyName'),
      arn: required(policy.PolicyArn, 'an attached policy without PolicyArn'),
    }))
    .sort((a, b) => compareStrings(a.arn, b.arn));
}

function inlinePolicies(list: PolicyDetail[] | undefined): InlinePolicy[] {
  return (list ?? [])
    .map((policy) => {
      const name = required(policy.PolicyName, 'an inline policy without PolicyName');
      return { name, document: documentOf(`inline policy ${name}`, policy.PolicyDocument) };
    })
    .sort((a, b) => compareStrings(a.name, b.name));
}

/** Names the document in the error so a ResourceError says which one could not be read. */
function documentOf(label: string, encoded: string | undefined) {
  try {
    return decodePolicyDocument(encoded);
  } catch (error) {
    if (error instanceof PolicyDocumentError) throw new PolicyDocumentError(`${label}: ${error.message}`);
    throw error;
  }
}

function tagMap(tags: Tag[] | undefined): Record<string, string> {
  const sorted = [...(tags ?? [])].sort((a, b) => compareStrings(a.Key ?? '', b.Key ?? ''));
  return Object.fromEntries(sorted.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}
