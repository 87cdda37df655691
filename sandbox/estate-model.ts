// The shape of the simulated account: plain data the XML and CSV renderers read. Dates are instants;
// policy documents are parsed JSON (the renderers URL-encode them as AWS does).

export const SANDBOX_ACCOUNT_ID = '111122223333';
/** The organisation's management account, trusted by OrganizationAccountAccessRole. */
export const MANAGEMENT_ACCOUNT_ID = '444455556666';
/** Where the company runs its workloads; credentials are last used here. */
export const SANDBOX_REGION = 'eu-west-1';
export const DEFAULT_ESTATE_USERS = 40;
export const DEFAULT_ESTATE_SEED = 1;

export type PolicyStatement = Record<string, unknown>;
export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}
export interface Tag {
  key: string;
  value: string;
}
export interface InlinePolicy {
  name: string;
  document: PolicyDocument;
}
export interface AccessKeyUse {
  date: Date;
  region: string;
  service: string;
}
export interface EstateAccessKey {
  accessKeyId: string;
  active: boolean;
  createDate: Date;
  lastUsed: AccessKeyUse | null;
}
export interface MfaDevice {
  serialNumber: string;
  enableDate: Date;
  virtual: boolean;
}
export interface EstatePassword {
  lastChanged: Date;
  /** null: never signed in (`no_information` in the credential report). */
  lastUsed: Date | null;
}
export interface EstateUser {
  userName: string;
  userId: string;
  arn: string;
  path: string;
  createDate: Date;
  groups: string[];
  attachedPolicyArns: string[];
  inlinePolicies: InlinePolicy[];
  tags: Tag[];
  password: EstatePassword | null;
  /** The MFA device in use, if any. */
  mfa: MfaDevice | null;
  /** In credential-report slot order (oldest first), at most two. */
  accessKeys: EstateAccessKey[];
}
export interface EstateGroup {
  groupName: string;
  groupId: string;
  arn: string;
  path: string;
  createDate: Date;
  attachedPolicyArns: string[];
  inlinePolicies: InlinePolicy[];
}
export interface EstateInstanceProfile {
  name: string;
  id: string;
  arn: string;
  path: string;
  createDate: Date;
}
export interface EstateRole {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  createDate: Date;
  trustPolicy: PolicyDocument;
  attachedPolicyArns: string[];
  inlinePolicies: InlinePolicy[];
  instanceProfiles: EstateInstanceProfile[];
  lastUsed: { date: Date; region: string } | null;
  tags: Tag[];
}
export interface EstatePolicyVersion {
  versionId: string;
  document: PolicyDocument;
  createDate: Date;
  isDefault: boolean;
}
export interface EstateManagedPolicy {
  policyName: string;
  policyId: string;
  arn: string;
  path: string;
  awsManaged: boolean;
  createDate: Date;
  updateDate: Date;
  defaultVersionId: string;
  versions: EstatePolicyVersion[];
  attachmentCount: number;
}
export interface EstateRoot {
  arn: string;
  /** Root's pseudo user id is the account id. */
  userId: string;
  createDate: Date;
  passwordLastUsed: Date | null;
  mfa: MfaDevice | null;
  accessKeys: EstateAccessKey[];
}
export interface EstatePasswordPolicy {
  minimumPasswordLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  allowUsersToChangePassword: boolean;
  expirePasswords: boolean;
  maxPasswordAge: number | null;
  passwordReusePrevention: number | null;
  hardExpiry: boolean;
}
/** The user a virtual MFA device is assigned to; root has no name or path. */
export interface MfaAssignee {
  userName: string | null;
  userId: string;
  arn: string;
  path: string | null;
  createDate: Date;
  passwordLastUsed: Date | null;
}
export interface EstateVirtualMfaDevice {
  serialNumber: string;
  enableDate: Date | null;
  user: MfaAssignee | null;
}
export interface IamEstate {
  accountId: string;
  /** The UTC day of the instant described, `YYYY-MM-DD`. */
  day: string;
  /** The instant the estate describes: what an API answers at that moment (later changes of the day are not in it). */
  asOf: Date;
  historyEnd: Date;
  users: EstateUser[];
  groups: EstateGroup[];
  roles: EstateRole[];
  /** Customer managed policies plus the AWS managed ones attached to something. */
  policies: EstateManagedPolicy[];
  root: EstateRoot;
  passwordPolicy: EstatePasswordPolicy | null;
  virtualMfaDevices: EstateVirtualMfaDevice[];
  /** OIDC and SAML identity providers (GitHub Actions). */
  identityProviders: number;
}
export interface EstateOptions {
  users?: number;
  /** Totals to pad the estate to with team groups, workload roles and team policies (benchmarks). */
  groups?: number;
  roles?: number;
  policies?: number;
  seed?: number;
  /** The anchor day drift is counted back from; default: today (UTC). */
  historyEnd?: Date;
}
export interface DriftEvent {
  date: Date;
  description: string;
}
