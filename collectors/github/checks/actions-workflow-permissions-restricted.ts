// GitHub Actions token settings (CC6.1, CC8.1; SOC 1 access and change management): a workflow's
// GITHUB_TOKEN is read-only by default, and workflows may not approve pull requests, which would let
// code in a pull request approve itself. Judged for the organization and for each repository.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { ActionsPermissionsEvidence, GitHubOptions } from '../schema.js';

export const actionsWorkflowPermissionsRestricted: CheckDefinition<GitHubOptions> = {
  id: 'github_actions_workflow_permissions_restricted',
  title: 'Workflow tokens are read-only by default and cannot approve pull requests',
  severity: 'high',
  description:
    'A workflow runs with a GITHUB_TOKEN: with write by default, any workflow (or an action it pulls in) can push ' +
    'code and change issues and releases; allowed to approve pull requests, a workflow can supply the approval a ' +
    'change needs, with no person reviewing it. Judged from the organization setting and from the setting of each ' +
    'repository where Actions may run. Fails when default_workflow_permissions is write or ' +
    'can_approve_pull_request_reviews is true; not applicable where the organization does not let Actions run.',
  remediation:
    'Settings → Actions → General → Workflow permissions: "Read repository contents and packages permissions", and ' +
    'clear "Allow GitHub Actions to create and approve pull requests"; grant more per job with the permissions key.',
  resourceTypes: [EVIDENCE.actionsPermissions],
  evaluate(view) {
    return evidenceOf<ActionsPermissionsEvidence>(view, EVIDENCE.actionsPermissions).map((item) => {
      const { scope, actionsEnabled, defaultWorkflowPermissions, canApprovePullRequestReviews } = item.data;
      const what = scope === 'organization' ? `Organization ${item.resourceId}` : `Repository ${item.resourceId}`;
      if (!actionsEnabled) return finding(item, 'not_applicable', `${what}: GitHub Actions may not run here (the organization's Actions policy).`);
      const problems = [
        ...(defaultWorkflowPermissions !== 'read' ? [`workflow tokens get ${defaultWorkflowPermissions} permissions by default`] : []),
        ...(canApprovePullRequestReviews ? ['workflows may create and approve pull requests'] : []),
      ];
      return problems.length > 0
        ? finding(item, 'fail', `${what}: ${problems.join('; ')}.`)
        : finding(item, 'pass', `${what}: workflow tokens are read-only by default and workflows may not approve pull requests.`);
    });
  },
};
