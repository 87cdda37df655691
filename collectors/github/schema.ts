// Options of the github collector (its section of the config) and the shapes of the evidence and
// events it stores: the organization, its people, webhooks and teams, each repository with the
// protection of its default branch, and the population of merged pull requests and direct pushes.
import { z } from 'zod';
import type { CollectorScope, EvidenceItem, ResourceError } from '../../src/collector.js';

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const loginSchema = z.string().regex(LOGIN, 'expected a GitHub login such as octo-org');

/** `*` matches any run of characters; matched against the repository name (without the org). */
const globSchema = z.string().min(1).max(200);

export const orgSchema = z.preprocess(
  // `orgs: [acme]` is the short form of `orgs: [{ login: acme }]`.
  (value) => (typeof value === 'string' ? { login: value } : value),
  z.strictObject({
    login: loginSchema,
    repositories: z
      .strictObject({
        /** Repository name globs to collect (default: all); archived repositories are always skipped. */
        include: z.array(globSchema).min(1).default(['*']),
        exclude: z.array(globSchema).default([]),
      })
      .default({ include: ['*'], exclude: [] }),
  }),
);
export type GitHubOrg = z.infer<typeof orgSchema>;

const tokenAuthSchema = z.strictObject({
  /** A fine-grained or classic personal access token, or an installation token: read-only (see README). */
  token: z.string().min(1, 'expected a token (put it in an environment variable: token: ${GITHUB_TOKEN})'),
});

const appAuthSchema = z
  .strictObject({
    appId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'expected a numeric app id')]),
    /** The app's private key (PEM), usually `${GITHUB_APP_PRIVATE_KEY}`; or privateKeyPath. */
    privateKey: z.string().min(1).optional(),
    privateKeyPath: z.string().min(1).optional(),
    installationId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'expected a numeric installation id')]),
  })
  .superRefine((app, ctx) => {
    if (!app.privateKey === !app.privateKeyPath) {
      ctx.addIssue({ code: 'custom', path: ['privateKey'], message: 'expected exactly one of privateKey or privateKeyPath' });
    }
  });

export const thresholdsSchema = z.strictObject({
  /** Approving reviews the default branch must require (CIS GitHub 1.1.3 asks for 2). */
  minApprovals: z.number().int().min(1).max(6).default(1),
  /** Most organization owners allowed (Legitify: 3). */
  maxOwners: z.number().int().min(1).max(1000).default(3),
  /** When not empty, only these logins may be owners. */
  ownerAllowList: z.array(loginSchema).default([]),
  /** Outside collaborators allowed (logins); everyone else is a finding. */
  outsideCollaboratorAllowList: z.array(loginSchema).default([]),
  /** Base repository permissions accepted (CIS GitHub 1.3.8: read or none). */
  defaultPermissionsAllowed: z.array(z.enum(['none', 'read', 'write', 'admin'])).min(1).default(['none', 'read']),
  /** Deploy keys allowed to write, as `<repository>/<key title>` globs. */
  deployKeyWriteAllowList: z.array(globSchema).default([]),
});

export const changesSchema = z.strictObject({
  /** false skips the population of merged pull requests and direct pushes (settings only). */
  enabled: z.boolean().default(true),
  /** First read (no watermark): merged pull requests and pushes of this many days back. */
  backfillDays: z.number().int().min(1).max(3650).default(90),
  /** A merged pull request must have green checks on its merged head (required ones, else all). */
  requireChecks: z.boolean().default(true),
  /**
   * The search index lags merges by seconds to minutes: each read stops this many minutes before now,
   * so a merge is not missed by a window that already ended.
   */
  settleMinutes: z.number().int().min(0).max(120).default(5),
});

export const githubOptionsSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    schedule: z.string().optional(),
    timeoutSeconds: z.number().int().min(10).max(86_400).default(1800),
    /** REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
    baseUrl: z.url({ protocol: /^https?$/, error: 'expected the API URL (http or https), e.g. https://api.github.com or https://github.example.com/api/v3' }).default('https://api.github.com'),
    auth: z.union([tokenAuthSchema, appAuthSchema], {
      error: 'expected { token } or { appId, privateKey | privateKeyPath, installationId }',
    }),
    orgs: z.array(orgSchema).min(1, 'expected at least one organization'),
    thresholds: thresholdsSchema.default(() => thresholdsSchema.parse({})),
    changes: changesSchema.default(() => changesSchema.parse({})),
  })
  .superRefine((options, ctx) => {
    const seen = new Map<string, number>();
    options.orgs.forEach((org, index) => {
      const key = org.login.toLowerCase();
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else ctx.addIssue({ code: 'custom', path: ['orgs', index], message: `expected each organization once (orgs[${first}] is already ${options.orgs[first]!.login})` });
    });
  });

export type GitHubOptions = z.infer<typeof githubOptionsSchema>;
export type GitHubAuth = GitHubOptions['auth'];
export type GitHubThresholds = GitHubOptions['thresholds'];

/** One stream per organization, keyed by its login as configured. */
export function orgScopes(options: GitHubOptions): CollectorScope[] {
  return options.orgs.map((org) => ({ key: org.login, settings: org }));
}

