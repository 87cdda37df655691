// The aws-organization checks as pure functions over hand-built evidence: each with pass, fail, error and
// not-applicable cases, and none concluding a pass over a part that could not be read.
import { describe, expect, it } from 'vitest';
import { awsOrganizationChecks } from '../../../collectors/aws-organization/checks/index.js';
import { durationSeconds } from '../../../collectors/aws-organization/checks/permission-set-session-limited.js';
import { awsOrganizationOptionsSchema, EVIDENCE, resourceIds } from '../../../collectors/aws-organization/schema.js';
import type {
  AccountEvidence,
  AssignmentEvidence,
  AwsOrganizationOptions,
  InstanceEvidence,
  OrganizationTrailEvidence,
  PermissionSetEvidence,
  PolicyDocument,
  RootEvidence,
  ScpEvidence,
} from '../../../collectors/aws-organization/schema.js';
import type { EvidenceItem, FindingDraft, ResourceError } from '../../../src/collector.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';

const MGMT = '111111111111';
const MEMBER = '222222222222';
const NOW = new Date('2026-12-07T12:00:00Z');
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1111222233334444';
const IDC = resourceIds.identityCenter('aws', MGMT, 'eu-west-1');
const psArn = (id: string) => `arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-${id}`;
const item = (type: string, resourceId: string, data: unknown): EvidenceItem => ({ type, resourceId, schemaVersion: 1, data });

const options = (overrides: Record<string, unknown> = {}): AwsOrganizationOptions =>
  awsOrganizationOptionsSchema.parse({ accounts: [{ id: MGMT }], ...overrides });

function run(checkId: string, evidence: EvidenceItem[], opts = options(), errors: ResourceError[] = []): FindingDraft[] {
  const check = awsOrganizationChecks.find((c) => c.id === checkId)!;
  return evaluateChecks([check], evidence, errors, opts, NOW, `arn:aws:organizations::${MGMT}:scope`).findings.map((f) => ({
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    status: f.status,
    message: f.message,
  }));
}
const statuses = (findings: FindingDraft[]) => findings.map((f) => `${f.status} ${f.resourceId}`);

const instance = (instances = 1) =>
  item(EVIDENCE.instance, IDC, {
    region: 'eu-west-1',
    instances: instances ? [{ instanceArn: INSTANCE, identityStoreId: 'd-1234567890', ownerAccountId: MGMT, name: null, status: 'ACTIVE' }] : [],
  } satisfies InstanceEvidence);

function permissionSet(id: string, name: string, extra: Partial<PermissionSetEvidence> = {}): EvidenceItem {
  const data: PermissionSetEvidence = {
    instanceArn: INSTANCE,
    arn: psArn(id),
    name,
    description: null,
    sessionDuration: 'PT1H',
    managedPolicies: [],
    customerManagedPolicies: [],
    inlinePolicy: null,
    provisionedAccounts: [MEMBER],
    ...extra,
  };
  return item(EVIDENCE.permissionSet, data.arn, data);
}
function assignment(setId: string, setName: string, principalType: 'USER' | 'GROUP', principalId: string, principalName: string | null): EvidenceItem {
  const data: AssignmentEvidence = {
    instanceArn: INSTANCE,
    accountId: MEMBER,
    permissionSetArn: psArn(setId),
    permissionSetName: setName,
    principalType,
    principalId,
    principalName,
  };
  return item(EVIDENCE.assignment, resourceIds.assignment(data.permissionSetArn, MEMBER, principalType, principalId), data);
}

const ADMIN_MANAGED = { managedPolicies: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }] };
const INLINE_STAR: PolicyDocument = { Version: '2012-10-17', Statement: [{ Sid: 'Everything', Effect: 'Allow', Action: '*:*', Resource: '*' }] };

