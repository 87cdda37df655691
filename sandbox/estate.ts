// The simulated AWS account behind the sandbox: a small company's IAM estate as it stands at any instant,
// with a scripted drift history counted back from an anchor day (`historyEnd`). A snapshot at 06:00 does
// not show a change made at 09:12 that day. A pure function of (instant, historyEnd, seed, users): two
// sandboxes given the same inputs always agree.
import { compareStrings } from '../src/compare-strings.js';
import { DRIFT } from './drift.js';
import { DEFAULT_ESTATE_SEED, DEFAULT_ESTATE_USERS, SANDBOX_ACCOUNT_ID } from './estate-model.js';
import type {
  EstateManagedPolicy,
  EstateGroup,
  EstateOptions,
  EstatePasswordPolicy,
  EstateRoot,
  EstateUser,
  EstateVirtualMfaDevice,
  IamEstate,
} from './estate-model.js';
import { awsPolicyArn, customerPolicyArn, managedPolicies } from './estate-policies.js';
import { buildRoles } from './estate-roles.js';
import { teamGroups, teamPolicies, workloadRoles } from './estate-scale.js';
import { DAY_MS, timeline } from './estate-timeline.js';
import type { Timeline } from './estate-timeline.js';
import { buildUser, castUsers, staffUsers } from './estate-users.js';
import type { UserSpec } from './estate-users.js';

export * from './estate-model.js';
export { CAST, driftEvents } from './drift.js';

const ACCOUNT = SANDBOX_ACCOUNT_ID;

function buildGroups(t: Timeline): EstateGroup[] {
  const group = (name: string, offset: number, attached: string[]): EstateGroup => ({
    groupName: name,
    groupId: t.id('AGPA', `group:${name}`),
    arn: `arn:aws:iam::${ACCOUNT}:group/${name}`,
    path: '/',
    createDate: t.at(offset, 10, 3, 17),
    attachedPolicyArns: attached,
    inlinePolicies: [],
  });
  return [
    group('Admins', -1200, [awsPolicyArn('AdministratorAccess')]),
    group('Billing', -1150, [awsPolicyArn('Billing')]),
    group('Developers', -1190, [awsPolicyArn('PowerUserAccess'), customerPolicyArn('/', 'DeveloperSelfService')]),
    group('ReadOnly', -1190, [awsPolicyArn('ReadOnlyAccess')]),
  ];
}

/** Root is used rarely: once months ago, then the drift's sign-in "last week". */
export function rootSignIns(t: Timeline): Date[] {
  return [t.at(-140, 10, 3, 52), t.when(DRIFT.rootSignIn)];
}

