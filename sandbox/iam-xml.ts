// XML bodies of the AWS query protocol as IAM and STS send them: `<Action>Response` wrapping
// `<Action>Result`, lists as <member>, maps as <entry><key/><value/></entry>, errors as <ErrorResponse>.
import type {
  EstateGroup,
  EstateManagedPolicy,
  EstatePasswordPolicy,
  EstateRole,
  EstateUser,
  EstateVirtualMfaDevice,
  InlinePolicy,
  PolicyDocument,
  Tag,
} from './estate.js';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** ISO 8601 at second precision, as IAM writes timestamps. */
export function isoTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Policy documents travel URL-encoded (RFC 3986, so `*` becomes %2A as AWS sends it). */
export function encodePolicyDocument(document: PolicyDocument): string {
  const encoded = encodeURIComponent(JSON.stringify(document));
  return encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

type Scalar = string | number | boolean | Date;

/** One element with escaped text; omitted entirely when the value is absent. */
export function leaf(name: string, value: Scalar | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? isoTimestamp(value) : String(value);
  return `<${name}>${escapeXml(text)}</${name}>`;
}
export function node(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}
export function memberList<T>(name: string, items: readonly T[], render: (item: T) => string): string {
  return node(name, ...items.map((item) => node('member', render(item))));
}

export function successXml(action: string, namespace: string, result: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${namespace}">` +
    node(`${action}Result`, result) +
    node('ResponseMetadata', leaf('RequestId', requestId)) +
    `</${action}Response>`
  );
}

export interface QueryError {
  status: number;
  code: string;
  message: string;
}
export function errorXml(namespace: string, error: QueryError, requestId: string): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${namespace}">` +
    node('Error', leaf('Type', type), leaf('Code', error.code), leaf('Message', error.message)) +
    leaf('RequestId', requestId) +
    `</ErrorResponse>`
  );
}

// ---- GetAccountAuthorizationDetails --------------------------------------------------------------

const tags = (list: Tag[]) => memberList('Tags', list, (t) => leaf('Key', t.key) + leaf('Value', t.value));
const inline = (name: string, list: InlinePolicy[]) =>
  memberList(name, list, (p) => leaf('PolicyName', p.name) + leaf('PolicyDocument', encodePolicyDocument(p.document)));

/** Attached policies need their names, so the renderer resolves ARNs against the estate's policies. */
export type PolicyNames = ReadonlyMap<string, string>;
const attached = (arns: string[], names: PolicyNames) =>
  memberList('AttachedManagedPolicies', arns, (arn) => leaf('PolicyName', names.get(arn) ?? arn.split('/').at(-1)) + leaf('PolicyArn', arn));

export function userDetailXml(user: EstateUser, names: PolicyNames): string {
  return (
    leaf('Path', user.path) +
    leaf('UserName', user.userName) +
    leaf('UserId', user.userId) +
    leaf('Arn', user.arn) +
    leaf('CreateDate', user.createDate) +
    inline('UserPolicyList', user.inlinePolicies) +
    memberList('GroupList', user.groups, escapeXml) +
    attached(user.attachedPolicyArns, names) +
    tags(user.tags)
  );
}

export function groupDetailXml(group: EstateGroup, names: PolicyNames): string {
  return (
    leaf('Path', group.path) +
    leaf('GroupName', group.groupName) +
    leaf('GroupId', group.groupId) +
    leaf('Arn', group.arn) +
    leaf('CreateDate', group.createDate) +
    inline('GroupPolicyList', group.inlinePolicies) +
    attached(group.attachedPolicyArns, names)
  );
}

function roleCoreXml(role: EstateRole): string {
  return (
    leaf('Path', role.path) +
    leaf('RoleName', role.roleName) +
    leaf('RoleId', role.roleId) +
    leaf('Arn', role.arn) +
    leaf('CreateDate', role.createDate) +
    leaf('AssumeRolePolicyDocument', encodePolicyDocument(role.trustPolicy))
  );
}

export function roleDetailXml(role: EstateRole, names: PolicyNames): string {
  const profiles = memberList(
    'InstanceProfileList',
    role.instanceProfiles,
    (p) =>
      leaf('Path', p.path) +
      leaf('InstanceProfileName', p.name) +
      leaf('InstanceProfileId', p.id) +
      leaf('Arn', p.arn) +
      leaf('CreateDate', p.createDate) +
      memberList('Roles', [role], roleCoreXml),
  );
  // A role never used still gets an empty <RoleLastUsed/>, as AWS sends it.
  const lastUsed = role.lastUsed ? leaf('LastUsedDate', role.lastUsed.date) + leaf('Region', role.lastUsed.region) : '';
  return (
    roleCoreXml(role) +
    profiles +
    inline('RolePolicyList', role.inlinePolicies) +
    attached(role.attachedPolicyArns, names) +
    tags(role.tags) +
    node('RoleLastUsed', lastUsed)
  );
}

