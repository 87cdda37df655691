// The administrators of each repository (owners aside) few and approved, named in every finding so the
// access review has its list.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, RepositoryAccessEvidence } from '../schema.js';

export const repoAdminsLimited: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_admins_limited',
  title: 'Repository administrators are few and approved',
  severity: 'medium',
  description:
    'A repository admin can lift its branch protection, add collaborators and delete it. Lists everyone with admin ' +
    'on each repository (organization owners, who are admin everywhere, apart) as evidence for access reviews. ' +
    'Fails when more people than thresholds.maxRepositoryAdmins (default 3) administer it besides the owners, when ' +
    'one of them is an outside collaborator, or when one is not on thresholds.repositoryAdminAllowList (if set); ' +
    'not applicable when only the owners administer it.',
  remediation: 'Give admin to a small team per repository and write to everyone else; record who approved each admin grant.',
  resourceTypes: [EVIDENCE.repositoryAccess],
  evaluate(view, options) {
    const { maxRepositoryAdmins: max, repositoryAdminAllowList: allowList } = options.thresholds;
    const allowed = new Set(allowList.map((l) => l.toLowerCase()));
    return evidenceOf<RepositoryAccessEvidence>(view, EVIDENCE.repositoryAccess).map((repo) => {
      const owners = repo.data.admins.filter((a) => a.owner).map((a) => a.login);
      const granted = repo.data.admins.filter((a) => !a.owner);
      const ownersText = owners.length > 0 ? owners.join(', ') : 'none';
      if (granted.length === 0) {
        return finding(
          repo,
          'not_applicable',
          `Only the organization owners (${ownersText}) administer ${repo.resourceId}: they are judged by github_org_owners_limited.`,
        );
      }
      const names = granted.map((a) => `${a.login}${a.outside ? ' (outside collaborator)' : ''}${a.role !== 'admin' ? ` (role ${a.role})` : ''}`).join(', ');
      const outside = granted.filter((a) => a.outside).map((a) => a.login);
      const unapproved = allowed.size > 0 ? granted.filter((a) => !allowed.has(a.login.toLowerCase())).map((a) => a.login) : [];
      const problems = [
        ...(granted.length > max ? [`${granted.length} besides the owners, more than ${max}`] : []),
        ...(outside.length > 0 ? [`outside collaborators: ${outside.join(', ')}`] : []),
        ...(unapproved.length > 0 ? [`not on the admin allow-list: ${unapproved.join(', ')}`] : []),
      ];
      const who = `${repo.resourceId} is administered by ${names} besides the owners (${ownersText})`;
      return problems.length > 0 ? finding(repo, 'fail', `${who}: ${problems.join('; ')}.`) : finding(repo, 'pass', `${who}.`);
    });
  },
};
