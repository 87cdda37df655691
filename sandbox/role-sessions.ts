// STS AssumeRole into the accounts of the simulated organisation. Each session's access key id maps back
// to its account, so the requests it signs are answered for that account. The agent's own static key
// stays what it always was: the evidence-reader session in the workload account.
import { randomBytes } from 'node:crypto';
import { SANDBOX_ACCOUNT_ID } from './estate-model.js';
import { leaf, node } from './iam-xml.js';
import { organizationAt, SANDBOX_EXTERNAL_ID, SANDBOX_MEMBER_ROLE } from './organization.js';
import type { OrganizationOptions } from './organization.js';
import { fail } from './query-failure.js';

export interface RoleSession {
  account: string;
  roleName: string;
  sessionName: string;
}

/** Who the agent's own (static) credentials are: the evidence-reader session in the workload account. */
export const STATIC_CALLER: RoleSession = { account: SANDBOX_ACCOUNT_ID, roleName: SANDBOX_MEMBER_ROLE, sessionName: 'evidence-agent' };

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const SESSION_SECONDS = 3600;

export const sessionArn = (s: RoleSession) => `arn:aws:sts::${s.account}:assumed-role/${s.roleName}/${s.sessionName}`;
/** A stable role id per account and role (AROA + 17 characters), as IAM's role ids look. */
export const roleId = (account: string, roleName: string) => `AROA${Buffer.from(`${account}${roleName}`).toString('hex').toUpperCase().slice(0, 17)}`;

/** The access key id of a SigV4 Authorization header (`Credential=<key>/<date>/<region>/<service>/…`). */
export function signingKeyId(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

export class RoleSessions {
  private readonly sessions = new Map<string, RoleSession>();
  private issued = 0;

  constructor(private readonly organization: OrganizationOptions) {}

  /** The assumed role's session a request is signed with; undefined: the agent's own credentials. */
  sessionOf(authorization: string | undefined): RoleSession | undefined {
    const key = signingKeyId(authorization);
    return key !== undefined ? this.sessions.get(key) : undefined;
  }

  /** GetCallerIdentity's answer for a session. */
  callerIdentity(session: RoleSession) {
    return { userId: `${roleId(session.account, session.roleName)}:${session.sessionName}`, account: session.account, arn: sessionArn(session) };
  }

  /**
   * AssumeRole: the role must be the reader role of an active account in the organisation at `now`, trusting
   * the agent with the organisation's external id. Anything else is refused as STS refuses it: AccessDenied,
   * naming the caller and the role, whatever the reason (STS does not say which condition failed).
   */
  assumeRole(params: URLSearchParams, caller: RoleSession | undefined, now: Date): string {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    if (!SESSION_NAME.test(sessionName)) {
      fail(
        400,
        'ValidationError',
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const match = ROLE_ARN.exec(roleArn);
    if (!match) fail(400, 'ValidationError', `${roleArn} is invalid`);
    const [, account, roleName] = match as unknown as [string, string, string];
    const target = organizationAt(now, this.organization).accounts.find((a) => a.id === account);
    const allowed =
      target !== undefined &&
      target.state === 'ACTIVE' &&
      target.assumable &&
      roleName === SANDBOX_MEMBER_ROLE &&
      params.get('ExternalId') === SANDBOX_EXTERNAL_ID;
    if (!allowed) {
      fail(403, 'AccessDenied', `User: ${sessionArn(caller ?? STATIC_CALLER)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    this.issued += 1;
    const session: RoleSession = { account, roleName, sessionName };
    const accessKeyId = `ASIA${account}${this.issued.toString(36).toUpperCase().padStart(4, '0').slice(-4)}`;
    this.sessions.set(accessKeyId, session);
    // The SDK refreshes credentials by the real clock, so they expire an hour from now in real time.
    const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + SESSION_SECONDS * 1000);
    return (
      node(
        'Credentials',
        leaf('AccessKeyId', accessKeyId),
        leaf('SecretAccessKey', randomBytes(30).toString('base64')),
        leaf('SessionToken', randomBytes(96).toString('base64')),
        leaf('Expiration', expiration),
      ) + node('AssumedRoleUser', leaf('AssumedRoleId', `${roleId(account, roleName)}:${sessionName}`), leaf('Arn', sessionArn(session)))
    );
  }
}
