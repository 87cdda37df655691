// Service control policies deny, in every member account, leaving the organisation and switching off
// CloudTrail (and, where configured, GuardDuty and AWS Config): the guardrails no one in a member account,
// its administrators included, can remove.
import type { CheckDefinition, FindingDraft } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { denyOf } from '../policy.js';
import { EVIDENCE, requiredDeniedActions } from '../schema.js';
import type { AccountEvidence, AwsOrganizationOptions, RootEvidence, ScpEvidence } from '../schema.js';

export const organizationsScpGuardrailsEnforced: CheckDefinition<AwsOrganizationOptions> = {
  id: 'aws_organization_scp_guardrails_enforced',
  title: 'Service control policies deny leaving the organization and disabling audit logging',
  severity: 'high',
  description:
    'Without these guardrails an administrator of a member account can stop or delete its CloudTrail trails, switch off GuardDuty or AWS Config, or take the account out of the organisation and out of every control. For each active member account, the SCPs attached to it, to each OU above it and to the root are read: each action of scp.requiredDeniedActions (default organizations:LeaveOrganization, cloudtrail:StopLogging, cloudtrail:DeleteTrail; plus the GuardDuty and Config actions when scp.guardDuty / scp.config are on) must be denied by a Deny statement on every resource. A Deny with conditions (exempting a break-glass role) counts, and the pass names its condition keys. Fails when SCPs are not enabled on the root. Not applicable to the management account (SCPs never apply to it) and to suspended or closed accounts. Error when the SCPs could not be read.',
  remediation:
    'Attach an SCP to the root (or to every OU) with a Deny of the missing actions on "*", for example Effect Deny, Action ["organizations:LeaveOrganization", "cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], Resource "*", and enable the SERVICE_CONTROL_POLICY policy type on the root.',
  resourceTypes: [EVIDENCE.scp, EVIDENCE.account],
  evaluate(view, options) {
    const unread = view.errors(EVIDENCE.scp).length > 0;
    const roots = new Map(evidenceOf<RootEvidence>(view, EVIDENCE.root).map((root) => [root.data.id, root.data]));
    const policies = evidenceOf<ScpEvidence>(view, EVIDENCE.scp).map((policy) => policy.data);
    const required = requiredDeniedActions(options.scp);
    const findings: FindingDraft[] = [];
    for (const account of evidenceOf<AccountEvidence>(view, EVIDENCE.account)) {
      const { accountId, name, status, management, path } = account.data;
      const label = `Account ${accountId} (${name})`;
      if (management) {
        findings.push(finding(account, 'not_applicable', `${label} is the management account: service control policies do not apply to it.`));
        continue;
      }
      if (status !== 'ACTIVE') {
        findings.push(finding(account, 'not_applicable', `${label} is ${status}, not active.`));
        continue;
      }
      if (unread) {
        findings.push(
          finding(
            account,
            'error',
            `Whether SCPs deny ${required.join(', ')} in ${label} cannot be determined: the service control policies could not be read.`,
          ),
        );
        continue;
      }
      const root = roots.get(path[0] ?? '');
      const enabled = root?.policyTypes.some((type) => type.type === 'SERVICE_CONTROL_POLICY' && type.status === 'ENABLED') === true;
      if (!enabled) {
        findings.push(
          finding(
            account,
            'fail',
            `${label}: service control policies are not enabled on root ${path[0] ?? '(unknown)'}, so no SCP denies ${required.join(', ')}.`,
          ),
        );
        continue;
      }
      const targets = new Set([accountId, ...path]);
      const effective = policies.filter((policy) => policy.targets.some((target) => targets.has(target.targetId)));
      const found: string[] = [];
      const missing: string[] = [];
      for (const action of required) {
        const deny = effective.map((policy) => ({ policy, deny: denyOf(policy.document, action) })).find((candidate) => candidate.deny !== undefined);
        if (!deny?.deny) missing.push(action);
        else {
          const conditions = deny.deny.conditionKeys.length > 0 ? `, unless ${deny.deny.conditionKeys.join(', ')} match` : '';
          found.push(`${action} by ${deny.policy.name} ${deny.deny.statement}${conditions}`);
        }
      }
      findings.push(
        missing.length > 0
          ? finding(account, 'fail', `${label}: no service control policy denies ${missing.join(', ')}.`)
          : finding(account, 'pass', `${label}: service control policies deny ${found.join('; ')}.`),
      );
    }
    return findings;
  },
};
