// The preflight of an AWS collector (`evidence-agent doctor`): the scope's session as a collection makes
// it (role assumed when configured), the credentials proved by STS GetCallerIdentity and their account
// checked against the config, then one cheap read per permission of the collector's shipped policy.
// Nothing is written; a refused read names the action to grant.
import type { PermissionCheck, PreflightContext } from '../../src/collector.js';
import type { AccountRef } from './account.js';
import { scopeSession } from './account-session.js';
import { verifyAccount } from './caller-identity.js';
import type { AwsSession } from './clients.js';
import { describeFailure } from './errors.js';

export interface AwsProbe {
  /** The action as the policy names it: `iam:GetAccountSummary`. */
  action: string;
  /** The cheapest read that needs the action; returns what it showed. Throws what the API answered. */
  read(session: AwsSession, account: AccountRef, signal: AbortSignal): Promise<string>;
  /** Error codes that answer only a caller who is allowed (NoSuchEntity: no password policy is set). */
  allowedErrors?: Readonly<Record<string, string>>;
  /** Not checked with these options (the detail says why), e.g. ListRegions when the regions are listed. */
  skip?: string;
}

/** The codes AWS answers a caller whose policy lacks the action. */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'AuthorizationError']);

function errorCode(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export async function awsPreflight(ctx: PreflightContext<{ region: string }>, policyFile: string, probes: readonly AwsProbe[]): Promise<PermissionCheck[]> {
  const { entry, session } = scopeSession(ctx);
  try {
    let account: AccountRef;
    try {
      account = await verifyAccount(session.sts, entry, ctx.signal);
    } catch (error) {
      ctx.signal.throwIfAborted();
      return [{ name: 'credentials', status: 'fail', detail: describeFailure(entry.roleArn ? `assuming ${entry.roleArn}` : 'STS GetCallerIdentity', error) }];
    }
    const checks: PermissionCheck[] = [
      { name: 'credentials', status: 'ok', detail: `account ${account.accountId}${entry.roleArn ? ` through ${entry.roleArn}` : ''}` },
    ];
    for (const probe of probes) {
      if (probe.skip) {
        checks.push({ name: probe.action, status: 'skip', detail: probe.skip });
        continue;
      }
      try {
        checks.push({ name: probe.action, status: 'ok', detail: await probe.read(session, account, ctx.signal) });
      } catch (error) {
        ctx.signal.throwIfAborted();
        const code = errorCode(error);
        const allowed = code ? probe.allowedErrors?.[code] : undefined;
        if (allowed) checks.push({ name: probe.action, status: 'ok', detail: allowed });
        else if (code && DENIED.has(code)) {
          checks.push({ name: probe.action, status: 'fail', detail: `denied (${code}): grant ${probe.action}, as ${policyFile} does` });
        } else checks.push({ name: probe.action, status: 'fail', detail: describeFailure(probe.action, error) });
      }
    }
    return checks;
  } finally {
    session.destroy();
  }
}
