// CloudTrail events of the sandbox as plain data, and the identities that act in them. The JSON renderer
// (cloudtrail-json.ts) turns an event into both LookupEvents' summary and the full CloudTrailEvent record.
import { MANAGEMENT_ACCOUNT_ID, SANDBOX_ACCOUNT_ID } from './estate-model.js';
import type { UserSpec } from './estate-users.js';
import { awsId, awsUuid, hash32 } from './estate-timeline.js';

export interface SessionContext {
  sessionIssuer: Record<string, string>;
  webIdFederationData: Record<string, never>;
  attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
}
export interface UserIdentity {
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService';
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  sessionContext?: SessionContext;
  invokedBy?: string;
}
export interface EventResource {
  type: string;
  name: string;
}
export interface TrailEvent {
  eventId: string;
  eventTime: Date;
  eventName: string;
  eventSource: string;
  awsRegion: string;
  readOnly: boolean;
  eventType: 'AwsApiCall' | 'AwsConsoleSignIn';
  userIdentity: UserIdentity;
  sourceIPAddress: string;
  userAgent: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  resources: EventResource[];
  /** Whose history holds the event; the management account's own calls carry its id. */
  recipientAccountId: string;
}
/** An event before its id is fixed: the key makes the id stable across runs and unique in the history. */
export type EventDraft = Omit<TrailEvent, 'eventId' | 'recipientAccountId'> & { recipientAccountId?: string };

export function trailEvent(seed: number, key: string, draft: EventDraft): TrailEvent {
  return { eventId: awsUuid(seed, `event:${key}`), recipientAccountId: SANDBOX_ACCOUNT_ID, ...draft };
}

/** CloudTrail writes times at second precision. */
export const ctTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** LookupEvents' Username: the user name, `root`, or a role session's name. */
export function lookupUsername(identity: UserIdentity): string | undefined {
  if (identity.type === 'Root') return 'root';
  if (identity.type === 'IAMUser') return identity.userName;
  if (identity.type === 'AssumedRole') return identity.arn?.split('/').at(-1);
  return undefined;
}

const ACCOUNT = SANDBOX_ACCOUNT_ID;
export const userArn = (spec: UserSpec) => `arn:aws:iam::${ACCOUNT}:user${spec.path ?? '/'}${spec.name}`;
export const mfaSerial = (user: string) => `arn:aws:iam::${ACCOUNT}:mfa/${user}`;

/** Whether the user's MFA device is enabled at `when`. */
export function mfaActiveAt(spec: UserSpec, when: Date): boolean {
  const { enabled, deactivated } = spec.mfa ?? {};
  return enabled !== undefined && enabled <= when && !(deactivated && deactivated <= when);
}

/** The user itself (a sign-in), or with an access key (an API call). */
export function iamUserIdentity(seed: number, spec: UserSpec, accessKeyId?: string): UserIdentity {
  return {
    type: 'IAMUser',
    principalId: awsId('AIDA', 17, seed, `user:${spec.name}`),
    arn: userArn(spec),
    accountId: ACCOUNT,
    ...(accessKeyId ? { accessKeyId } : {}),
    userName: spec.name,
  };
}

const consoleContext = (signIn: Date, mfa: boolean): SessionContext => ({
  sessionIssuer: {},
  webIdFederationData: {},
  attributes: { creationDate: ctTime(signIn), mfaAuthenticated: mfa ? 'true' : 'false' },
});
/** A console session's temporary key: one per sign-in. */
const sessionKey = (seed: number, who: string, signIn: Date) => awsId('ASIA', 16, seed, `session:${who}:${signIn.getTime()}`);

/** A user acting in the console session opened by the sign-in at `signIn`. */
export function consoleUserIdentity(seed: number, spec: UserSpec, signIn: Date): UserIdentity {
  return {
    ...iamUserIdentity(seed, spec, sessionKey(seed, spec.name, signIn)),
    sessionContext: consoleContext(signIn, mfaActiveAt(spec, signIn)),
  };
}

/** The root user, signed in (`signIn`) or acting in that console session. Root's MFA has been on for years. */
export function rootIdentity(seed: number, signIn?: Date): UserIdentity {
  return {
    type: 'Root',
    principalId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:root`,
    accountId: ACCOUNT,
    ...(signIn ? { accessKeyId: sessionKey(seed, 'root', signIn), sessionContext: consoleContext(signIn, true) } : {}),
  };
}

/** The management account's platform admin, through an SSO role: the only one who can touch the org trail. */
export function managementAdminIdentity(seed: number, signIn: Date): UserIdentity {
  const role = 'AWSReservedSSO_AdministratorAccess_5c1d2e3f4a5b6c7d';
  const roleId = awsId('AROA', 17, seed, `mgmt-role:${role}`);
  const roleArn = `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/aws-reserved/sso.amazonaws.com/${role}`;
  const session = 'morgan.lee@example.com';
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${MANAGEMENT_ACCOUNT_ID}:assumed-role/${role}/${session}`,
    accountId: MANAGEMENT_ACCOUNT_ID,
    accessKeyId: sessionKey(seed, session, signIn),
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: roleArn,
        accountId: MANAGEMENT_ACCOUNT_ID,
        userName: role,
      },
      webIdFederationData: {},
      attributes: { creationDate: ctTime(signIn), mfaAuthenticated: 'false' },
    },
  };
}

/** An AWS service acting for the account (assuming a workload's role). */
export const serviceIdentity = (service: string): UserIdentity => ({ type: 'AWSService', invokedBy: service });

/** Where a principal calls from: people from the office range, machines from the data centre's. */
export function sourceIp(who: string, machine = false): string {
  return `${machine ? '198.51.100' : '203.0.113'}.${20 + (hash32(who, 7) % 200)}`;
}

export const CONSOLE_AGENT = 'AWS Internal';
const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) ' + 'Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) ' + 'Version/17.4.1 Safari/605.1.15',
];
/** Each person keeps one browser. */
export const browserOf = (who: string) => BROWSERS[hash32(who, 11) % BROWSERS.length] ?? CONSOLE_AGENT;
