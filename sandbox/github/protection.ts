// How each default branch is protected, in the shapes of GitHub's branch protection and rules APIs:
// classic protection (1–2 approvals, stale approvals dismissed, ci/build required, admins bound, no
// force push or deletion), the organization ruleset that alone protects the ruleset-only repository,
// and the repository ruleset of the mixed repository that organization admins may bypass.
import { githubTime } from './clock.js';
import { API_ROOT, SANDBOX_ORG, WEB_ROOT } from './urls.js';
import { REQUIRED_CHECK } from './repositories.js';
import type { RepositorySpec } from './repositories.js';

/** The GitHub Actions app: what a required check of a workflow is bound to. */
const ACTIONS_APP_ID = 15368;
export const ORG_RULESET_ID = 1_204_917;
export const REPO_RULESET_ID = 2_318_442;

const hasClassic = (repo: RepositorySpec) => repo.protection === 'classic' || repo.protection === 'classic-with-bypass';
const enforcesAdmins = (repo: RepositorySpec) => repo.protection === 'classic' && !repo.archived;

/** Classic protection and rulesets apply to the default branch only. */
export const isProtected = (repo: RepositorySpec, branch: string): boolean => branch === repo.defaultBranch && repo.protection !== 'none';

/** GET …/branches/{branch}/protection; null: 404 "Branch not protected". */
export function classicProtectionJson(repo: RepositorySpec, branch: string): Record<string, unknown> | null {
  if (branch !== repo.defaultBranch || !hasClassic(repo)) return null;
  const url = `${API_ROOT}/repos/${SANDBOX_ORG}/${repo.name}/branches/${encodeURIComponent(branch)}/protection`;
  const flag = (enabled: boolean) => ({ enabled });
  return {
    url,
    required_status_checks: {
      url: `${url}/required_status_checks`,
      strict: true,
      contexts: [REQUIRED_CHECK],
      contexts_url: `${url}/required_status_checks/contexts`,
      checks: [{ context: REQUIRED_CHECK, app_id: ACTIONS_APP_ID }],
    },
    required_pull_request_reviews: {
      url: `${url}/required_pull_request_reviews`,
      dismiss_stale_reviews: true,
      require_code_owner_reviews: repo.requireCodeOwnerReviews,
      required_approving_review_count: repo.requiredApprovals,
      require_last_push_approval: repo.requireLastPushApproval,
    },
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: enforcesAdmins(repo) },
    required_linear_history: flag(false),
    allow_force_pushes: flag(false),
    allow_deletions: flag(false),
    block_creations: flag(false),
    required_conversation_resolution: flag(false),
    lock_branch: flag(false),
    allow_fork_syncing: flag(false),
  };
}

/** The `protection` summary of GET …/branches/{branch}. */
export function branchProtectionSummary(repo: RepositorySpec, branch: string): Record<string, unknown> {
  const classic = branch === repo.defaultBranch && hasClassic(repo);
  return {
    enabled: classic,
    required_status_checks: classic
      ? {
          enforcement_level: enforcesAdmins(repo) ? 'everyone' : 'non_admins',
          contexts: [REQUIRED_CHECK],
          checks: [{ context: REQUIRED_CHECK, app_id: ACTIONS_APP_ID }],
        }
      : { enforcement_level: 'off', contexts: [], checks: [] },
  };
}

interface Rule {
  type: string;
  parameters?: Record<string, unknown>;
}

interface Ruleset {
  id: number;
  name: string;
  source: 'Organization' | 'Repository';
  repository: RepositorySpec;
  rules: Rule[];
  bypassActors: { actor_id: number | null; actor_type: string; bypass_mode: string }[];
}

function pullRequestRule(approvals: number, dismissStale: boolean): Rule {
  return {
    type: 'pull_request',
    parameters: {
      required_approving_review_count: approvals,
      dismiss_stale_reviews_on_push: dismissStale,
      require_code_owner_review: false,
      require_last_push_approval: false,
      required_review_thread_resolution: false,
      allowed_merge_methods: ['merge', 'squash', 'rebase'],
    },
  };
}

