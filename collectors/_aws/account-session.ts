// The common start of every AWS collection: the scope's account entry, a session for it (role
// assumed when configured), and the credentials' account verified before anything is read.
import type { CollectContext, CollectResult } from '../../src/collector.js';
import { accountSchema, configuredAccountId } from './account.js';
import type { AccountRef } from './account.js';
import { verifyAccount } from './caller-identity.js';
import { createAwsSession } from './clients.js';
import type { AwsSession } from './clients.js';

/** What a session for the scope's account is made from: a collection's context or a preflight's. */
type SessionContext = Pick<CollectContext<{ region: string }>, 'scope' | 'options' | 'clientEnvironment' | 'countApiCall' | 'secrets'>;

/** The scope's account entry and a session for it (the caller closes the session). */
export function scopeSession(ctx: SessionContext): { entry: ReturnType<typeof accountSchema.parse>; session: AwsSession } {
  const entry = accountSchema.parse(ctx.scope.settings);
  const session = createAwsSession({
    account: entry,
    region: ctx.options.region,
    clientEnvironment: ctx.clientEnvironment,
    countApiCall: () => ctx.countApiCall(),
    secrets: ctx.secrets,
  });
  return { entry, session };
}

export interface VerifiedAccount {
  session: AwsSession;
  account: AccountRef;
}

/**
 * Runs `collect` with a verified session for the scope's account, and always closes the session.
 * When the config named no account, the result reports the account found as its scope.
 */
export async function withAccountSession(
  ctx: CollectContext<{ region: string }>,
  collect: (verified: VerifiedAccount) => Promise<CollectResult>,
): Promise<CollectResult> {
  const { entry, session } = scopeSession(ctx);
  try {
    const account = await verifyAccount(session.sts, entry, ctx.signal);
    const result = await collect({ session, account });
    return configuredAccountId(entry) === undefined ? { ...result, resolvedScope: account.accountId } : result;
  } finally {
    session.destroy();
  }
}
