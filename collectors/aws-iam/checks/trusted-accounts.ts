// The accounts and organizations a role may trust without an external id: the role's own account, the
// accounts this agent collects, and those the config names as the company's own (trust.ownAccounts,
// trust.organizationIds). Any other account is a third party.
import { configuredAccountId } from '../schema.js';
import type { AwsIamOptions } from '../schema.js';
import type { TrustedAccounts } from './trust-analysis.js';

export function trustedAccounts(options: AwsIamOptions, roleAccount: string): TrustedAccounts {
  const configured = options.accounts.flatMap((account) => configuredAccountId(account) ?? []);
  return {
    accounts: new Set([roleAccount, ...configured, ...options.trust.ownAccounts]),
    organizations: new Set(options.trust.organizationIds),
  };
}