describe('aws_organization_admin_permission_set_restricted', () => {
  const ID = 'aws_organization_admin_permission_set_restricted';
  const estate = [
    instance(),
    permissionSet('admin', 'AdministratorAccess', ADMIN_MANAGED),
    permissionSet('inline', 'PlatformRoot', { inlinePolicy: INLINE_STAR }),
    permissionSet('read', 'ReadOnly', { managedPolicies: [{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] }),
    assignment('admin', 'AdministratorAccess', 'GROUP', 'g-admins', 'PlatformAdmins'),
    assignment('admin', 'AdministratorAccess', 'USER', 'u-mallory', 'mallory'),
    assignment('inline', 'PlatformRoot', 'GROUP', 'g-dev', 'Developers'),
    assignment('read', 'ReadOnly', 'USER', 'u-ann', 'ann'),
  ];

  it('passes the allowed group, fails a user and a group not allowed (managed and inline admin), ignores non-admin sets', () => {
    const findings = run(ID, estate, options({ identityCenter: { adminGroups: ['Platform*'] } }));
    expect(statuses(findings)).toEqual([
      `pass ${psArn('admin')}/account/${MEMBER}/group/g-admins`,
      `fail ${psArn('admin')}/account/${MEMBER}/user/u-mallory`,
      `fail ${psArn('inline')}/account/${MEMBER}/group/g-dev`,
    ]);
    expect(findings[1]!.message).toBe(
      `Permission set AdministratorAccess (admin-equivalent: the AdministratorAccess managed policy) is assigned to user mallory in account ${MEMBER}, an individual user rather than an approved group.`,
    );
    expect(findings[2]!.message).toContain('an inline policy allowing every action on every resource (statement Everything)');
  });

  it('treats permission sets named in adminPermissionSets as admin', () => {
    const findings = run(
      ID,
      [instance(), permissionSet('read', 'BreakGlass'), assignment('read', 'BreakGlass', 'GROUP', 'g-x', 'Ops')],
      options({ identityCenter: { adminPermissionSets: ['Break*'] } }),
    );
    expect(findings.map((f) => f.status)).toEqual(['fail']);
  });

  it('passes the instance when no admin set is assigned; not applicable without an instance', () => {
    expect(statuses(run(ID, [instance(), permissionSet('read', 'ReadOnly'), assignment('read', 'ReadOnly', 'GROUP', 'g-x', 'Ops')]))).toEqual([`pass ${IDC}`]);
    expect(statuses(run(ID, [instance(0)]))).toEqual([`not_applicable ${IDC}`]);
  });

  it('records an error, and no pass, when Identity Center could not be read', () => {
    const findings = run(ID, [], options(), [
      { type: EVIDENCE.instance, resourceId: IDC, error: 'IAM Identity Center in eu-west-1: AccessDeniedException: no' },
    ]);
    expect(statuses(findings)).toEqual([`error ${IDC}`]);
  });
});

describe('aws_organization_assignment_to_group', () => {
  const ID = 'aws_organization_assignment_to_group';
  const estate = [
    instance(),
    permissionSet('read', 'ReadOnly'),
    assignment('read', 'ReadOnly', 'GROUP', 'g-x', 'Ops'),
    assignment('read', 'ReadOnly', 'USER', 'u-ann', 'ann'),
    assignment('read', 'ReadOnly', 'USER', 'u-bg', 'breakglass'),
  ];

  it('fails a user assignment, passes an allow-listed user, says nothing of group assignments', () => {
    const findings = run(ID, estate, options({ identityCenter: { userAssignmentAllowList: ['breakglass'] } }));
    expect(statuses(findings)).toEqual([`fail ${psArn('read')}/account/${MEMBER}/user/u-ann`, `pass ${psArn('read')}/account/${MEMBER}/user/u-bg`]);
    expect(findings[0]!.message).toBe(`User ann is assigned permission set ReadOnly in account ${MEMBER} directly, not through a group.`);
  });

  it('passes the instance when every assignment is to a group', () => {
    expect(statuses(run(ID, estate.slice(0, 3)))).toEqual([`pass ${IDC}`]);
  });

  it('is not applicable when the config allows user assignments, or without an instance', () => {
    expect(statuses(run(ID, estate, options({ identityCenter: { requireGroupAssignments: false } })))).toEqual([`not_applicable ${IDC}`]);
    expect(statuses(run(ID, [instance(0)]))).toEqual([`not_applicable ${IDC}`]);
  });

  it('records an error, and no pass, when Identity Center could not be read', () => {
    expect(statuses(run(ID, [], options(), [{ type: EVIDENCE.instance, resourceId: IDC, error: 'denied' }]))).toEqual([`error ${IDC}`]);
  });
});

describe('aws_organization_permission_set_session_limited', () => {
  const ID = 'aws_organization_permission_set_session_limited';

  it('reads Identity Center durations', () => {
    expect(durationSeconds('PT8H')).toBe(28_800);
    expect(durationSeconds('PT1H30M')).toBe(5_400);
    expect(durationSeconds('PT')).toBeUndefined();
    expect(durationSeconds('P1D')).toBeUndefined();
  });

  it('passes at the limit, fails above it, passes the 1-hour default saying so, errors on an unreadable duration', () => {
    const findings = run(ID, [
      instance(),
      permissionSet('a', 'Eight', { sessionDuration: 'PT8H' }),
      permissionSet('b', 'Twelve', { sessionDuration: 'PT12H' }),
      permissionSet('c', 'Unset', { sessionDuration: null }),
      permissionSet('d', 'Odd', { sessionDuration: 'one day' }),
    ]);
    expect(findings.map((f) => `${f.status}: ${f.message}`)).toEqual([
      'pass: Permission set Eight grants sessions of 8 hours, within the limit of 8 hours.',
      'fail: Permission set Twelve grants sessions of 12 hours, longer than the limit of 8 hours.',
      "pass: Permission set Unset sets no session duration: Identity Center's default of 1 hour applies.",
      'error: Permission set Odd has a session duration that cannot be read ("one day").',
    ]);
  });

  it('follows maxSessionHours', () => {
    expect(run(ID, [instance(), permissionSet('a', 'Four', { sessionDuration: 'PT4H' })], options({ identityCenter: { maxSessionHours: 2 } }))[0]!.status).toBe(
      'fail',
    );
  });

  it('is not applicable without an instance or without permission sets; error when unread', () => {
    expect(statuses(run(ID, [instance(0)]))).toEqual([`not_applicable ${IDC}`]);
    expect(statuses(run(ID, [instance()]))).toEqual([`not_applicable ${IDC}`]);
    expect(statuses(run(ID, [], options(), [{ type: EVIDENCE.instance, resourceId: IDC, error: 'denied' }]))).toEqual([`error ${IDC}`]);
  });
});

const ROOT_ID = 'r-ab12';
const OU_ID = 'ou-ab12-prod0001';
const ROOT_ARN = `arn:aws:organizations::${MGMT}:root/o-abcdefghij/${ROOT_ID}`;
const accountArn = (id: string) => `arn:aws:organizations::${MGMT}:account/o-abcdefghij/${id}`;
function root(scpEnabled = true): EvidenceItem {
  const data: RootEvidence = {
    id: ROOT_ID,
    arn: ROOT_ARN,
    name: 'Root',
    policyTypes: scpEnabled ? [{ type: 'SERVICE_CONTROL_POLICY', status: 'ENABLED' }] : [],
  };
  return item(EVIDENCE.root, ROOT_ARN, data);
}
function account(id: string, extra: Partial<AccountEvidence> = {}): EvidenceItem {
  const data: AccountEvidence = {
    accountId: id,
    arn: accountArn(id),
    name: `acct-${id.slice(0, 3)}`,
    status: 'ACTIVE',
    joinedMethod: 'CREATED',
    joinedAt: null,
    parentId: OU_ID,
    path: [ROOT_ID, OU_ID],
    management: false,
    ...extra,
  };
  return item(EVIDENCE.account, data.arn, data);
}
function scp(id: string, name: string, statements: PolicyDocument['Statement'], targets: string[]): EvidenceItem {
  const arn = `arn:aws:organizations::${MGMT}:policy/o-abcdefghij/service_control_policy/${id}`;
  const data: ScpEvidence = {
    id,
    arn,
    name,
    description: '',
    awsManaged: false,
    document: { Version: '2012-10-17', Statement: statements },
    targets: targets.map((t) => ({ targetId: t, type: 'X', name: t })),
  };
  return item(EVIDENCE.scp, arn, data);
}

describe('aws_organization_scp_guardrails_enforced', () => {
  const ID = 'aws_organization_scp_guardrails_enforced';
  const guardrails = scp(
    'p-guard',
    'Guardrails',
    [
      { Sid: 'NoLeaving', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' },
      {
        Sid: 'KeepTrails',
        Effect: 'Deny',
        Action: ['cloudtrail:Stop*', 'cloudtrail:Delete*'],
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/BreakGlass' } },
      },
    ],
    [OU_ID],
  );
  const full = scp('p-full', 'FullAWSAccess', { Effect: 'Allow', Action: '*', Resource: '*' }, [ROOT_ID]);

  it('passes an account whose OU carries the denies, naming the statements and conditions', () => {
    const findings = run(ID, [root(), account(MEMBER), guardrails, full]);
    expect(findings.map((f) => `${f.status}: ${f.message}`)).toEqual([
      `pass: Account ${MEMBER} (acct-222): service control policies deny organizations:LeaveOrganization by Guardrails NoLeaving; cloudtrail:StopLogging by Guardrails KeepTrails, unless aws:PrincipalArn match; cloudtrail:DeleteTrail by Guardrails KeepTrails, unless aws:PrincipalArn match.`,
    ]);
  });

  it('fails an account outside the OU, an SCP on a single resource, missing GuardDuty actions when configured, and SCPs not enabled', () => {
    const elsewhere = account('333333333333', { path: [ROOT_ID], parentId: ROOT_ID });
    expect(run(ID, [root(), elsewhere, guardrails, full])[0]!.message).toBe(
      'Account 333333333333 (acct-333): no service control policy denies organizations:LeaveOrganization, cloudtrail:StopLogging, cloudtrail:DeleteTrail.',
    );
    const narrow = scp('p-n', 'Narrow', { Effect: 'Deny', Action: '*', Resource: 'arn:aws:cloudtrail:*:*:trail/x' }, [ROOT_ID]);
    expect(run(ID, [root(), account(MEMBER), narrow])[0]!.status).toBe('fail');
    const guardDuty = run(ID, [root(), account(MEMBER), guardrails], options({ scp: { guardDuty: true } }));
    expect(guardDuty[0]!.message).toContain(
      'no service control policy denies guardduty:DeleteDetector, guardduty:DisassociateFromAdministratorAccount, guardduty:DisassociateFromMasterAccount',
    );
    expect(run(ID, [root(false), account(MEMBER), guardrails])[0]!.message).toContain('service control policies are not enabled on root r-ab12');
  });

  it('reads a Deny with NotAction as denying everything else', () => {
    const notAction = scp('p-na', 'DenyAllBut', { Effect: 'Deny', NotAction: ['s3:*'], Resource: '*' }, [ROOT_ID]);
    expect(run(ID, [root(), account(MEMBER), notAction])[0]!.status).toBe('pass');
  });

  it('is not applicable to the management account and a suspended account; error when the SCPs could not be read', () => {
    const findings = run(
      ID,
      [root(), account(MGMT, { management: true, path: [ROOT_ID] }), account('444444444444', { status: 'SUSPENDED' }), account(MEMBER)],
      options(),
      [{ type: EVIDENCE.scp, resourceId: resourceIds.part('aws', MGMT, 'service-control-policies'), error: 'ListPolicies: AccessDeniedException' }],
    );
    expect(statuses(findings)).toEqual([
      `not_applicable ${accountArn(MGMT)}`,
      `error ${accountArn(MEMBER)}`,
      `not_applicable ${accountArn('444444444444')}`,
      `error ${resourceIds.part('aws', MGMT, 'service-control-policies')}`,
    ]);
  });
});

describe('aws_organization_trail_covers_accounts', () => {
  const ID = 'aws_organization_trail_covers_accounts';
  const trail = (extra: Partial<OrganizationTrailEvidence> = {}): EvidenceItem => {
    const data: OrganizationTrailEvidence = {
      arn: `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/org`,
      name: 'org',
      homeRegion: 'us-east-1',
      multiRegion: true,
      isLogging: true,
      statusError: null,
      ...extra,
    };
    return item(EVIDENCE.trail, data.arn, data);
  };

  it('passes every active account under a logging multi-region organisation trail', () => {
    const findings = run(ID, [account(MEMBER), account(MGMT, { management: true }), trail()]);
    expect(findings.map((f) => f.status)).toEqual(['pass', 'pass']);
    expect(findings[1]!.message).toBe(
      `Account ${MEMBER} (acct-222) is covered by the organisation trail arn:aws:cloudtrail:us-east-1:${MGMT}:trail/org (multi-region, logging).`,
    );
  });

  it('fails without an organisation trail, and when the only one is stopped or single-region', () => {
    expect(run(ID, [account(MEMBER)])[0]!.message).toBe(
      `Account ${MEMBER} (acct-222) is not covered by an organisation trail: the organisation has no organisation trail.`,
    );
    expect(run(ID, [account(MEMBER), trail({ isLogging: false })])[0]!.status).toBe('fail');
    expect(run(ID, [account(MEMBER), trail({ multiRegion: false })])[0]!.status).toBe('fail');
  });

  it('records an error when the trails or their status could not be read', () => {
    expect(run(ID, [account(MEMBER), trail({ isLogging: null, statusError: 'GetTrailStatus: denied' })])[0]!.status).toBe('error');
    const part = resourceIds.part('aws', MGMT, 'organization-trails');
    expect(statuses(run(ID, [account(MEMBER)], options(), [{ type: EVIDENCE.trail, resourceId: part, error: 'DescribeTrails: denied' }]))).toEqual([
      `error ${accountArn(MEMBER)}`,
      `error ${part}`,
    ]);
  });

  it('is not applicable to a suspended account, and to all when organizationTrail is off', () => {
    expect(statuses(run(ID, [account(MEMBER, { status: 'SUSPENDED' }), trail()]))).toEqual([`not_applicable ${accountArn(MEMBER)}`]);
    expect(statuses(run(ID, [account(MEMBER)], options({ organizationTrail: false })))).toEqual([`not_applicable ${accountArn(MEMBER)}`]);
  });
});
