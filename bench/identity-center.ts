// IAM Identity Center: the aws-organization collector's Identity Center and identity-store calls for a
// large directory, against the bound its page counts give (collectors/aws-organization/README.md). The
// sandbox serves the directory in pages of 100 (the APIs' maximum) to the management account's session.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsOrganizationOptionsSchema } from '../collectors/aws-organization/schema.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import { openStore } from '../src/store/index.js';
import { identityCenterAt } from '../sandbox/identity-center.js';
import { MANAGEMENT_ACCOUNT_ID, SANDBOX_EXTERNAL_ID, SANDBOX_MEMBER_ROLE, startSandbox } from '../sandbox/index.js';
import { benchCollector } from './scenarios.js';
import type { Row } from './scenarios.js';

export interface IdentityCenterSizes {
  permissionSets: number;
  users: number;
  assignments: number;
}
/** The issue's estate: 50 permission sets, 2,000 users, 10,000 assignments (local calls: quick in any mode). */
export const IDENTITY_CENTER_FULL: IdentityCenterSizes = { permissionSets: 50, users: 2_000, assignments: 10_000 };
export const IDENTITY_CENTER_SMOKE: IdentityCenterSizes = { permissionSets: 10, users: 400, assignments: 500 };

const PAGE = 100;
const SSO_OPERATIONS = [
  'ListInstances',
  'ListPermissionSets',
  'DescribePermissionSet',
  'ListManagedPoliciesInPermissionSet',
  'ListCustomerManagedPolicyReferencesInPermissionSet',
  'GetInlinePolicyForPermissionSet',
  'ListAccountsForProvisionedPermissionSet',
  'ListAccountAssignments',
  'ListUsers',
  'ListGroups',
  'ListGroupMemberships',
];

export async function identityCenterCalls(sizes: IdentityCenterSizes): Promise<Row> {
  // The sandbox's own sets, users and assignments count towards the totals asked for.
  const base = { permissionSets: 4, users: 6 };
  const historyEnd = new Date(Date.UTC(2026, 11, 1));
  const date = new Date(historyEnd.getTime() + 6 * 3_600_000);
  const padding = { permissionSets: sizes.permissionSets - base.permissionSets, users: sizes.users - base.users, assignments: 0 };
  const baseAssignments = identityCenterAt(date, { historyEnd, padding }).assignments.length;
  padding.assignments = sizes.assignments - baseAssignments;
  const sandbox = await startSandbox({ historyEnd, date, identityCenter: padding });
  const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-bench-sso-'));
  const store = openStore(join(dir, 'bench.db'));
  try {
    const directory = identityCenterAt(date, { historyEnd, padding });
    const options = awsOrganizationOptionsSchema.parse({
      accounts: [{ roleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/${SANDBOX_MEMBER_ROLE}`, externalId: SANDBOX_EXTERNAL_ID }],
      events: { enabled: false },
      organizationTrail: false,
    });
    const { runs } = await runCollectors([{ collector: await benchCollector('aws-organization'), options }], {
      store,
      logger: silentLogger(),
      agentVersion: 'bench',
      mappingVersion: 'bench',
      configDigest: 'bench',
      now: () => date,
      clientEnvironment: {
        aws: {
          endpoint: sandbox.endpoint,
          credentials: { accessKeyId: 'BENCHACCESSKEYEXAMPLE', secretAccessKey: 'bench-secret-not-a-real-key' },
          unlimitedRate: true,
        },
      },
    });
    const run = runs[0]!;
    const calls = SSO_OPERATIONS.reduce((sum, op) => sum + (sandbox.requests.byAction[op] ?? 0), 0);
    // The bound from the page counts: 1 + ⌈P/100⌉ + 5P + Σ pairs ⌈n/100⌉ + ⌈U/100⌉ + ⌈G/100⌉ + Σ groups max(1, ⌈m/100⌉).
    const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE));
    const pairs = new Map<string, number>();
    for (const a of directory.assignments) pairs.set(`${a.permissionSetArn} ${a.accountId}`, (pairs.get(`${a.permissionSetArn} ${a.accountId}`) ?? 0) + 1);
    const P = directory.permissionSets.length;
    const bound =
      1 +
      pages(P) +
      5 * P +
      [...pairs.values()].reduce((sum, n) => sum + pages(n), 0) +
      pages(directory.users.length) +
      pages(directory.groups.length) +
      directory.groups.reduce((sum, g) => sum + pages(g.members.length), 0);
    return {
      figure: 'Identity Center API calls per collection',
      estate: `${P} permission sets, ${directory.users.length} users, ${directory.groups.length} groups, ${directory.assignments.length} assignments over ${pairs.size} (permission set, account) pairs`,
      value: `${calls} calls (${sandbox.requests.byAction['ListAccountAssignments'] ?? 0} ListAccountAssignments, ${sandbox.requests.byAction['ListGroupMemberships'] ?? 0} ListGroupMemberships), run ${run.status}${run.error ? ` (${run.error})` : ''}`,
      target: `<= 1 + ceil(P/100) + 5P + assignment pages per pair + user, group and membership pages = ${bound}`,
      met: run.status === 'ok' && calls <= bound && calls > 0,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await sandbox.close();
  }
}
