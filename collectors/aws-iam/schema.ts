// Options of the aws-iam collector (its section of the config) and the shapes of the evidence it stores.
import { z } from 'zod';
import { accountsSchema, regionSchema } from '../_aws/account.js';
import { accountsOrOrganization, organizationSchema } from '../_aws/organization.js';
import type { AccountRef, AwsAccount } from '../_aws/account.js';

// The account options are shared by every AWS collector (collectors/_aws/account.ts).
export { ACCOUNT_ID, accountSchema, configuredAccountId, ROLE_ARN } from '../_aws/account.js';
export type { AccountRef } from '../_aws/account.js';

export const passwordPolicyThresholdsSchema = z.strictObject({
  minimumLength: z.number().int().min(6).max(128).default(14),
  requireSymbols: z.boolean().default(true),
  requireNumbers: z.boolean().default(true),
  requireUppercase: z.boolean().default(true),
  requireLowercase: z.boolean().default(true),
  /** Passwords remembered and refused on reuse; 0 disables the requirement. */
  reusePrevention: z.number().int().min(0).max(24).default(24),
  /** Forced expiry (NIST 800-63B advises against it); null = not required. */
  maxAgeDays: z.number().int().min(1).max(1095).nullable().default(null),
});

export const thresholdsSchema = z.strictObject({
  /** Console passwords and access keys unused this long must be disabled (CIS 1.12: 45). */
  unusedCredentialDays: z.number().int().min(1).max(3650).default(45),
  /** Active access keys must be rotated within this many days (CIS 1.14: 90). */
  accessKeyMaxAgeDays: z.number().int().min(1).max(3650).default(90),
  /** The root user must not have been used within this many days. */
  rootUnusedDays: z.number().int().min(1).max(3650).default(30),
  passwordPolicy: passwordPolicyThresholdsSchema.default(() => passwordPolicyThresholdsSchema.parse({})),
});

/** Whom roles may trust without an external id: the company's own accounts and organizations. */
export const trustSchema = z.strictObject({
  /**
   * Accounts of the company besides those in `accounts` (the organization's members, the management
   * account): a role may trust them without sts:ExternalId. Any other account is a third party.
   */
  ownAccounts: z
    .array(z.string({ error: 'expected a 12-digit AWS account id, quoted ("123456789012")' }).regex(/^\d{12}$/, 'expected a 12-digit AWS account id'))
    .default([]),
  /** The company's AWS Organizations ids (o-…): an aws:PrincipalOrgID condition naming one is own. */
  organizationIds: z.array(z.string().regex(/^o-[a-z0-9]{10,32}$/, 'expected an AWS Organizations id such as o-a1b2c3d4e5')).default([]),
});

/** IAM Access Analyzer: which regions must have an external-access analyzer, and who analyses this account. */
export const accessAnalyzerSchema = z.strictObject({
  /** false skips the Access Analyzer reads (and their permissions); its check then judges nothing. */
  enabled: z.boolean().default(true),
  /** Regions that must have an analyzer. Left out: the regions enabled for the account (account:ListRegions). */
  regions: z
    .array(regionSchema)
    .min(1, 'expected at least one region (or leave regions out: the regions enabled for the account)')
    .optional()
    .superRefine((regions, ctx) => {
      regions?.forEach((region, index) => {
        const first = regions.indexOf(region);
        if (first !== index) {
          ctx.addIssue({ code: 'custom', path: [index], message: `expected each region once (regions[${first}] is already ${region})`, input: region });
        }
      });
    }),
  /**
   * The organization's delegated administrator (or management) account whose ORGANIZATION analyzers
   * cover the member accounts: a member region without an analyzer of its own is then not a failure
   * (when that account is collected too, where its analyzers are judged).
   */
  organizationAccountId: z
    .string({ error: 'expected a 12-digit AWS account id, quoted ("123456789012")' })
    .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
    .optional(),
});

export const awsIamOptionsSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    schedule: z.string().optional(),
    timeoutSeconds: z.number().int().min(10).max(86_400).default(900),
    /** Accounts to collect; an empty entry means the account of the default credential chain. */
    accounts: accountsSchema,
    /** Instead of accounts: every account of the AWS organisation, listed at each collection. */
    organization: organizationSchema.optional(),
    /** Region for the STS and IAM clients (IAM itself is global). */
    region: regionSchema.default('us-east-1'),
    thresholds: thresholdsSchema.default(() => thresholdsSchema.parse({})),
    /**
     * Principals allowed to hold administrator access: ARN globs (`*` matches any run of characters),
     * e.g. `arn:aws:iam::*:role/OrganizationAccountAccessRole`.
     */
    adminAllowList: z.array(z.string().min(1)).default([]),
    trust: trustSchema.default(() => trustSchema.parse({})),
    accessAnalyzer: accessAnalyzerSchema.default(() => accessAnalyzerSchema.parse({})),
    credentialReport: z
      .strictObject({
        pollIntervalMs: z.number().int().min(1).max(60_000).default(2000),
        maxWaitSeconds: z.number().int().min(1).max(3600).default(300),
      })
      .default({ pollIntervalMs: 2000, maxWaitSeconds: 300 }),
  })
  .superRefine(accountsOrOrganization);

