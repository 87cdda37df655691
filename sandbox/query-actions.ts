// The IAM and STS actions the sandbox answers: each turns the query parameters and the estate of the
// simulated day into the XML of its Result element, or throws a QueryFailure that becomes an AWS error.
import { renderCredentialReport } from './credential-report.js';
import { accountSummary, SANDBOX_ACCOUNT_ID } from './estate.js';
import type { IamEstate } from './estate.js';
import {
  accountSummaryXml,
  authorizationDetailsXml,
  callerIdentityXml,
  credentialReportXml,
  generateCredentialReportXml,
  passwordPolicyXml,
  virtualMfaDevicesXml,
} from './iam-xml.js';
import type { AuthorizationDetailsPage, ReportState } from './iam-xml.js';
import { fail } from './query-failure.js';
import type { RoleSession, RoleSessions } from './role-sessions.js';

function invalidValue(value: string, field: string, constraint: string): never {
  const detail = `Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`;
  return fail(400, 'ValidationError', `1 validation error detected: ${detail}`);
}

/**
 * Credential reports, one per simulated day as AWS keeps one per account. A report becomes ready after
 * `readyAfterPolls` further Generate/Get calls, so clients exercise their wait loop.
 */
export class CredentialReportJobs {
  private readonly jobs = new Map<string, { polls: number; generatedTime: Date }>();
  constructor(private readonly readyAfterPolls: number) {}

  generate(day: string, now: Date): ReportState {
    const job = this.jobs.get(day);
    if (job) return this.poll(job) ? 'COMPLETE' : 'INPROGRESS';
    const started = { polls: 0, generatedTime: new Date(Math.floor(now.getTime() / 1000) * 1000) };
    this.jobs.set(day, started);
    return started.polls >= this.readyAfterPolls ? 'COMPLETE' : 'STARTED';
  }

  /** The generation time of the day's finished report. */
  fetch(day: string): Date {
    const job = this.jobs.get(day);
    if (!job) {
      fail(410, 'ReportNotPresent', 'Credential report not present. To generate one, use GenerateCredentialReport.');
    }
    if (!this.poll(job)) fail(404, 'ReportInProgress', 'Credential report is still being generated.');
    return job.generatedTime;
  }

  private poll(job: { polls: number }): boolean {
    if (job.polls < this.readyAfterPolls) job.polls++;
    return job.polls >= this.readyAfterPolls;
  }
}

export interface ActionContext {
  estate: IamEstate;
  /** The simulated instant. */
  now: Date;
  pageSize: number;
  reports: CredentialReportJobs;
  /** The assumed role's session that signed the request; undefined: the agent's own credentials. */
  caller: RoleSession | undefined;
  sessions: Pick<RoleSessions, 'assumeRole' | 'callerIdentity'>;
}
type Action = (params: URLSearchParams, ctx: ActionContext) => string;

/** Answered with the STS namespace; everything else is IAM. */
export const STS_ACTIONS: ReadonlySet<string> = new Set(['AssumeRole', 'GetCallerIdentity']);