function buildRoot(t: Timeline): EstateRoot {
  const signIns = rootSignIns(t);
  const mfaEnabled = t.at(-1399, 9, 2, 10);
  return {
    arn: `arn:aws:iam::${ACCOUNT}:root`,
    userId: ACCOUNT,
    createDate: t.at(-1400, 11, 48, 0),
    passwordLastUsed: signIns.filter((d) => t.exists(d)).at(-1) ?? null,
    // A virtual device, not hardware: a finding for strict root-MFA checks.
    mfa: t.exists(mfaEnabled) ? { serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/root-account-mfa-device`, enableDate: mfaEnabled, virtual: true } : null,
    accessKeys: [],
  };
}

function buildPasswordPolicy(t: Timeline): EstatePasswordPolicy | null {
  if (!t.has(DRIFT.passwordPolicyCreated)) return null;
  return {
    minimumPasswordLength: t.has(DRIFT.policyRelaxed) ? 8 : 14,
    requireSymbols: true,
    requireNumbers: true,
    requireUppercaseCharacters: true,
    requireLowercaseCharacters: true,
    allowUsersToChangePassword: true,
    expirePasswords: false,
    maxPasswordAge: null,
    passwordReusePrevention: 24,
    hardExpiry: false,
  };
}

/**
 * The account as it stands at the instant `date`. `users` is the head count on the end day
 * (at least the fixed cast of 14); `historyEnd` defaults to today, so pass it for reproducible output.
 */
export function buildIamEstate(date: Date, opts: EstateOptions = {}): IamEstate {
  const t = timeline(date, opts.historyEnd ?? new Date(), opts.seed ?? DEFAULT_ESTATE_SEED);
  const specs = userSpecs(t, opts.users);
  const devices: EstateVirtualMfaDevice[] = [];
  const users = specs
    .map((spec) => buildUser(t, spec, devices))
    .filter((u): u is EstateUser => u !== null)
    .sort((a, b) => compareStrings(a.userName, b.userName));
  const scripted = { groups: buildGroups(t), roles: buildRoles(t) };
  const scriptedPolicies = managedPolicies(
    t,
    [...users, ...scripted.groups, ...scripted.roles].flatMap((p) => p.attachedPolicyArns),
  );
  const padPolicies = teamPolicies(t, Math.max(0, (opts.policies ?? 0) - scriptedPolicies.length));
  const groups = [...scripted.groups, ...teamGroups(t, Math.max(0, (opts.groups ?? 0) - scripted.groups.length), padPolicies)];
  const roles = [...scripted.roles, ...workloadRoles(t, Math.max(0, (opts.roles ?? 0) - scripted.roles.length), padPolicies)];
  const root = buildRoot(t);
  if (root.mfa) {
    const { userId, arn, createDate, passwordLastUsed } = root;
    devices.push({
      serialNumber: root.mfa.serialNumber,
      enableDate: root.mfa.enableDate,
      user: { userName: null, path: null, userId, arn, createDate, passwordLastUsed },
    });
  }
  const attachedArns = [...users, ...groups, ...roles].flatMap((p) => p.attachedPolicyArns);
  return {
    accountId: ACCOUNT,
    day: new Date(t.day * DAY_MS).toISOString().slice(0, 10),
    asOf: t.asOf,
    historyEnd: new Date(t.endDay * DAY_MS),
    users,
    groups,
    roles,
    policies: [...managedPolicies(t, attachedArns), ...countAttachments(padPolicies, attachedArns)].sort((a, b) => compareStrings(a.arn, b.arn)),
    root,
    passwordPolicy: buildPasswordPolicy(t),
    virtualMfaDevices: devices.sort((a, b) => compareStrings(a.serialNumber, b.serialNumber)),
    identityProviders: 1,
  };
}

function countAttachments(policies: EstateManagedPolicy[], attachedArns: string[]): EstateManagedPolicy[] {
  const counts = new Map<string, number>();
  for (const arn of attachedArns) counts.set(arn, (counts.get(arn) ?? 0) + 1);
  return policies.map((p) => ({ ...p, attachmentCount: counts.get(p.arn) ?? 0 }));
}

/** Everyone who is ever a user, deleted or not yet created included: the cast, then staff up to the head count. */
export function userSpecs(t: Timeline, users = DEFAULT_ESTATE_USERS): UserSpec[] {
  const cast = castUsers(t);
  const castAtEnd = cast.filter((s) => !s.deleted).length;
  const staffCount = Math.max(0, users - castAtEnd);
  return [...cast, ...staffUsers(t, staffCount, new Set(cast.map((s) => s.name)))];
}

/** GetAccountSummary's map, consistent with the estate (quotas are AWS's defaults). */
export function accountSummary(estate: IamEstate): Record<string, number> {
  const mfaInUse = [...estate.users.map((u) => u.mfa), estate.root.mfa].filter((m) => m !== null);
  return {
    Users: estate.users.length,
    UsersQuota: 5000,
    Groups: estate.groups.length,
    GroupsQuota: 300,
    GroupsPerUserQuota: 10,
    Roles: estate.roles.length,
    RolesQuota: 1000,
    InstanceProfiles: estate.roles.reduce((n, r) => n + r.instanceProfiles.length, 0),
    InstanceProfilesQuota: 1000,
    Policies: estate.policies.filter((p) => !p.awsManaged).length,
    PoliciesQuota: 1500,
    PolicySizeQuota: 6144,
    PolicyVersionsInUse: estate.policies.reduce((n, p) => n + p.attachmentCount, 0),
    PolicyVersionsInUseQuota: 10000,
    VersionsPerPolicyQuota: 5,
    AttachedPoliciesPerUserQuota: 10,
    AttachedPoliciesPerGroupQuota: 10,
    AttachedPoliciesPerRoleQuota: 10,
    UserPolicySizeQuota: 2048,
    GroupPolicySizeQuota: 5120,
    RolePolicySizeQuota: 10240,
    AssumeRolePolicySizeQuota: 2048,
    MFADevices: estate.virtualMfaDevices.length,
    MFADevicesInUse: mfaInUse.length,
    AccountMFAEnabled: estate.root.mfa ? 1 : 0,
    AccountAccessKeysPresent: estate.root.accessKeys.length > 0 ? 1 : 0,
    AccountPasswordPresent: 1,
    AccountSigningCertificatesPresent: 0,
    SigningCertificatesPerUserQuota: 2,
    AccessKeysPerUserQuota: 2,
    ServerCertificates: 0,
    ServerCertificatesQuota: 20,
    Providers: estate.identityProviders,
    GlobalEndpointTokenVersion: 1,
  };
}