export type AwsIamOptions = z.infer<typeof awsIamOptionsSchema>;
export type AwsIamAccount = AwsAccount;

// ---- Evidence types --------------------------------------------------------------------------

export const EVIDENCE = {
  user: 'aws.iam.user',
  userCredentials: 'aws.iam.user-credentials',
  rootCredentials: 'aws.iam.root-credentials',
  group: 'aws.iam.group',
  role: 'aws.iam.role',
  policy: 'aws.iam.policy',
  passwordPolicy: 'aws.iam.password-policy',
  accountSummary: 'aws.iam.account-summary',
  /** One per region that must have an analyzer: the analyzers IAM Access Analyzer lists there. */
  accessAnalyzer: 'aws.iam.access-analyzer',
  /** One per active finding of an external-access analyzer: who outside can reach which resource. */
  accessAnalyzerFinding: 'aws.iam.access-analyzer-finding',
} as const;

/** A policy document as JSON (already URL-decoded and parsed). */
export type PolicyDocument = {
  Version?: string;
  Statement?: PolicyStatement | PolicyStatement[];
};
export type PolicyStatement = {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
};

export interface InlinePolicy {
  name: string;
  document: PolicyDocument;
}
export interface AttachedPolicyRef {
  name: string;
  arn: string;
}

/** `aws.iam.user` (resourceId = user ARN): from GetAccountAuthorizationDetails. */
export interface UserEvidence {
  accountId: string;
  userName: string;
  userId: string;
  arn: string;
  path: string;
  createDate: string;
  groups: string[];
  attachedPolicies: AttachedPolicyRef[];
  inlinePolicies: InlinePolicy[];
  permissionsBoundaryArn: string | null;
  tags: Record<string, string>;
}

// Last-use times are kept as days (YYYY-MM-DD, UTC); creation, rotation and change times stay exact
// ISO timestamps. A credential in daily use gets a new last-use time on every run: an exact timestamp
// would make a new evidence document for that user every day, although nothing about its access
// changed. The day is all the checks need (they count whole UTC calendar days), as with a role's
// `lastUsedDay`. Old snapshots with full timestamps still judge the same: checks take the day of either.

/** One access key slot of the credential report; null dates mean N/A. */
export interface AccessKeySlot {
  slot: 1 | 2;
  active: boolean;
  /** Exact ISO timestamp of creation or last rotation. */
  lastRotated: string | null;
  /** Day of last use (YYYY-MM-DD, UTC). */
  lastUsedDate: string | null;
  lastUsedService: string | null;
}

/** `aws.iam.user-credentials` (resourceId = user ARN): the user's credential report row. */
export interface UserCredentialsEvidence {
  accountId: string;
  userName: string;
  arn: string;
  userCreationTime: string | null;
  passwordEnabled: boolean;
  /** Day (YYYY-MM-DD, UTC) of the last sign-in; null when never used or no_information. */
  passwordLastUsed: string | null;
  passwordLastChanged: string | null;
  mfaActive: boolean;
  accessKeys: AccessKeySlot[];
}

/** `aws.iam.root-credentials` (resourceId = `arn:<partition>:iam::<account>:root`). */
export interface RootCredentialsEvidence {
  accountId: string;
  arn: string;
  mfaActive: boolean;
  /** Virtual MFA devices assigned to root; MFA active with none of these means a hardware device. */
  virtualMfaSerials: string[];
  /** Account summary `AccountMFAEnabled` (1 when the root user has MFA). */
  accountMfaEnabled: boolean;
  /** Account summary `AccountAccessKeysPresent`. */
  accessKeysPresent: boolean;
  /** Day (YYYY-MM-DD, UTC) of the last root sign-in. */
  passwordLastUsed: string | null;
  accessKeys: AccessKeySlot[];
}

/** `aws.iam.group` (resourceId = group ARN). */
export interface GroupEvidence {
  accountId: string;
  groupName: string;
  arn: string;
  createDate: string;
  attachedPolicies: AttachedPolicyRef[];
  inlinePolicies: InlinePolicy[];
}

