// The aws-iam policy checks as pure functions over hand-built evidence: policies attached to users, the
// policy shapes that must (not) count as administrator access, allow-list globs, and judging over
// unreadable evidence.
import { describe, expect, it } from 'vitest';
import { awsIamChecks } from '../../../collectors/aws-iam/checks/index.js';
import { EVIDENCE, resourceIds } from '../../../collectors/aws-iam/schema.js';
import type { PolicyStatement, UserEvidence } from '../../../collectors/aws-iam/schema.js';
import type { EvidenceItem, EvidenceView, ResourceError } from '../../../src/collector.js';
import { evaluateChecks, evidenceView } from '../../../src/evaluate-checks.js';
import {
  ACCOUNT,
  ACCOUNT_REF,
  NOW,
  arn,
  item,
  viewOf,
  unreadable,
  options,
  evaluate,
  user,
  group,
  role,
  managedPolicy,
  ADMIN_ACCESS,
  allowAll,
} from '../../helpers/aws-iam-evidence.js';

describe('aws_iam_user_no_direct_policies', () => {
  it('fails users with attached or inline policies and passes the others', () => {
    const view = viewOf(
      user('alice', { groups: ['admins'] }),
      user('bob', {
        attachedPolicies: [{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
        inlinePolicies: [{ name: 'extra', document: { Statement: [] } }],
      }),
    );
    expect(evaluate('aws_iam_user_no_direct_policies', view)).toEqual([
      {
        resourceType: EVIDENCE.user,
        resourceId: arn('user/alice'),
        status: 'pass',
        message: 'IAM user alice has no policies attached directly.',
      },
      {
        resourceType: EVIDENCE.user,
        resourceId: arn('user/bob'),
        status: 'fail',
        message: 'IAM user bob has policies attached directly: managed ReadOnlyAccess, inline extra.',
      },
    ]);
  });
});

describe('aws_iam_policy_no_full_admin', () => {
  const judge = (statements: PolicyStatement | PolicyStatement[]) =>
    evaluate('aws_iam_policy_no_full_admin', viewOf(managedPolicy(arn('policy/Custom'), statements)))[0]?.status;

  it.each([
    ['Action and Resource "*"', allowAll, 'fail'],
    ['"*" inside an Action array', { Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: ['*'] }, 'fail'],
    ['"*:*" as the action', { Effect: 'Allow', Action: '*:*', Resource: '*' }, 'fail'],
    ['one admin statement among others', [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, allowAll], 'fail'],
    ['NotAction with Resource "*" (all but a few actions)', { Effect: 'Allow', NotAction: ['cloudtrail:*', 'organizations:*'], Resource: '*' }, 'fail'],
    ['Action "*" with NotResource (all but a few resources)', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::bucket' }, 'fail'],
    ['Action "*:*" with NotResource', { Effect: 'Allow', Action: '*:*', NotResource: ['arn:aws:s3:::bucket'] }, 'fail'],
    ['NotAction with NotResource', { Effect: 'Allow', NotAction: 'cloudtrail:*', NotResource: 'arn:aws:s3:::bucket' }, 'fail'],
    ['NotAction on one resource', { Effect: 'Allow', NotAction: 'cloudtrail:*', Resource: 'arn:aws:s3:::bucket/*' }, 'pass'],
    [
      'NotAction leaving out all of IAM (PowerUserAccess: cannot grant itself more)',
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
      'pass',
    ],
    ['every IAM action on every resource (IAMFullAccess: can grant itself anything)', { Effect: 'Allow', Action: 'iam:*', Resource: '*' }, 'fail'],
    ['every IAM action on one role only', { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::111122223333:role/app' }, 'pass'],
    ['NotAction leaving out only part of IAM', { Effect: 'Allow', NotAction: 'iam:DeleteUser', Resource: '*' }, 'fail'],
    ['NotAction "*" (grants no action)', { Effect: 'Allow', NotAction: '*', Resource: '*' }, 'pass'],
    ['NotResource "*" (covers no resource)', { Effect: 'Allow', Action: '*', NotResource: '*' }, 'pass'],
    ['NotResource with a service wildcard', { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::bucket' }, 'pass'],
    ['Deny of everything', { Effect: 'Deny', Action: '*', Resource: '*' }, 'pass'],
    ['Deny with NotAction', { Effect: 'Deny', NotAction: 'cloudtrail:*', Resource: '*' }, 'pass'],
    ['service wildcard only', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, 'pass'],
    ['every action on one resource', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/*' }, 'pass'],
  ] as const)('%s', (_case, statements, status) => {
    expect(judge(statements as PolicyStatement | PolicyStatement[])).toBe(status);
  });

  it('says what each admin statement grants', () => {
    const view = viewOf(
      managedPolicy(arn('policy/Broad'), [
        { Sid: 'AllButAudit', Effect: 'Allow', NotAction: ['cloudtrail:*', 'organizations:*'], Resource: '*' },
        { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::audit-logs' },
      ]),
    );
    expect(evaluate('aws_iam_policy_no_full_admin', view)[0]?.message).toBe(
      'Customer-managed policy Broad grants full administrator access: statement AllButAudit allows every action ' +
        'except cloudtrail:*, organizations:* on every resource; statement #2 allows every action on every resource except ' +
        'arn:aws:s3:::audit-logs.',
    );
  });

  it('judges unattached customer policies and inline policies, and skips AWS-managed ones', () => {
    const view = viewOf(
      managedPolicy('arn:aws:iam::aws:policy/AdministratorAccess', allowAll),
      managedPolicy(arn('policy/Unattached'), [{ Sid: 'All', ...allowAll }]),
      role('deploy', { inlinePolicies: [{ name: 'deploy-all', document: { Statement: allowAll } }] }),
      group('ops', { inlinePolicies: [{ name: 'ops-logs', document: { Statement: { Effect: 'Allow', Action: 'logs:*', Resource: '*' } } }] }),
    );
    expect(evaluate('aws_iam_policy_no_full_admin', view)).toEqual([
      {
        resourceType: EVIDENCE.policy,
        resourceId: arn('policy/Unattached'),
        status: 'fail',
        message: 'Customer-managed policy Unattached grants full administrator access: statement All allows every action on every resource.',
      },
      {
        resourceType: EVIDENCE.group,
        resourceId: `${arn('group/ops')}#inline/ops-logs`,
        status: 'pass',
        message: 'Inline policy ops-logs of group ops does not grant full administrator access.',
      },
      {
        resourceType: EVIDENCE.role,
        resourceId: `${arn('role/deploy')}#inline/deploy-all`,
        status: 'fail',
        message: 'Inline policy deploy-all of role deploy grants full administrator access: statement #1 allows every action on every resource.',
      },
    ]);
  });
});

describe('aws_iam_admin_access_restricted', () => {
  const outcomes = (view: EvidenceView, allowList: string[] = []) =>
    evaluate('aws_iam_admin_access_restricted', view, options({ adminAllowList: allowList })).map(
      (finding) => `${finding.status} ${finding.resourceId}: ${finding.message}`,
    );

  it('fails a user holding admin through a group, naming the group and the policy', () => {
    const view = viewOf(group('admins', { attachedPolicies: [ADMIN_ACCESS] }), user('alice', { groups: ['admins'] }));
    expect(outcomes(view)).toEqual([
      `fail ${arn('group/admins')}: group admins holds administrator access (AdministratorAccess attached) but is not on the admin allow list.`,
      `fail ${arn('user/alice')}: IAM user alice holds administrator access (group admins (AdministratorAccess attached)) but is not on the admin allow list.`,
    ]);
  });

  it('passes principals matched by an allow-list glob', () => {
    const view = viewOf(role('OrganizationAccountAccessRole', { attachedPolicies: [ADMIN_ACCESS] }), role('BreakGlass', { attachedPolicies: [ADMIN_ACCESS] }));
    expect(outcomes(view, ['arn:aws:iam::*:role/OrganizationAccountAccessRole'])).toEqual([
      `fail ${arn('role/BreakGlass')}: role BreakGlass holds administrator access (AdministratorAccess attached) but is not on the admin allow list.`,
      `pass ${arn('role/OrganizationAccountAccessRole')}: role OrganizationAccountAccessRole holds administrator access (AdministratorAccess attached) and is on the admin allow list.`,
    ]);
  });

  it.each([
    ['an exact ARN', [arn('role/admin.ops')], 'pass'],
    ['a trailing glob', [arn('role/*')], 'pass'],
    ['a dot that is not a wildcard', [arn('role/admin-ops')], 'fail'],
    ['another account', ['arn:aws:iam::999988887777:role/*'], 'fail'],
  ] as const)('matches the allow list literally except for "*": %s', (_case, allowList, status) => {
    const view = viewOf(role('admin.ops', { attachedPolicies: [ADMIN_ACCESS] }));
    expect(outcomes(view, [...allowList])[0]?.startsWith(status)).toBe(true);
  });

  it('counts customer "*" policies, inline admin, NotAction and NotResource grants, but not Deny statements', () => {
    const view = viewOf(
      managedPolicy(arn('policy/Everything'), { Effect: 'Allow', Action: ['*'], Resource: '*' }),
      managedPolicy(arn('policy/AllButAudit'), { Effect: 'Allow', NotAction: 'cloudtrail:*', Resource: '*' }),
      managedPolicy(arn('policy/LogsOnly'), { Effect: 'Allow', Action: 'logs:*', Resource: '*' }),
      role('uses-custom', { attachedPolicies: [{ name: 'Everything', arn: arn('policy/Everything') }] }),
      role('uses-logs', { attachedPolicies: [{ name: 'LogsOnly', arn: arn('policy/LogsOnly') }] }),
      role('uses-notaction', { attachedPolicies: [{ name: 'AllButAudit', arn: arn('policy/AllButAudit') }] }),
      user('denied', { inlinePolicies: [{ name: 'deny-all', document: { Statement: { Effect: 'Deny', Action: '*', Resource: '*' } } }] }),
      user('inline-admin', { inlinePolicies: [{ name: 'god-mode', document: { Statement: [allowAll] } }] }),
      user('not-resource', {
        inlinePolicies: [{ name: 'all-but-audit', document: { Statement: { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::audit' } } }],
      }),
    );
    expect(outcomes(view)).toEqual([
      `fail ${arn('role/uses-custom')}: role uses-custom holds administrator access (Everything attached) but is not on the admin allow list.`,
      `fail ${arn('role/uses-notaction')}: role uses-notaction holds administrator access (AllButAudit attached) but is not on the admin allow list.`,
      `fail ${arn('user/inline-admin')}: IAM user inline-admin holds administrator access (inline policy god-mode) but is not on the admin allow list.`,
      `fail ${arn('user/not-resource')}: IAM user not-resource holds administrator access (inline policy all-but-audit) but is not on the admin allow list.`,
    ]);
  });

  it('records one pass for the account when nobody holds admin', () => {
    const view = viewOf(user('alice'), role('app'), group('devs'));
    expect(evaluate('aws_iam_admin_access_restricted', view)).toEqual([
      {
        resourceType: EVIDENCE.accountSummary,
        resourceId: resourceIds.accountSummary(ACCOUNT_REF),
        status: 'pass',
        message: `No user, group or role of account ${ACCOUNT} holds administrator access.`,
      },
    ]);
  });

  it('files the account finding in the partition of the evidence', () => {
    const govArn = `arn:aws-us-gov:iam::${ACCOUNT}:user/alice`;
    const view = viewOf(item(EVIDENCE.user, govArn, { ...(user('alice').data as UserEvidence), arn: govArn }));
    expect(evaluate('aws_iam_admin_access_restricted', view).map((finding) => finding.resourceId)).toEqual([`arn:aws-us-gov:iam::${ACCOUNT}:account-summary`]);
  });
});

describe('aws_iam_admin_access_restricted over evidence that could not be read', () => {
  const outcomes = (evidence: EvidenceItem[], errors: ResourceError[]) =>
    evaluate('aws_iam_admin_access_restricted', evidenceView(evidence, errors)).map((finding) => `${finding.status} ${finding.resourceId}: ${finding.message}`);
  const undetermined = `Whether any user, group or role of account ${ACCOUNT} holds administrator access cannot be determined`;

  it.each([
    ['user', unreadable(EVIDENCE.user, arn('user/zoe'))],
    ['group', unreadable(EVIDENCE.group, arn('group/ops'))],
    ['role', unreadable(EVIDENCE.role, arn('role/deploy'))],
    ['customer-managed policy', unreadable(EVIDENCE.policy, arn('policy/Ops'))],
    ['AWS-managed policy', unreadable(EVIDENCE.policy, 'arn:aws:iam::aws:policy/PowerUserAccess')],
  ])('gives the account an error, not a pass, when a %s could not be read', (_case, error) => {
    expect(outcomes([user('alice'), role('app')], [error])).toEqual([
      `error ${arn('account-summary')}: ${undetermined}: the evidence of ${error.type} ${error.resourceId} could not be read.`,
    ]);
  });

  it('names the first five unreadable resources and counts the rest', () => {
    const errors = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => unreadable(EVIDENCE.user, arn(`user/${name}`)));
    const [finding] = outcomes([], errors);
    expect(finding).toBe(
      `error ${arn('account-summary')}: ${undetermined}: the evidence of ` +
        ['a', 'b', 'c', 'd', 'e'].map((name) => `aws.iam.user ${arn(`user/${name}`)}`).join(', ') +
        ' and 2 more could not be read.',
    );
  });

  it('gives an error to principals whose group or attached policy could not be read', () => {
    const evidence = [
      user('alice', { groups: ['ops'] }),
      user('bob', { attachedPolicies: [{ name: 'Ops', arn: arn('policy/Ops') }] }),
      user('carol', { groups: ['devs'] }),
      user('dave', { groups: ['readers'] }),
      group('devs', { attachedPolicies: [{ name: 'Ops', arn: arn('policy/Ops') }] }),
      group('readers'),
      role('deploy', { attachedPolicies: [{ name: 'Ops', arn: arn('policy/Ops') }] }),
    ];
    const errors = [unreadable(EVIDENCE.group, arn('group/team/ops')), unreadable(EVIDENCE.policy, arn('policy/Ops'))];
    const cannot = (label: string, what: string) =>
      `Whether ${label} holds administrator access cannot be determined: the evidence of ${what} could not be read.`;
    expect(outcomes(evidence, errors)).toEqual([
      `error ${arn('group/devs')}: ${cannot('group devs', 'policy Ops')}`,
      `error ${arn('role/deploy')}: ${cannot('role deploy', 'policy Ops')}`,
      `error ${arn('user/alice')}: ${cannot('IAM user alice', 'group ops')}`,
      `error ${arn('user/bob')}: ${cannot('IAM user bob', 'policy Ops')}`,
      `error ${arn('user/carol')}: ${cannot('IAM user carol', 'policy Ops of group devs')}`,
      `error ${arn('account-summary')}: ${undetermined}: the evidence of aws.iam.group ${arn('group/team/ops')}, ` +
        `aws.iam.policy ${arn('policy/Ops')} could not be read.`,
    ]);
  });

  it('still judges a principal that holds admin by what could be read', () => {
    const evidence = [user('alice', { groups: ['ops'], attachedPolicies: [ADMIN_ACCESS] }), user('bob', { groups: ['ops'] })];
    expect(outcomes(evidence, [unreadable(EVIDENCE.group, arn('group/ops'))])).toEqual([
      `fail ${arn('user/alice')}: IAM user alice holds administrator access (AdministratorAccess attached) but is not on the admin allow list.`,
      `error ${arn('user/bob')}: Whether IAM user bob holds administrator access cannot be determined: the evidence of group ops could not be read.`,
    ]);
  });

  it('leaves the unreadable resources themselves to the runner, which makes them errors too', () => {
    const check = awsIamChecks.filter((candidate) => candidate.id === 'aws_iam_admin_access_restricted');
    const errors = [unreadable(EVIDENCE.group, arn('group/ops'))];
    const { findings } = evaluateChecks(check, [user('alice', { groups: ['ops'] })], errors, options(), NOW, ACCOUNT);
    expect(findings.map((finding) => `${finding.status} ${finding.resourceId}`)).toEqual([
      `error ${arn('user/alice')}`,
      `error ${arn('account-summary')}`,
      `error ${arn('group/ops')}`,
    ]);
  });
});
