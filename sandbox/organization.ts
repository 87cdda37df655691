// The simulated AWS organisation: the management account, member accounts in two OUs (one nested OU),
// a suspended account, an account whose reader role cannot be assumed, an account that joins and one that
// leaves during the drift history. A pure function of (instant, historyEnd, padding): two sandboxes agree.
import { MANAGEMENT_ACCOUNT_ID, SANDBOX_ACCOUNT_ID } from './estate-model.js';
import { DAY_MS } from './estate-timeline.js';

export const SANDBOX_ORG_ID = 'o-a1b2c3d4e5';
export const SANDBOX_ROOT_ID = 'r-a1b2';
export const WORKLOADS_OU_ID = 'ou-a1b2-workloads';
export const SECURITY_OU_ID = 'ou-a1b2-security1';
/** Nested under Workloads: discovery by OU must walk child OUs. */
export const SANDBOXES_OU_ID = 'ou-a1b2-sandboxes';
/** The role the agent assumes in every account of the organisation, and the external id its trust requires. */
export const SANDBOX_MEMBER_ROLE = 'evidence-reader';
export const SANDBOX_EXTERNAL_ID = 'sandbox-external-id-7c1f';
/** Suspended: listed by Organizations, not collectable. */
export const SUSPENDED_ACCOUNT_ID = '777788889999';
/** Joined by acquisition; its reader role does not trust the agent, so AssumeRole is refused. */
export const UNASSUMABLE_ACCOUNT_ID = '888899990000';
/** Invited into the organisation 12 days before the history's end. */
export const JOINING_ACCOUNT_ID = '666677778888';
/** Removed from the organisation 6 days before the history's end. */
export const LEAVING_ACCOUNT_ID = '999900001111';

export interface OrgUnit {
  id: string;
  name: string;
  parentId: string;
}
export type AccountState = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
export interface OrgAccount {
  id: string;
  name: string;
  email: string;
  state: AccountState;
  joinedMethod: 'INVITED' | 'CREATED';
  joinedTimestamp: Date;
  /** The root or OU the account sits in. */
  parentId: string;
  /** Left the organisation at this instant (not listed from then on). */
  leftAt?: Date;
  /** Its reader role trusts the agent with the external id (false: AssumeRole is refused). */
  assumable: boolean;
}
export interface Organization {
  id: string;
  arn: string;
  managementAccountId: string;
  rootId: string;
  units: OrgUnit[];
  /** The accounts in the organisation at the instant asked for, in the order ListAccounts returns them. */
  accounts: OrgAccount[];
}

export interface OrganizationOptions {
  historyEnd: Date;
  /** Pads the organisation with generated active member accounts, spread over the two OUs (benchmarks). */
  memberAccounts?: number;
}

const ORG_UNITS: OrgUnit[] = [
  { id: WORKLOADS_OU_ID, name: 'Workloads', parentId: SANDBOX_ROOT_ID },
  { id: SECURITY_OU_ID, name: 'Security', parentId: SANDBOX_ROOT_ID },
  { id: SANDBOXES_OU_ID, name: 'Sandboxes', parentId: WORKLOADS_OU_ID },
];

/** The organisation as it stands at `now`. */
export function organizationAt(now: Date, options: OrganizationOptions): Organization {
  const end = options.historyEnd.getTime();
  const day = (offset: number, hour = 10) => new Date(end + offset * DAY_MS + hour * 3_600_000);
  const account = (
    id: string,
    name: string,
    parentId: string,
    joined: Date,
    extra: Partial<Pick<OrgAccount, 'state' | 'joinedMethod' | 'leftAt' | 'assumable'>> = {},
  ): OrgAccount => ({
    id,
    name,
    email: `aws+${name}@example.com`,
    state: 'ACTIVE',
    joinedMethod: 'CREATED',
    joinedTimestamp: joined,
    parentId,
    assumable: true,
    ...extra,
  });
  const all: OrgAccount[] = [
    account(MANAGEMENT_ACCOUNT_ID, 'management', SANDBOX_ROOT_ID, day(-1500), { joinedMethod: 'INVITED' }),
    account(SANDBOX_ACCOUNT_ID, 'workload-prod', WORKLOADS_OU_ID, day(-1400)),
    account('222233334444', 'workload-staging', WORKLOADS_OU_ID, day(-1100)),
    account('333344445555', 'security-tooling', SECURITY_OU_ID, day(-1390)),
    account('555566667777', 'log-archive', SECURITY_OU_ID, day(-1390)),
    account(SUSPENDED_ACCOUNT_ID, 'legacy-app', WORKLOADS_OU_ID, day(-1300), { state: 'SUSPENDED' }),
    account(UNASSUMABLE_ACCOUNT_ID, 'acquired-app', WORKLOADS_OU_ID, day(-200), { joinedMethod: 'INVITED', assumable: false }),
    account(JOINING_ACCOUNT_ID, 'dev-sandbox', SANDBOXES_OU_ID, day(-12, 14), { joinedMethod: 'INVITED' }),
    account(LEAVING_ACCOUNT_ID, 'old-experiment', SANDBOXES_OU_ID, day(-700), { leftAt: day(-6, 16) }),
    ...paddedAccounts(options.memberAccounts ?? 0, day(-900)),
  ];
  const t = now.getTime();
  return {
    id: SANDBOX_ORG_ID,
    arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:organization/${SANDBOX_ORG_ID}`,
    managementAccountId: MANAGEMENT_ACCOUNT_ID,
    rootId: SANDBOX_ROOT_ID,
    units: ORG_UNITS,
    accounts: all.filter((a) => a.joinedTimestamp.getTime() <= t && (a.leftAt === undefined || a.leftAt.getTime() > t)),
  };
}

/** Generated accounts `100000000000`, `100000000001`, …, alternating between the two OUs. */
function paddedAccounts(count: number, joined: Date): OrgAccount[] {
  return Array.from({ length: count }, (_, i) => {
    const id = String(100_000_000_000 + i);
    return {
      id,
      name: `team-${i + 1}`,
      email: `aws+team-${i + 1}@example.com`,
      state: 'ACTIVE' as const,
      joinedMethod: 'CREATED' as const,
      joinedTimestamp: joined,
      parentId: i % 2 === 0 ? WORKLOADS_OU_ID : SECURITY_OU_ID,
      assumable: true,
    };
  });
}

export const accountArn = (org: Organization, accountId: string) => `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${accountId}`;
export const unitArn = (org: Organization, unitId: string) => `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${unitId}`;
export const rootArn = (org: Organization) => `arn:aws:organizations::${org.managementAccountId}:root/${org.id}/${org.rootId}`;
