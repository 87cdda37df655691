// Two-factor authentication required by the organization: a stolen password alone does not reach the code;
// members still without 2FA are named when the token may list them.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, OrgEvidence } from '../schema.js';

export const orgTwoFactorRequired: CheckDefinition<GitHubOptions> = {
  id: 'github_org_two_factor_required',
  title: 'Organization requires two-factor authentication',
  severity: 'high',
  description:
    'With the 2FA requirement on, GitHub removes members who do not enable 2FA, so a stolen password alone does ' +
    'not give access to code. Judged by two_factor_requirement_enabled of the organization (visible to owners); ' +
    'members still without 2FA are named when the token may list them.',
  remediation: 'Organization settings → Authentication security → Require two-factor authentication for everyone.',
  resourceTypes: [EVIDENCE.org],
  evaluate(view) {
    return evidenceOf<OrgEvidence>(view, EVIDENCE.org).map((org) => {
      const { login, twoFactorRequirementEnabled: required, membersWithoutTwoFactor: without } = org.data;
      const missing = without && without.length > 0 ? ` Members without 2FA: ${without.join(', ')}.` : '';
      if (required === null) {
        return finding(
          org,
          'error',
          `Whether organization ${login} requires 2FA is not visible to the token (an owner's token or the admin:org scope is needed).`,
        );
      }
      return required
        ? finding(org, without && without.length > 0 ? 'fail' : 'pass', `Organization ${login} requires 2FA.${missing}`)
        : finding(org, 'fail', `Organization ${login} does not require 2FA.${missing}`);
    });
  },
};
