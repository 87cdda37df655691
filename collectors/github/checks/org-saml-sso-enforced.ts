// SAML single sign-on (CC6.1, CC6.2; SOC 1 authentication): members reach the organization through
// the company's identity provider, so leaving the company (and its MFA policy) applies to GitHub too.
// GitHub's API shows the provider and which members have a linked SAML identity, not the "Require SAML
// SSO" switch: enforcement removes every member without one, so both are required to pass, and the
// messages say exactly what was seen.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, SsoEvidence } from '../schema.js';
import { planWithoutSso } from '../sso-reads.js';

export const orgSamlSsoEnforced: CheckDefinition<GitHubOptions> = {
  id: 'github_org_saml_sso_enforced',
  title: 'Members sign in through the SAML identity provider',
  severity: 'high',
  description:
    "With SAML SSO enforced, reaching the organization needs a session at the company's identity provider, so its " +
    "MFA and its leaver process apply to GitHub. GitHub's API does not expose the enforcement switch; it shows the " +
    "organization's identity provider and the members with a linked SAML identity, and enforcement removes every " +
    'member without one. Passes when a provider is configured and every member (owners included) has a linked ' +
    'identity; fails when there is no provider on GitHub Enterprise Cloud, or members without one remain; not ' +
    'applicable on plans without SAML SSO (free, team).',
  remediation:
    'Organization settings → Authentication security → enable SAML single sign-on and "Require SAML SSO ' +
    'authentication for all members"; members without a linked identity are then removed until they sign in ' +
    'through the provider.',
  resourceTypes: [EVIDENCE.sso],
  evaluate(view) {
    return evidenceOf<SsoEvidence>(view, EVIDENCE.sso).map((org) => {
      const { login, plan, identityProvider: idp, membersWithoutIdentity: without, linkedMembers } = org.data;
      if (planWithoutSso(plan)) {
        return finding(
          org,
          'not_applicable',
          `Organization ${login} is on the ${plan} plan, which offers no SAML single sign-on (GitHub Enterprise Cloud ` +
            `does): members sign in with their GitHub accounts.`,
        );
      }
      if (idp === null) {
        return plan === null
          ? finding(
              org,
              'error',
              `Whether organization ${login} uses SAML single sign-on is not visible to the token (its plan is shown to ` +
                `owners only; the provider to owners' tokens with read:org and to Apps with members=read).`,
            )
          : finding(
              org,
              'fail',
              `Organization ${login} has no SAML identity provider: members sign in with their GitHub accounts only (a ` +
                `provider set on the enterprise account is not shown at the organization level).`,
            );
      }
      const provider = `${idp.issuer ?? 'an unnamed issuer'}${idp.ssoHost ? ` at ${idp.ssoHost}` : ''}`;
      if (without === null)
        return finding(
          org,
          'error',
          `Organization ${login} has a SAML identity provider (${provider}), but its members could not be read to see who is linked.`,
        );
      return without.length > 0
        ? finding(
            org,
            'fail',
            `Organization ${login} has a SAML identity provider (${provider}), but ${without.length} member(s) have no ` +
              `linked SAML identity, so sign-in through it is not enforced: ${without.join(', ')}.`,
          )
        : finding(
            org,
            'pass',
            `Organization ${login} has a SAML identity provider (${provider}) and all ${linkedMembers} members have a linked SAML identity.`,
          );
    });
  },
};