export function managedPolicyXml(policy: EstateManagedPolicy): string {
  return (
    leaf('PolicyName', policy.policyName) +
    leaf('PolicyId', policy.policyId) +
    leaf('Arn', policy.arn) +
    leaf('Path', policy.path) +
    leaf('DefaultVersionId', policy.defaultVersionId) +
    leaf('AttachmentCount', policy.attachmentCount) +
    leaf('PermissionsBoundaryUsageCount', 0) +
    leaf('IsAttachable', true) +
    leaf('CreateDate', policy.createDate) +
    leaf('UpdateDate', policy.updateDate) +
    memberList(
      'PolicyVersionList',
      policy.versions,
      (v) =>
        leaf('Document', encodePolicyDocument(v.document)) +
        leaf('VersionId', v.versionId) +
        leaf('IsDefaultVersion', v.isDefault) +
        leaf('CreateDate', v.createDate),
    )
  );
}

export interface AuthorizationDetailsPage {
  users: EstateUser[];
  groups: EstateGroup[];
  roles: EstateRole[];
  policies: EstateManagedPolicy[];
  /** Set when more items follow. */
  marker: string | null;
}

export function authorizationDetailsXml(page: AuthorizationDetailsPage, names: PolicyNames): string {
  return (
    memberList('UserDetailList', page.users, (u) => userDetailXml(u, names)) +
    memberList('GroupDetailList', page.groups, (g) => groupDetailXml(g, names)) +
    memberList('RoleDetailList', page.roles, (r) => roleDetailXml(r, names)) +
    memberList('Policies', page.policies, managedPolicyXml) +
    leaf('IsTruncated', page.marker !== null) +
    leaf('Marker', page.marker)
  );
}

// ---- Account-level reads -------------------------------------------------------------------------

export function passwordPolicyXml(policy: EstatePasswordPolicy): string {
  return node(
    'PasswordPolicy',
    leaf('MinimumPasswordLength', policy.minimumPasswordLength) +
      leaf('RequireSymbols', policy.requireSymbols) +
      leaf('RequireNumbers', policy.requireNumbers) +
      leaf('RequireUppercaseCharacters', policy.requireUppercaseCharacters) +
      leaf('RequireLowercaseCharacters', policy.requireLowercaseCharacters) +
      leaf('AllowUsersToChangePassword', policy.allowUsersToChangePassword) +
      leaf('ExpirePasswords', policy.expirePasswords) +
      leaf('MaxPasswordAge', policy.maxPasswordAge) +
      leaf('PasswordReusePrevention', policy.passwordReusePrevention) +
      leaf('HardExpiry', policy.hardExpiry),
  );
}

export function accountSummaryXml(summary: Record<string, number>): string {
  return node('SummaryMap', ...Object.entries(summary).map(([key, value]) => node('entry', leaf('key', key), leaf('value', value))));
}

export function virtualMfaDevicesXml(devices: EstateVirtualMfaDevice[], marker: string | null): string {
  const device = (d: EstateVirtualMfaDevice) => {
    const u = d.user;
    const user = u
      ? node(
          'User',
          leaf('Path', u.path) +
            leaf('UserName', u.userName) +
            leaf('UserId', u.userId) +
            leaf('Arn', u.arn) +
            leaf('CreateDate', u.createDate) +
            leaf('PasswordLastUsed', u.passwordLastUsed),
        )
      : '';
    return leaf('SerialNumber', d.serialNumber) + user + leaf('EnableDate', d.enableDate);
  };
  return memberList('VirtualMFADevices', devices, device) + leaf('IsTruncated', marker !== null) + leaf('Marker', marker);
}

export type ReportState = 'STARTED' | 'INPROGRESS' | 'COMPLETE';
const REPORT_DESCRIPTIONS: Record<ReportState, string | null> = {
  STARTED: 'No report exists. Starting a new report generation task',
  INPROGRESS: 'Report generation task is in progress',
  COMPLETE: null,
};
export function generateCredentialReportXml(state: ReportState): string {
  return leaf('State', state) + leaf('Description', REPORT_DESCRIPTIONS[state]);
}

export function credentialReportXml(csv: string, generatedTime: Date): string {
  return leaf('Content', Buffer.from(csv, 'utf8').toString('base64')) + leaf('ReportFormat', 'text/csv') + leaf('GeneratedTime', generatedTime);
}

export function callerIdentityXml(identity: { userId: string; account: string; arn: string }): string {
  return leaf('UserId', identity.userId) + leaf('Account', identity.account) + leaf('Arn', identity.arn);
}
