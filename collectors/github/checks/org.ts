// Organization checks (CC6 logical access): 2FA required, few owners, a restrictive base permission,
// outside collaborators on an allow-list, webhooks that deliver over verified TLS with a secret.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, OrgEvidence, WebhookEvidence } from '../schema.js';

const list = (items: readonly string[]) => items.join(', ');

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
      const missing = without && without.length > 0 ? ` Members without 2FA: ${list(without)}.` : '';
      if (required === null) {
        return finding(org, 'error', `Whether organization ${login} requires 2FA is not visible to the token (an owner's token or the admin:org scope is needed).`);
      }
      return required
        ? finding(org, without && without.length > 0 ? 'fail' : 'pass', `Organization ${login} requires 2FA.${missing}`)
        : finding(org, 'fail', `Organization ${login} does not require 2FA.${missing}`);
    });
  },
};

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
        ...(unapproved.length > 0 ? [`not on the owner allow-list: ${list(unapproved)}`] : []),
      ];
      const who = `Organization ${login} owners: ${list(owners) || 'none'}`;
      return problems.length > 0 ? finding(org, 'fail', `${who} (${problems.join('; ')}).`) : finding(org, 'pass', `${who}.`);
    });
  },
};

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
      const message = `Organization ${org.data.login} gives members "${permission}" on every repository (allowed: ${list(allowed)}).`;
      return finding(org, (allowed as string[]).includes(permission) ? 'pass' : 'fail', message);
    });
  },
};

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

export const orgWebhooksSecure: CheckDefinition<GitHubOptions> = {
  id: 'github_org_webhooks_secure',
  title: 'Organization webhooks use HTTPS, verify TLS and sign deliveries',
  severity: 'medium',
  description:
    'Webhook payloads carry repository and member data. Fails for a webhook whose URL is not https, that delivers ' +
      'without verifying the certificate (insecure_ssl), or that has no secret (receivers cannot tell forged ' +
      'deliveries).',
  remediation: 'Edit the webhook: an https URL, SSL verification enabled, and a secret that the receiver checks.',
  resourceTypes: [EVIDENCE.webhook],
  evaluate(view) {
    return evidenceOf<WebhookEvidence>(view, EVIDENCE.webhook).map((hook) => {
      const { url, https, sslVerification, secretSet } = hook.data;
      const problems = [...(https ? [] : ['not https']), ...(sslVerification ? [] : ['SSL verification off']), ...(secretSet ? [] : ['no secret'])];
      return problems.length > 0
        ? finding(hook, 'fail', `Webhook ${hook.resourceId} to ${url}: ${problems.join(', ')}.`)
        : finding(hook, 'pass', `Webhook ${hook.resourceId} to ${url} uses https with SSL verification and a secret.`);
    });
  },
};
