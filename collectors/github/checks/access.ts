// Who holds power over repositories (CC6.2, CC6.3; SOC 1 logical access): outside collaborators with
// neither admin nor maintain anywhere, and the administrators of each repository (owners aside) few and
// approved, named in every finding so the access review has its list.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, OrgEvidence, OutsideCollaboratorEvidence, RepositoryAccessEvidence } from '../schema.js';

/** Permissions that let someone change a repository's settings, not just its code. */
const PRIVILEGED = new Set(['admin', 'maintain']);

const grants = (repos: { name: string; permission: string; role: string }[]) =>
  repos.map((r) => `${r.permission} on ${r.name}${r.role !== r.permission ? ` (role ${r.role})` : ''}`).join(', ');

export const orgOutsideCollaboratorsNotPrivileged: CheckDefinition<GitHubOptions> = {
  id: 'github_org_outside_collaborators_not_privileged',
  title: 'Outside collaborators hold neither admin nor maintain on any repository',
  severity: 'high',
  description:
    "Admin lets a person change a repository's protection, collaborators and visibility, maintain most of its " +
      "settings: held by someone outside the organization, it escapes membership reviews and SSO. Judged from each " +
      "repository's outside collaborators and their permission (a custom role by the level it is based on). Fails " +
      "for an outside collaborator with admin or maintain on a selected repository; not applicable when the " +
      "organization has no outside collaborator.",
  remediation: 'Lower the collaborator to write or read on that repository, or make them a member whose access comes through a team.',
  resourceTypes: [EVIDENCE.outsideCollaborator],
  evaluate(view) {
    const collaborators = evidenceOf<OutsideCollaboratorEvidence>(view, EVIDENCE.outsideCollaborator);
    if (collaborators.length === 0 && view.errors(EVIDENCE.outsideCollaborator).length === 0) {
      return evidenceOf<OrgEvidence>(view, EVIDENCE.org).map((org) => finding(org, 'not_applicable', `Organization ${org.data.login} has no outside collaborators.`));
    }
    return collaborators.map((collaborator) => {
      const { login, repositories, unreadRepositories } = collaborator.data;
      const org = collaborator.resourceId.split('/')[0];
      const privileged = (repositories ?? []).filter((r) => PRIVILEGED.has(r.permission));
      if (privileged.length > 0) return finding(collaborator, 'fail', `Outside collaborator ${login} of ${org} holds ${grants(privileged)}.`);
      if (repositories === null) return finding(collaborator, 'error', `The repositories of ${org} could not be listed, so the access of outside collaborator ${login} is unknown.`);
      if (unreadRepositories.length > 0) {
        return finding(collaborator, 'error', `The collaborators of ${unreadRepositories.join(', ')} could not be read, so the access of outside collaborator ${login} of ${org} there is unknown.`);
      }
      return repositories.length > 0
        ? finding(collaborator, 'pass', `Outside collaborator ${login} of ${org} holds ${grants(repositories)}: no admin or maintain.`)
        : finding(collaborator, 'pass', `Outside collaborator ${login} of ${org} reaches none of the selected repositories.`);
    });
  },
};

export const repoAdminsLimited: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_admins_limited',
  title: 'Repository administrators are few and approved',
  severity: 'medium',
  description:
    "A repository admin can lift its branch protection, add collaborators and delete it. Lists everyone with admin " +
      "on each repository (organization owners, who are admin everywhere, apart) as evidence for access reviews. " +
      "Fails when more people than thresholds.maxRepositoryAdmins (default 3) administer it besides the owners, when " +
      "one of them is an outside collaborator, or when one is not on thresholds.repositoryAdminAllowList (if set); " +
      "not applicable when only the owners administer it.",
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
        return finding(repo, 'not_applicable', `Only the organization owners (${ownersText}) administer ${repo.resourceId}: they are judged by github_org_owners_limited.`);
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