// ---- Evidence ---------------------------------------------------------------------------------

export const EVIDENCE_SCHEMA_VERSION = 1;
export const EVIDENCE = {
  org: 'github.org',
  member: 'github.member',
  outsideCollaborator: 'github.outside-collaborator',
  webhook: 'github.webhook',
  team: 'github.team',
  repository: 'github.repository',
  /** Resource errors only: the parts of a repository that could not be read. */
  repositoryProtection: 'github.repository-protection',
  repositoryDetails: 'github.repository-details',
  changes: 'github.changes',
} as const;

export const EVENTS = {
  pullRequest: 'github.pull-request',
  commit: 'github.commit',
} as const;
export const EVENT_SCHEMA_VERSION = 1;
/** Event partitions of an org stream: each has its own window and watermark. */
export const PARTITIONS = { pullRequests: 'merged-pull-requests', pushes: 'default-branch-commits' } as const;

export interface OrgEvidence {
  login: string;
  /** null when the token may not see it (only owners see the 2FA requirement). */
  twoFactorRequirementEnabled: boolean | null;
  defaultRepositoryPermission: string | null;
  membersCanCreateRepositories: boolean | null;
  membersCanCreatePublicRepositories: boolean | null;
  owners: string[];
  /** Members (owners included) without 2FA; null when the token may not ask (owners only). */
  membersWithoutTwoFactor: string[] | null;
}

export interface MemberEvidence {
  login: string;
  role: 'owner' | 'member';
  /** null when unknown (the 2FA filter needs an owner's token). */
  twoFactorEnabled: boolean | null;
}

export interface WebhookEvidence {
  id: number;
  /** Scheme, host and path only: a query string or user info may carry a token. */
  url: string;
  https: boolean;
  /** false when GitHub delivers without verifying the receiver's certificate (insecure_ssl "1"). */
  sslVerification: boolean;
  /** Whether a secret is set (GitHub shows it masked; its value is never read or kept). */
  secretSet: boolean;
  active: boolean;
  contentType: string | null;
  events: string[];
}

export interface TeamEvidence {
  slug: string;
  name: string;
  privacy: string | null;
  parent: string | null;
  /** Repository name and the team's role on it (admin, maintain, write, triage, read or a custom role). */
  repositories: { name: string; permission: string }[];
}

/** What protects the default branch, from classic protection and the rulesets that apply to it. */
export interface BranchProtection {
  /** GET …/branches/{b}/protection; null when the branch has none (404 "Branch not protected"). */
  classic: ClassicProtection | null;
  /** Active rules applying to the branch (GET …/rules/branches/{b}), each with its ruleset. */
  rules: BranchRule[];
}

export interface ClassicProtection {
  pullRequestReviews: {
    requiredApprovingReviewCount: number;
    dismissStaleReviews: boolean;
    requireCodeOwnerReviews: boolean;
    requireLastPushApproval: boolean;
  } | null;
  requiredStatusChecks: { strict: boolean; contexts: string[] } | null;
  enforceAdmins: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
}

export interface BranchRule {
  type: string;
  rulesetId: number | null;
  rulesetSource: string | null;
  /** Parameters as GitHub gives them, for the rule types the checks read; {} otherwise. */
  parameters: Record<string, unknown>;
  /** Who may bypass the ruleset (actor type and id, mode); null when the token may not see them. */
  bypassActors: { actorType: string; actorId: number | null; bypassMode: string }[] | null;
}

export interface RepositoryEvidence {
  name: string;
  visibility: string;
  defaultBranch: string | null;
  /** Status of secret scanning, push protection and Dependabot security updates; null when not visible. */
  secretScanning: string | null;
  secretScanningPushProtection: string | null;
  dependabotAlerts: boolean | null;
  /** The CODEOWNERS file GitHub uses (root, .github/ or docs/), or null. */
  codeowners: string | null;
  deployKeys: { title: string; readOnly: boolean; createdOn: string }[];
  /** null when it could not be read (a resource error of type github.repository-protection says why). */
  protection: BranchProtection | null;
}

/** Present when the change population of the org was read: the checks' pass target. */
export interface ChangesEvidence {
  login: string;
  partitions: string[];
}

export interface Built {
  evidence: EvidenceItem[];
  errors: ResourceError[];
}

/** Resource ids: the org login, `<org>/<login>` for people, `<org>/<repo>` for repositories. */
export const resourceIds = {
  org: (org: string) => org,
  member: (org: string, login: string) => `${org}/${login}`,
  webhook: (org: string, id: number) => `${org}/hooks/${id}`,
  team: (org: string, slug: string) => `${org}/teams/${slug}`,
  repository: (org: string, name: string) => `${org}/${name}`,
  changes: (org: string) => `${org}/changes`,
};
