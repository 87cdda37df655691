// Whose credentials these are: the account a collection files its evidence under, and its partition.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { STSClient } from '@aws-sdk/client-sts';
import { ACCOUNT_ID, configuredAccountId } from './account.js';
import type { AccountRef, AwsAccount } from './account.js';
import { parseArn } from './arn.js';

/**
 * The credentials must belong to the configured account: evidence filed under the wrong one is worse
 * than none. The caller's ARN gives the partition (GovCloud, China) the evidence ids are built in.
 */
export async function verifyAccount(sts: STSClient, account: AwsAccount, signal: AbortSignal): Promise<AccountRef> {
  const identity = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
  const actual = identity.Account;
  if (!actual || !ACCOUNT_ID.test(actual)) {
    throw new Error(`STS GetCallerIdentity returned no valid account id (got ${JSON.stringify(actual ?? null)})`);
  }
  const caller = identity.Arn === undefined ? undefined : parseArn(identity.Arn);
  if (!caller || caller.accountId !== actual) {
    const got = JSON.stringify(identity.Arn ?? null);
    throw new Error(`STS GetCallerIdentity returned no valid ARN for account ${actual} (got ${got})`);
  }
  const configured = configuredAccountId(account);
  if (configured !== undefined && configured !== actual) {
    throw new Error(`credentials belong to account ${actual}, config says ${configured}`);
  }
  return { partition: caller.partition, accountId: actual };
}
