// What protects a default branch, all layers together: classic protection and every active ruleset
// rule apply at once, so a requirement holds when any layer imposes it, and admins are bound by a
// requirement when at least one layer imposing it does not let them bypass.
import type { BranchProtection, BranchRule } from '../schema.js';

/** Rule types that restrict how the branch changes (a ruleset with only others does not protect it). */
const PROTECTIVE_RULES = new Set([
  'pull_request',
  'required_status_checks',
  'non_fast_forward',
  'deletion',
  'update',
  'required_linear_history',
  'required_signatures',
  'required_deployments',
  'merge_queue',
]);
/** The repository role id of "admin" in ruleset bypass lists. */
const REPOSITORY_ADMIN_ROLE_ID = 5;

export interface EffectiveProtection {
  protected: boolean;
  /** The layers, named for messages: "classic protection", "ruleset 42 (acme)". */
  sources: string[];
  pullRequestRequired: boolean;
  requiredApprovals: number;
  dismissStaleApprovals: boolean;
  requireLastPushApproval: boolean;
  requiredChecks: string[];
  forcePushBlocked: boolean;
  deletionBlocked: boolean;
  /**
   * Whether admins must go through a pull request: true when a layer requiring one binds admins,
   * false when every such layer lets them bypass, null when a ruleset's bypass list is not visible.
   */
  adminsBoundToPullRequests: boolean | null;
}

const rulesOf = (protection: BranchProtection, type: string) => protection.rules.filter((r) => r.type === type);
const param = (rule: BranchRule, key: string) => rule.parameters[key];

export function rulesetName(rule: BranchRule): string {
  return `ruleset ${rule.rulesetId ?? '?'}${rule.rulesetSource ? ` (${rule.rulesetSource})` : ''}`;
}

/** Whether admins may bypass a ruleset: null when its bypass list is unknown. */
export function adminsMayBypass(rule: BranchRule): boolean | null {
  if (rule.bypassActors === null) return null;
  return rule.bypassActors.some((a) => a.actorType === 'OrganizationAdmin' || (a.actorType === 'RepositoryRole' && a.actorId === REPOSITORY_ADMIN_ROLE_ID));
}

/** The layers that require a pull request, named as in messages: "classic protection", "ruleset 73 (acme)". */
export function pullRequestLayers(protection: BranchProtection): string[] {
  return [...(protection.classic?.pullRequestReviews ? ['classic protection'] : []), ...new Set(rulesOf(protection, 'pull_request').map(rulesetName))];
}

export function effectiveProtection(protection: BranchProtection): EffectiveProtection {
  const classic = protection.classic;
  const prRules = rulesOf(protection, 'pull_request');
  const checkRules = rulesOf(protection, 'required_status_checks');
  const sources = [...(classic ? ['classic protection'] : []), ...[...new Set(protection.rules.filter((r) => PROTECTIVE_RULES.has(r.type)).map(rulesetName))]];
  const requiredChecks = new Set(classic?.requiredStatusChecks?.contexts ?? []);
  for (const rule of checkRules) {
    const checks = param(rule, 'required_status_checks');
    if (Array.isArray(checks)) for (const c of checks) if (typeof c?.context === 'string') requiredChecks.add(c.context);
  }
  const bindings: (boolean | null)[] = [
    ...(classic?.pullRequestReviews ? [classic.enforceAdmins] : []),
    ...prRules.map((rule) => {
      const bypass = adminsMayBypass(rule);
      return bypass === null ? null : !bypass;
    }),
  ];
  const adminsBoundToPullRequests = bindings.includes(true) ? true : bindings.includes(null) ? null : false;
  return {
    protected: sources.length > 0,
    sources,
    pullRequestRequired: Boolean(classic?.pullRequestReviews) || prRules.length > 0,
    requiredApprovals: Math.max(
      classic?.pullRequestReviews?.requiredApprovingReviewCount ?? 0,
      ...prRules.map((r) => Number(param(r, 'required_approving_review_count') ?? 0)),
    ),
    dismissStaleApprovals: classic?.pullRequestReviews?.dismissStaleReviews === true || prRules.some((r) => param(r, 'dismiss_stale_reviews_on_push') === true),
    requireLastPushApproval:
      classic?.pullRequestReviews?.requireLastPushApproval === true || prRules.some((r) => param(r, 'require_last_push_approval') === true),
    requiredChecks: [...requiredChecks].sort(),
    forcePushBlocked: (classic !== null && !classic.allowForcePushes) || rulesOf(protection, 'non_fast_forward').length > 0,
    deletionBlocked: (classic !== null && !classic.allowDeletions) || rulesOf(protection, 'deletion').length > 0,
    adminsBoundToPullRequests,
  };
}
