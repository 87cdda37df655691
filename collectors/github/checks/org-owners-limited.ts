// Organization owners few and approved: owners can change every setting and read every repository, so
// their number is bounded and, when an allow-list is set, each one is on it.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, OrgEvidence } from '../schema.js';

export const orgOwnersLimited: CheckDefinition<GitHubOptions> = {
  id: 'github_org_owners_limited',
  title: 'Organization owners are few and approved',
  severity: 'high',
  description:
    'Owners can change every setting, read every repository and remove audit controls. Fails when there are more ' +
    'owners than thresholds.maxOwners (default 3), or when an owner is not in thresholds.ownerAllowList (if one is ' +
    'set).',
  remediation: 'Make people who do not administer the organization members, and keep the owner list reviewed.',
  resourceTypes: [EVIDENCE.org],
  evaluate(view, options) {
    const { maxOwners, ownerAllowList } = options.thresholds;
    return evidenceOf<OrgEvidence>(view, EVIDENCE.org).map((org) => {
      const { login, owners } = org.data;
      const unapproved = ownerAllowList.length > 0 ? owners.filter((o) => !ownerAllowList.some((a) => a.toLowerCase() === o.toLowerCase())) : [];
      const problems = [
        ...(owners.length > maxOwners ? [`${owners.length} owners, more than ${maxOwners}`] : []),
        ...(unapproved.length > 0 ? [`not on the owner allow-list: ${unapproved.join(', ')}`] : []),
      ];
      const who = `Organization ${login} owners: ${owners.join(', ') || 'none'}`;
      return problems.length > 0 ? finding(org, 'fail', `${who} (${problems.join('; ')}).`) : finding(org, 'pass', `${who}.`);
    });
  },
};
