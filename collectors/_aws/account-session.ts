// The common start of every AWS collection: the scope's account entry, a session for it (role
// assumed when configured), and the credentials' account verified before anything is read.
import type { CollectContext } from '../../src/collector.js';
import { accountSchema, configuredAccountId } from './account.js';
import type { AccountRef } from './account.js';
import { verifyAccount } from './caller-identity.js';
import { createAwsSession } from './clients.js';
import type { AwsSession } from './clients.js';

export interface VerifiedAccount {
  session: AwsSession;
  account: AccountRef;
  /** True when the config named no account: the run reports the one found as its scope. */
  discovered: boolean;
}

/** Runs `collect` with a verified session for the scope's account, and always closes the session. */
export async function withAccountSession<T>(
  ctx: CollectContext<{ region: string }>,
  collect: (verified: VerifiedAccount) => Promise<T>,
): Promise<T> {
  const entry = accountSchema.parse(ctx.scope.settings);
  const session = createAwsSession({
    account: entry,
    region: ctx.options.region,
    clientEnvironment: ctx.clientEnvironment,
    countApiCall: () => ctx.countApiCall(),
  });
  try {
    const account = await verifyAccount(session.sts, entry, ctx.signal);
    return await collect({ session, account, discovered: configuredAccountId(entry) === undefined });
  } finally {
    session.destroy();
  }
}
