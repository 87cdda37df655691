// Members' base repository permission read or none: it applies to every member on every repository, so
// anything more is granted through teams.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, OrgEvidence } from '../schema.js';

export const orgBasePermissionRestricted: CheckDefinition<GitHubOptions> = {
  id: 'github_org_base_permission_restricted',
  title: "Members' base repository permission is read or none",
  severity: 'medium',
  description:
    'The base permission applies to every member on every repository. Write or admin as a base lets any member ' +
    'push to or administer every repository. Passes when default_repository_permission is in ' +
    'thresholds.defaultPermissionsAllowed (default: none, read; CIS GitHub 1.3.8).',
  remediation: 'Organization settings → Member privileges → Base permissions: No permission or Read; grant more through teams.',
  resourceTypes: [EVIDENCE.org],
  evaluate(view, options) {
    const allowed = options.thresholds.defaultPermissionsAllowed;
    return evidenceOf<OrgEvidence>(view, EVIDENCE.org).map((org) => {
      const permission = org.data.defaultRepositoryPermission;
      if (permission === null) return finding(org, 'error', `The base permission of organization ${org.data.login} is not visible to the token.`);
      const message = `Organization ${org.data.login} gives members "${permission}" on every repository (allowed: ${allowed.join(', ')}).`;
      return finding(org, (allowed as string[]).includes(permission) ? 'pass' : 'fail', message);
    });
  },
};
