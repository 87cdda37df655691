// `organization` in an AWS collector's section: instead of listing accounts by hand, each collection lists
// the accounts of the AWS organisation (from the management or a delegated-administrator account) and
// collects each active one through a reader role of the same name, with bounded concurrency. Shared by every
// AWS collector, as `accounts` is; one YAML anchor gives several sections the same organisation.
import { z } from 'zod';
import type { CollectorScope } from '../../src/collector.js';
import { ACCOUNT_ID, accountSchema } from './account.js';

/** The discovery run's scope key: the run lists the organisation and files its evidence under the organisation id. */
export const ORGANIZATION_SCOPE = 'organization';
export const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
export const DEFAULT_DISCOVERY_CONCURRENCY = 4;

/**
 * What the management (or delegated-administrator) account's reader needs for discovery: the calls
 * discovery.ts makes, and nothing else (config/organization-discovery-policy.json).
 */
export const ORGANIZATION_DISCOVERY_PERMISSIONS = [
  'organizations:DescribeOrganization',
  'organizations:ListAccounts',
  'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent',
];

const accountIds = z
  .array(z.string({ error: 'expected a 12-digit AWS account id, quoted ("123456789012")' }).regex(ACCOUNT_ID, 'expected a 12-digit AWS account id'))
  .default([]);
const parentIds = z
  .array(
    z.string({ error: 'expected an OU id such as ou-ab12-cd34ef56' }).regex(PARENT_ID, 'expected an OU id such as ou-ab12-cd34ef56 (or the root id, r-ab12)'),
  )
  .default([]);
const filterSchema = z.strictObject({ accounts: accountIds, ous: parentIds });
export type AccountFilter = z.infer<typeof filterSchema>;

export const organizationSchema = z
  .strictObject({
    /**
     * The management or delegated-administrator account that lists the organisation: a role to assume there
     * (`roleArn`, `externalId`), or, left out, the account of the default credential chain.
     */
    managementAccount: accountSchema.default({}),
    /** The reader role's name in every member account (one name everywhere, e.g. deployed by a StackSet). */
    memberRoleName: z
      .string({ error: 'expected the name of the reader role in each member account, e.g. evidence-reader' })
      .refine((name) => !name.startsWith('arn:'), 'expected the role name alone (evidence-reader), not its ARN: the account id differs in each member')
      .refine((name) => ROLE_NAME.test(name), 'expected an IAM role name of 1 to 64 letters, digits and +=,.@_-'),
    /** The external id every member role's trust requires (put it in an environment variable: ${EXTERNAL_ID}). */
    externalId: z.string().min(2, 'expected an external id of 2 to 1224 characters').max(1224).optional(),
    /** Only these accounts and the accounts under these OUs (child OUs included); default: every account. */
    include: filterSchema.default({ accounts: [], ous: [] }),
    /** Never these accounts, nor the accounts under these OUs. */
    exclude: filterSchema.default({ accounts: [], ous: [] }),
    /** Accounts collected at once (each a run of its own). */
    concurrency: z.number().int().min(1).max(32).default(DEFAULT_DISCOVERY_CONCURRENCY),
  })
  .superRefine((org, ctx) => {
    for (const kind of ['accounts', 'ous'] as const) {
      const excluded = new Set(org.exclude[kind]);
      org.include[kind].forEach((id, index) => {
        if (excluded.has(id)) {
          ctx.addIssue({ code: 'custom', path: ['include', kind, index], message: `expected ${id} in include or exclude, not both`, input: id });
        }
      });
    }
  });

export type OrganizationOptions = z.infer<typeof organizationSchema>;

/** Refines an AWS collector's options: `accounts` or `organization`, not both. */
export function accountsOrOrganization(options: { accounts: unknown[]; organization?: unknown }, ctx: z.RefinementCtx): void {
  const explicit = options.accounts.length !== 1 || Object.keys(options.accounts[0] as object).length > 0;
  if (options.organization !== undefined && explicit) {
    ctx.addIssue({
      code: 'custom',
      path: ['accounts'],
      message:
        'expected accounts or organization, not both (organization lists the accounts itself: choose them with organization.include and organization.exclude)',
      input: options.accounts,
    });
  }
}

/** The one scope of a collection over an organisation: the discovery run, in the management account. */
export function organizationScopes(organization: OrganizationOptions): CollectorScope[] {
  return [{ key: ORGANIZATION_SCOPE, settings: { ...organization.managementAccount } }];
}

/** The scope of one member account: its reader role in the organisation's partition, with the external id. */
export function memberScope(organization: OrganizationOptions, partition: string, account: { id: string; name?: string }): CollectorScope {
  return {
    key: account.id,
    settings: {
      id: account.id,
      ...(account.name ? { name: account.name } : {}),
      roleArn: `arn:${partition}:iam::${account.id}:role/${organization.memberRoleName}`,
      ...(organization.externalId ? { externalId: organization.externalId } : {}),
      ...(organization.managementAccount.region ? { region: organization.managementAccount.region } : {}),
    },
  };
}