/** The rulesets that apply to a repository's default branch. */
function rulesetsOf(repo: RepositorySpec): Ruleset[] {
  if (repo.protection === 'org-ruleset') {
    return [
      {
        id: ORG_RULESET_ID,
        name: 'Default branch baseline',
        source: 'Organization',
        repository: repo,
        rules: [
          { type: 'deletion' },
          { type: 'non_fast_forward' },
          // Stale approvals survive a push here: how the "approved before a later commit" change got in.
          pullRequestRule(1, false),
          {
            type: 'required_status_checks',
            parameters: {
              strict_required_status_checks_policy: true,
              do_not_enforce_on_create: false,
              required_status_checks: [{ context: REQUIRED_CHECK, integration_id: ACTIONS_APP_ID }],
            },
          },
        ],
        bypassActors: [],
      },
    ];
  }
  if (repo.protection === 'classic-with-bypass') {
    return [
      {
        id: REPO_RULESET_ID,
        name: 'Protect main',
        source: 'Repository',
        repository: repo,
        rules: [{ type: 'deletion' }, { type: 'non_fast_forward' }, pullRequestRule(1, true)],
        // GitHub reads OrganizationAdmin back with a null id; 5 is the repository admin role.
        bypassActors: [
          { actor_id: null, actor_type: 'OrganizationAdmin', bypass_mode: 'always' },
          { actor_id: 5, actor_type: 'RepositoryRole', bypass_mode: 'pull_request' },
        ],
      },
    ];
  }
  return [];
}

const sourceName = (ruleset: Ruleset) => (ruleset.source === 'Organization' ? SANDBOX_ORG : `${SANDBOX_ORG}/${ruleset.repository.name}`);

/** GET /repos/{owner}/{repo}/rules/branches/{branch}: every active rule, with the ruleset it comes from. */
export function branchRulesJson(repo: RepositorySpec, branch: string): Record<string, unknown>[] {
  if (branch !== repo.defaultBranch) return [];
  return rulesetsOf(repo).flatMap((ruleset) =>
    ruleset.rules.map((rule) => ({
      type: rule.type,
      ...(rule.parameters ? { parameters: rule.parameters } : {}),
      ruleset_source_type: ruleset.source,
      ruleset_source: sourceName(ruleset),
      ruleset_id: ruleset.id,
    })),
  );
}

/** GET /repos/{o}/{r}/rulesets/{id} (a repository ruleset of that repository) or GET /orgs/{org}/rulesets/{id}. */
export function rulesetJson(
  repositories: readonly RepositorySpec[],
  id: number,
  scope: { repository: RepositorySpec } | 'organization',
  createdAt: number,
): Record<string, unknown> | null {
  const candidates =
    scope === 'organization'
      ? repositories.flatMap(rulesetsOf).filter((r) => r.source === 'Organization')
      : rulesetsOf(scope.repository).filter((r) => r.source === 'Repository');
  const ruleset = candidates.find((r) => r.id === id);
  if (!ruleset) return null;
  const self =
    ruleset.source === 'Organization'
      ? `${API_ROOT}/orgs/${SANDBOX_ORG}/rulesets/${id}`
      : `${API_ROOT}/repos/${SANDBOX_ORG}/${ruleset.repository.name}/rulesets/${id}`;
  const html =
    ruleset.source === 'Organization'
      ? `${WEB_ROOT}/organizations/${SANDBOX_ORG}/settings/rules/${id}`
      : `${WEB_ROOT}/${SANDBOX_ORG}/${ruleset.repository.name}/rules/${id}`;
  const time = githubTime(createdAt);
  return {
    id,
    name: ruleset.name,
    target: 'branch',
    source_type: ruleset.source,
    source: sourceName(ruleset),
    enforcement: 'active',
    bypass_actors: ruleset.bypassActors,
    current_user_can_bypass: ruleset.bypassActors.some((a) => a.actor_type === 'OrganizationAdmin') ? 'always' : 'never',
    node_id: Buffer.from(`RRS:${id}`).toString('base64'),
    _links: { self: { href: self }, html: { href: html } },
    conditions:
      ruleset.source === 'Organization'
        ? { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] }, repository_name: { include: [ruleset.repository.name], exclude: [], protected: false } }
        : { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
    rules: ruleset.rules,
    created_at: time,
    updated_at: time,
  };
}