/** `aws.iam.role` (resourceId = role ARN). */
export interface RoleEvidence {
  accountId: string;
  roleName: string;
  arn: string;
  path: string;
  createDate: string;
  trustPolicy: PolicyDocument;
  attachedPolicies: AttachedPolicyRef[];
  inlinePolicies: InlinePolicy[];
  /** Date only (YYYY-MM-DD) so daily use does not make a new document every run. */
  lastUsedDay: string | null;
  permissionsBoundaryArn: string | null;
}

/** `aws.iam.policy` (resourceId = policy ARN): a managed policy with its default version's document. */
export interface ManagedPolicyEvidence {
  accountId: string;
  policyName: string;
  arn: string;
  awsManaged: boolean;
  attachmentCount: number;
  defaultVersionId: string;
  document: PolicyDocument;
}

/** `aws.iam.password-policy` (resourceId = `arn:<partition>:iam::<account>:account-password-policy`). */
export interface PasswordPolicyEvidence {
  accountId: string;
  /** false when the account has no password policy (NoSuchEntity). */
  present: boolean;
  minimumPasswordLength: number | null;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  allowUsersToChangePassword: boolean;
  maxPasswordAge: number | null;
  passwordReusePrevention: number | null;
  hardExpiry: boolean;
}

/** `aws.iam.account-summary` (resourceId = `arn:<partition>:iam::<account>:account-summary`). */
export interface AccountSummaryEvidence {
  accountId: string;
  summary: Record<string, number>;
}

/** The analyzer types that report access from outside the zone of trust (ListFindings reads only these). */
export const EXTERNAL_ACCESS_TYPES: ReadonlySet<string> = new Set(['ACCOUNT', 'ORGANIZATION']);

/** An analyzer as ListAnalyzers lists it. */
export interface AnalyzerEvidence {
  arn: string;
  name: string;
  /** ACCOUNT, ORGANIZATION (external access), ACCOUNT_UNUSED_ACCESS, ..._INTERNAL_ACCESS, ... */
  type: string;
  /** ACTIVE, CREATING, DISABLED, FAILED. */
  status: string;
  /** Why it is not active (statusReason.code), else null. */
  statusReason: string | null;
}

/** `aws.iam.access-analyzer` (resourceId = resourceIds.accessAnalyzerRegion): the analyzers of one region. */
export interface AccessAnalyzerRegionEvidence {
  accountId: string;
  region: string;
  /** Every analyzer of the region, by ARN. */
  analyzers: AnalyzerEvidence[];
}

/**
 * `aws.iam.access-analyzer-finding` (resourceId = `<analyzer ARN>/finding/<id>`): an active finding of an
 * external-access analyzer (ListFindings, status ACTIVE). Its analysis times are left out: they move
 * with every re-scan while the finding stays the same.
 */
export interface AccessAnalyzerFindingEvidence {
  accountId: string;
  region: string;
  analyzerArn: string;
  id: string;
  resource: string | null;
  resourceType: string;
  resourceOwnerAccount: string;
  /** Who outside the zone of trust has access: `{"AWS": "444455556666"}`, `{"AWS": "*"}`. */
  principal: Record<string, string>;
  action: string[];
  condition: Record<string, string>;
  isPublic: boolean;
  status: string;
  /** When Access Analyzer first reported it (ISO 8601). */
  createdAt: string;
  /** Where the access comes from: POLICY, BUCKET_ACL, S3_ACCESS_POINT, ... */
  sources: string[];
  /** Set when the resource could not be analysed. */
  error: string | null;
}

const accountArn = ({ partition, accountId }: AccountRef, resource: string) => `arn:${partition}:iam::${accountId}:${resource}`;

export const resourceIds = {
  root: (account: AccountRef) => accountArn(account, 'root'),
  /** The serial IAM gives the root user's virtual MFA device when it is assigned from the console. */
  rootVirtualMfaSerial: (account: AccountRef) => accountArn(account, 'mfa/root-account-mfa-device'),
  /** Inline policies have no ARN of their own: the holder's ARN plus the policy name. */
  inlinePolicy: (principalArn: string, policyName: string) => `${principalArn}#inline/${policyName}`,
  passwordPolicy: (account: AccountRef) => accountArn(account, 'account-password-policy'),
  accountSummary: (account: AccountRef) => accountArn(account, 'account-summary'),
  /** Access Analyzer is regional: one resource per region of the account. */
  accessAnalyzerRegion: ({ partition, accountId }: AccountRef, region: string) => `arn:${partition}:access-analyzer:${region}:${accountId}:region`,
  /** Where the regions to judge could not be known (account:ListRegions failed). */
  accessAnalyzerRegions: ({ partition, accountId }: AccountRef) => `arn:${partition}:access-analyzer::${accountId}:regions`,
  accessAnalyzerFinding: (analyzerArn: string, id: string) => `${analyzerArn}/finding/${id}`,
};
