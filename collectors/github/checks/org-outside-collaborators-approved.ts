// Outside collaborators on an allow-list: they reach repositories without being members, so each one is
// approved by name.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions } from '../schema.js';

export const orgOutsideCollaboratorsApproved: CheckDefinition<GitHubOptions> = {
  id: 'github_org_outside_collaborators_approved',
  title: 'Outside collaborators are on the allow-list',
  severity: 'medium',
  description:
    'Outside collaborators reach repositories without being members, so they escape membership reviews and SSO. Each one not in thresholds.outsideCollaboratorAllowList fails.',
  remediation: 'Remove the collaborator from the repositories, or make them a member, or add them to the allow-list with the reason recorded.',
  resourceTypes: [EVIDENCE.outsideCollaborator],
  evaluate(view, options) {
    const allowed = new Set(options.thresholds.outsideCollaboratorAllowList.map((l) => l.toLowerCase()));
    return evidenceOf<{ login: string }>(view, EVIDENCE.outsideCollaborator).map((collaborator) => {
      const { login } = collaborator.data;
      const org = collaborator.resourceId.split('/')[0];
      return allowed.has(login.toLowerCase())
        ? finding(collaborator, 'pass', `Outside collaborator ${login} of ${org} is on the allow-list.`)
        : finding(collaborator, 'fail', `Outside collaborator ${login} of ${org} is not on the allow-list.`);
    });
  },
};
