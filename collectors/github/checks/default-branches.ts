// How the default-branch checks see a repository: its default branch and the protection all layers give
// it together (effective-protection.ts). An empty repository is not applicable; unknown protection is
// left to the resource error the runner turns into an `error` finding.
import type { CheckDefinition, FindingDraft } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import type { Judged } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, RepositoryEvidence } from '../schema.js';
import { effectiveProtection } from './effective-protection.js';
import type { EffectiveProtection } from './effective-protection.js';

/** The evidence the default-branch checks read. */
export const DEFAULT_BRANCH_TYPES = [EVIDENCE.repository, EVIDENCE.repositoryProtection];

/**
 * Runs `judge` on each repository with a default branch and known protection. An unprotected branch
 * fails every branch check but the "protected" one names it too, so each check stands on its own.
 */
export function judgeBranches(
  view: Parameters<CheckDefinition<GitHubOptions>['evaluate']>[0],
  judge: (repo: Judged<RepositoryEvidence>, protection: EffectiveProtection, where: string) => FindingDraft,
): FindingDraft[] {
  return evidenceOf<RepositoryEvidence>(view, EVIDENCE.repository).flatMap((repo) => {
    const { defaultBranch, protection } = repo.data;
    if (defaultBranch === null) return [finding(repo, 'not_applicable', `Repository ${repo.resourceId} is empty: no default branch yet.`)];
    // Unknown protection comes with a resource error, which the runner turns into an `error` finding.
    if (protection === null) return [];
    return [judge(repo, effectiveProtection(protection), `${repo.resourceId} (${defaultBranch})`)];
  });
}