export const ACTIONS: Readonly<Record<string, Action>> = {
  GetAccountAuthorizationDetails: (params, { estate, pageSize }) => {
    const names = new Map(estate.policies.map((p) => [p.arn, p.policyName]));
    return authorizationDetailsXml(authorizationDetailsPage(estate, params, pageSize), names);
  },
  GetAccountPasswordPolicy: (_params, { estate }) => {
    if (!estate.passwordPolicy) {
      fail(404, 'NoSuchEntity', `The Password Policy with domain name ${SANDBOX_ACCOUNT_ID} cannot be found.`);
    }
    return passwordPolicyXml(estate.passwordPolicy);
  },
  GetAccountSummary: (_params, { estate }) => accountSummaryXml(accountSummary(estate)),
  ListVirtualMFADevices: (params, { estate, pageSize }) => {
    const status = params.get('AssignmentStatus') ?? 'Any';
    if (!['Assigned', 'Unassigned', 'Any'].includes(status)) {
      invalidValue(status, 'assignmentStatus', 'Member must satisfy enum value set: [Assigned, Unassigned, Any]');
    }
    const devices = estate.virtualMfaDevices.filter((d) => status === 'Any' || (status === 'Assigned') === (d.user !== null));
    const { items, marker } = paginate(devices, params, pageSize, 'mfa');
    return virtualMfaDevicesXml(items, marker);
  },
  GenerateCredentialReport: (_params, { estate, now, reports, caller }) =>
    generateCredentialReportXml(reports.generate(`${caller?.account ?? SANDBOX_ACCOUNT_ID}:${estate.day}`, now)),
  // The report travels base64-encoded: a member account's copy names its own account inside it.
  GetCredentialReport: (_params, { estate, reports, caller }) => {
    const csv = renderCredentialReport(estate);
    const own = caller && caller.account !== SANDBOX_ACCOUNT_ID ? csv.replaceAll(SANDBOX_ACCOUNT_ID, caller.account) : csv;
    return credentialReportXml(own, reports.fetch(`${caller?.account ?? SANDBOX_ACCOUNT_ID}:${estate.day}`));
  },
  AssumeRole: (params, { caller, now, sessions }) => sessions.assumeRole(params, caller, now),
  // The agent reads through the evidence-reader role, so it is who the caller is.
  GetCallerIdentity: (_params, { estate, caller, sessions }) => {
    if (caller) return callerIdentityXml(sessions.callerIdentity(caller));
    const role = estate.roles.find((r) => r.roleName === 'evidence-reader');
    const session = 'evidence-agent';
    return callerIdentityXml({
      userId: `${role?.roleId ?? 'AROAEVIDENCEREADER0000'}:${session}`,
      account: SANDBOX_ACCOUNT_ID,
      arn: `arn:aws:sts::${SANDBOX_ACCOUNT_ID}:assumed-role/evidence-reader/${session}`,
    });
  },
};

/** Markers are opaque to clients: the offset of the next item, tagged with the listing it belongs to. */
function paginate<T>(items: T[], params: URLSearchParams, pageSize: number, listing: string) {
  const maxItemsParam = params.get('MaxItems');
  const maxItems = maxItemsParam === null ? pageSize : Number(maxItemsParam);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) {
    invalidValue(String(maxItemsParam), 'maxItems', 'Member must have value between 1 and 1000');
  }
  let offset = 0;
  const marker = params.get('Marker');
  if (marker !== null) {
    const match = /^([a-z]+):(\d+)$/.exec(Buffer.from(marker, 'base64url').toString('utf8'));
    if (!match || match[1] !== listing) fail(400, 'ValidationError', 'Invalid Marker.');
    offset = Number(match[2]);
  }
  // The server's page size caps what a client asks for, as AWS may return fewer items than MaxItems.
  const end = offset + Math.min(pageSize, maxItems);
  const next = end < items.length ? Buffer.from(`${listing}:${end}`).toString('base64url') : null;
  return { items: items.slice(offset, end), marker: next };
}

const DETAIL_FILTERS = ['User', 'Group', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
type DetailFilter = (typeof DETAIL_FILTERS)[number];
const isDetailFilter = (value: string): value is DetailFilter => (DETAIL_FILTERS as readonly string[]).includes(value);

/** One page over users, groups, roles then policies, walked as one stable sequence across the four lists. */
function authorizationDetailsPage(estate: IamEstate, params: URLSearchParams, pageSize: number) {
  const filters = new Set<DetailFilter>();
  for (const [key, value] of params) {
    if (!/^Filter\.member\.\d+$/.test(key)) continue;
    if (!isDetailFilter(value)) {
      invalidValue(value, 'filter', `Member must satisfy enum value set: [${DETAIL_FILTERS.join(', ')}]`);
    }
    filters.add(value);
  }
  const wanted = (f: DetailFilter) => filters.size === 0 || filters.has(f);
  const page: AuthorizationDetailsPage = { users: [], groups: [], roles: [], policies: [], marker: null };
  // Each entry knows which list of the page it goes to.
  const entries: (() => void)[] = [
    ...(wanted('User') ? estate.users.map((u) => () => page.users.push(u)) : []),
    ...(wanted('Group') ? estate.groups.map((g) => () => page.groups.push(g)) : []),
    ...(wanted('Role') ? estate.roles.map((r) => () => page.roles.push(r)) : []),
    ...estate.policies.filter((p) => wanted(p.awsManaged ? 'AWSManagedPolicy' : 'LocalManagedPolicy')).map((p) => () => page.policies.push(p)),
  ];
  const { items, marker } = paginate(entries, params, pageSize, 'details');
  for (const place of items) place();
  page.marker = marker;
  return page;
}
