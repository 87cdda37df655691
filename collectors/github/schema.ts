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
  defaultPermissionsAllowed: z
    .array(z.enum(['none', 'read', 'write', 'admin']))
    .min(1)
    .default(['none', 'read']),
  /** Deploy keys allowed to write, as `<repository>/<key title>` globs. */
  deployKeyWriteAllowList: z.array(globSchema).default([]),
  /** Most administrators a repository may have besides the organization owners. */
  maxRepositoryAdmins: z.number().int().min(0).max(1000).default(3),
  /** When not empty, only these logins may administer a repository (organization owners aside). */
  repositoryAdminAllowList: z.array(loginSchema).default([]),
});

/** A GitHub App's bot account, as GraphQL names it (`renovate`) or as REST does (`renovate[bot]`). */
const botLoginSchema = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?$/, 'expected a bot login such as renovate-approve or renovate-approve[bot]');

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
  /**
   * Code pushed after an approval was not reviewed: by default only approvals of the merged head count.
   * true lets an approval of an earlier commit count (the evidence still names the commit approved
   * and how many came after it), for teams whose change policy accepts that.
   */
  acceptStaleApprovals: z.boolean().default(false),
  /** Apps whose approvals count as independent reviews (bots are not independent otherwise). */
  independentBots: z.array(botLoginSchema).default([]),
});

export const githubOptionsSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    schedule: z.string().optional(),
    timeoutSeconds: z.number().int().min(10).max(86_400).default(1800),
    /** REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'expected the API URL (http or https), e.g. https://api.github.com or https://github.example.com/api/v3' })
      .default('https://api.github.com'),
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
      else
        ctx.addIssue({
          code: 'custom',
          path: ['orgs', index],
          message: `expected each organization once (orgs[${first}] is already ${options.orgs[first]!.login})`,
        });
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
/** github.outside-collaborator 2: the collaborator's permission on each repository. */
export const OUTSIDE_COLLABORATOR_SCHEMA_VERSION = 2;
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
  /** Who administers each repository, and the outside collaborators' permission on it. */
  repositoryAccess: 'github.repository-access',
  /** GitHub Actions: the default GITHUB_TOKEN permissions and whether workflows may approve pull requests. */
  actionsPermissions: 'github.actions-permissions',
  /** SAML single sign-on of the organization: the identity provider and the members linked to it. */
  sso: 'github.org-sso',
  changes: 'github.changes',
} as const;

export const EVENTS = {
  pullRequest: 'github.pull-request',
  commit: 'github.commit',
} as const;
/**
 * 2: reviews carry the reviewer's account type, pull requests the commits with their authors and
 * co-authors and the approvals the branch required (schema 1 events lack them: judged as unknown).
 */
export const EVENT_SCHEMA_VERSION = 2;
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

/** A repository permission as GitHub's collaborator lists give it: the role's name and its base level. */
export interface RepositoryPermission {
  name: string;
  /** admin, maintain, write, triage or read: the base level of the role (a custom role's base). */
  permission: string;
  /** GitHub's role_name, which may be a custom role. */
  role: string;
}

export interface OutsideCollaboratorEvidence {
  login: string;
  /** The selected repositories the collaborator reaches, with the permission on each; null when the repositories could not be listed. */
  repositories: RepositoryPermission[] | null;
  /** Repositories whose collaborators could not be read: the collaborator's access there is unknown. */
  unreadRepositories: string[];
}

export interface RepositoryAccessEvidence {
  name: string;
  /**
   * Everyone with admin on the repository: organization owners (admin everywhere), and people made
   * admin directly or through a team; `outside` marks an outside collaborator.
   */
  admins: { login: string; role: string; owner: boolean; outside: boolean }[];
}

export interface ActionsPermissionsEvidence {
  scope: 'organization' | 'repository';
  /** The organization login or the repository name. */
  name: string;
  /** Whether GitHub Actions may run here (the organization's policy for its repositories). */
  actionsEnabled: boolean;
  /** The default permissions of the GITHUB_TOKEN: read or write; null where Actions is off. */
  defaultWorkflowPermissions: string | null;
  /** Whether workflows may create and approve pull requests; null where Actions is off. */
  canApprovePullRequestReviews: boolean | null;
}

export interface SsoEvidence {
  login: string;
  /** The organization's plan (free, team, enterprise); null when not visible to the token (owners only). */
  plan: string | null;
  /** The SAML identity provider: its issuer and the host of its sign-on URL; null when none is configured. */
  identityProvider: { issuer: string | null; ssoHost: string | null } | null;
  /** Members (owners included) without a linked SAML identity; null when not read (no provider, or the plan has no SSO). */
  membersWithoutIdentity: string[] | null;
  /** Members with a linked SAML identity. */
  linkedMembers: number;
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
  sso: (org: string) => org,
  changes: (org: string) => `${org}/changes`,
};
