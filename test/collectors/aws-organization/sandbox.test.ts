// The aws-organization collector against the sandbox, through the real SDK and the management account's
// assumed role: the organisation, its SCPs, its organisation trail and Identity Center are read, and the
// scripted drift (an admin permission set assigned to a user, a session lengthened, the guardrail SCP
// detached from the Security OU) turns the checks from pass to fail on the days after it happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityCenterChangeRow } from '../../../collectors/aws-organization/access-changes.js';
import { awsOrganization } from '../../../collectors/aws-organization/index.js';
import { awsOrganizationOptionsSchema, EVIDENCE } from '../../../collectors/aws-organization/schema.js';
import { IDENTITY_CENTER_DRIFT } from '../../../sandbox/identity-center.js';
import { MANAGEMENT_ACCOUNT_ID } from '../../../sandbox/estate-model.js';
import { SANDBOX_EXTERNAL_ID, SANDBOX_MEMBER_ROLE } from '../../../sandbox/organization.js';
import { startSandbox } from '../../../sandbox/index.js';
import type { Sandbox } from '../../../sandbox/index.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';
import { contextFor, isolateFromHostAws } from '../../helpers/collect-context.js';

const HISTORY_END = new Date('2026-11-30T00:00:00Z');
const DAY = 86_400_000;
const dayAt = (offset: number) => new Date(HISTORY_END.getTime() + offset * DAY + 6 * 3_600_000);
let sandbox: Sandbox;

isolateFromHostAws(
  ['AWS_ENDPOINT_URL_ORGANIZATIONS', 'AWS_ENDPOINT_URL_SSO_ADMIN', 'AWS_ENDPOINT_URL_IDENTITYSTORE', 'AWS_ENDPOINT_URL_CLOUDTRAIL', 'AWS_ENDPOINT_URL_STS'],
  '127.0.0.1',
);
beforeAll(async () => {
  sandbox = await startSandbox({ historyEnd: HISTORY_END, lookupEventsPerSecond: 0, identityCenter: { pageSize: 2 }, organization: { pageSize: 2 } });
});
afterAll(async () => sandbox.close());

function sandboxOrganizationOptions(events = false) {
  return awsOrganizationOptionsSchema.parse({
    accounts: [{ roleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/${SANDBOX_MEMBER_ROLE}`, externalId: SANDBOX_EXTERNAL_ID }],
    identityCenter: { adminGroups: ['PlatformAdmins'] },
    events: { enabled: events },
  });
}

async function collectOn(day: Date, events = false) {
  sandbox.setDate(day);
  const options = sandboxOrganizationOptions(events);
  const { ctx } = contextFor(awsOrganization, options, {
    now: day,
    clientEnvironment: {
      aws: { endpoint: sandbox.endpoint, credentials: { accessKeyId: 'SANDBOXKEY', secretAccessKey: 'sandbox-secret' }, maxAttempts: 1, unlimitedRate: true },
    },
  });
  const result = await awsOrganization.collect(ctx);
  const { findings } = evaluateChecks(awsOrganization.checks, result.evidence, result.errors, options, day, MANAGEMENT_ACCOUNT_ID);
  return { result, findings };
}

describe('aws-organization over the sandbox', () => {
  it('reads every part in small pages, and the checks pass before the drift', async () => {
    const { result, findings } = await collectOn(dayAt(-20));
    expect(result.errors).toEqual([]);
    const count = (type: string) => result.evidence.filter((e) => e.type === type).length;
    expect([
      count(EVIDENCE.account),
      count(EVIDENCE.ou),
      count(EVIDENCE.scp),
      count(EVIDENCE.permissionSet),
      count(EVIDENCE.user),
      count(EVIDENCE.group),
    ]).toEqual([8, 3, 2, 4, 6, 3]);
    expect(count(EVIDENCE.trail)).toBe(1);
    const failing = findings.filter((f) => f.status === 'fail' || f.status === 'error');
    expect(failing).toEqual([]);
  });

  it('fails the new checks on the days after each drift', async () => {
    expect(IDENTITY_CENTER_DRIFT.guardrailsDetached.offset).toBe(-3);
    const { findings } = await collectOn(dayAt(-1));
    const failing = findings.filter((f) => f.status === 'fail').map((f) => `${f.checkId}: ${f.message}`);
    expect(failing).toEqual([
      'aws_organization_admin_permission_set_restricted: Permission set AdministratorAccess (admin-equivalent: the AdministratorAccess managed policy) is assigned to user dan.okafor in account 111122223333, an individual user rather than an approved group.',
      'aws_organization_assignment_to_group: User dan.okafor is assigned permission set AdministratorAccess in account 111122223333 directly, not through a group.',
      'aws_organization_permission_set_session_limited: Permission set SecurityAudit grants sessions of 12 hours, longer than the limit of 8 hours.',
      'aws_organization_scp_guardrails_enforced: Account 333344445555 (security-tooling): no service control policy denies organizations:LeaveOrganization, cloudtrail:StopLogging, cloudtrail:DeleteTrail.',
      'aws_organization_scp_guardrails_enforced: Account 555566667777 (log-archive): no service control policy denies organizations:LeaveOrganization, cloudtrail:StopLogging, cloudtrail:DeleteTrail.',
    ]);
  });

  it("reads the drift's Identity Center and Organizations calls into the access-change population", async () => {
    const { result } = await collectOn(dayAt(-1), true);
    expect(result.windows?.map((w) => [w.partition, w.complete])).toEqual([['us-east-1', true]]);
    const rows = (result.events ?? []).map((event) => identityCenterChangeRow(event)!);
    expect(
      rows.map((r) => [(r.occurredAt ?? '').slice(0, 10), r.eventName, r.kind, r.account, r.principal, r.policy, (r.actor ?? '').split('/').at(-1)]),
    ).toEqual([
      ['2026-11-21', 'UpdatePermissionSet', 'change', '', '', '', 'alice.nguyen'],
      ['2026-11-25', 'CreateAccountAssignment', 'grant', '111122223333', expect.stringMatching(/^USER /), '', 'alice.nguyen'],
      ['2026-11-27', 'DetachPolicy', 'change', 'ou-a1b2-security1', '', 'p-7d3k2m9q', 'alice.nguyen'],
    ]);
  });
});
