// Outside collaborators hold neither admin nor maintain on any repository: such power, held outside the
// organization, escapes membership reviews and SSO.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, OrgEvidence, OutsideCollaboratorEvidence } from '../schema.js';

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
    'settings: held by someone outside the organization, it escapes membership reviews and SSO. Judged from each ' +
    "repository's outside collaborators and their permission (a custom role by the level it is based on). Fails " +
    'for an outside collaborator with admin or maintain on a selected repository; not applicable when the ' +
    'organization has no outside collaborator.',
  remediation: 'Lower the collaborator to write or read on that repository, or make them a member whose access comes through a team.',
  resourceTypes: [EVIDENCE.outsideCollaborator],
  evaluate(view) {
    const collaborators = evidenceOf<OutsideCollaboratorEvidence>(view, EVIDENCE.outsideCollaborator);
    if (collaborators.length === 0 && view.errors(EVIDENCE.outsideCollaborator).length === 0) {
      return evidenceOf<OrgEvidence>(view, EVIDENCE.org).map((org) =>
        finding(org, 'not_applicable', `Organization ${org.data.login} has no outside collaborators.`),
      );
    }
    return collaborators.map((collaborator) => {
      const { login, repositories, unreadRepositories } = collaborator.data;
      const org = collaborator.resourceId.split('/')[0];
      const privileged = (repositories ?? []).filter((r) => PRIVILEGED.has(r.permission));
      if (privileged.length > 0) return finding(collaborator, 'fail', `Outside collaborator ${login} of ${org} holds ${grants(privileged)}.`);
      if (repositories === null)
        return finding(collaborator, 'error', `The repositories of ${org} could not be listed, so the access of outside collaborator ${login} is unknown.`);
      if (unreadRepositories.length > 0) {
        return finding(
          collaborator,
          'error',
          `The collaborators of ${unreadRepositories.join(', ')} could not be read, so the access of outside collaborator ${login} of ${org} there is unknown.`,
        );
      }
      return repositories.length > 0
        ? finding(collaborator, 'pass', `Outside collaborator ${login} of ${org} holds ${grants(repositories)}: no admin or maintain.`)
        : finding(collaborator, 'pass', `Outside collaborator ${login} of ${org} reaches none of the selected repositories.`);
    });
  },
};
