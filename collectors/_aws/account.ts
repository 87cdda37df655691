// The accounts an AWS collector reads, as the config names them (an id, a role to assume, the STS
// region), and the account a collection turned out to be in. Shared by every AWS collector, so one
// `accounts` list means the same thing in each section of the config.
import { z } from 'zod';
import type { CollectorScope } from '../../src/collector.js';

export const ACCOUNT_ID = /^\d{12}$/;
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export const regionSchema = z.string().regex(REGION, 'expected an AWS region such as us-east-1');

/** One entry of `accounts`; also re-validates a scope's settings at collection time. */
export const accountSchema = z
  .strictObject({
    id: z.string({ error: 'expected a 12-digit AWS account id, quoted ("123456789012")' }).regex(ACCOUNT_ID, 'expected a 12-digit AWS account id').optional(),
    name: z.string().min(1).optional(),
    roleArn: z.string({ error: 'expected an IAM role ARN' }).regex(ROLE_ARN, 'expected an IAM role ARN').optional(),
    externalId: z.string().min(2, 'expected an external id of 2 to 1224 characters').max(1224).optional(),
    region: regionSchema.optional(),
  })
  .superRefine((account, ctx) => {
    const fromArn = account.roleArn ? ROLE_ARN.exec(account.roleArn)?.[1] : undefined;
    if (fromArn && account.id && fromArn !== account.id) {
      ctx.addIssue({
        code: 'custom',
        path: ['id'],
        message: `expected the account of roleArn (${fromArn})`,
        input: account.id,
      });
    }
    if (account.externalId && !account.roleArn) {
      ctx.addIssue({ code: 'custom', path: ['externalId'], message: 'expected only together with roleArn' });
    }
  });

export type AwsAccount = z.infer<typeof accountSchema>;

/** Accounts to collect; an empty entry means the account of the default credential chain. */
export const accountsSchema = z
  .array(accountSchema)
  .min(1, 'expected at least one account')
  .default([{}])
  .superRefine((accounts, ctx) => {
    // Each account is one evidence stream: two entries for one account would interleave its history.
    const seen = new Map<string, number>();
    accounts.forEach((account, index) => {
      const key = configuredAccountId(account) ?? 'the default credentials';
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `expected each account once (accounts[${first}] is already ${key})`,
          input: account.id ?? account.roleArn ?? {},
        });
      }
    });
  });

/** The account id the config names for an entry (its `id`, else the account of its `roleArn`), if any. */
export function configuredAccountId(account: AwsAccount): string | undefined {
  return account.id ?? (account.roleArn ? ROLE_ARN.exec(account.roleArn)?.[1] : undefined);
}

/** One stream per account; an entry without id or roleArn is the default chain's account, known only at run time. */
export function accountScopes(accounts: readonly AwsAccount[]): CollectorScope[] {
  return accounts.map((account) => ({
    key: configuredAccountId(account) ?? 'default',
    settings: { ...account },
  }));
}

/** An account and the partition it lives in (`aws`, `aws-us-gov`, `aws-cn`), from STS GetCallerIdentity. */
export interface AccountRef {
  partition: string;
  accountId: string;
}
