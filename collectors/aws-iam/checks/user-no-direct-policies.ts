// CIS AWS 1.15: users get permissions only through groups (or roles), never attached to the user.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, UserEvidence } from '../schema.js';

export const userNoDirectPolicies: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_user_no_direct_policies',
  title: 'IAM users have no directly attached policies',
  severity: 'low',
  description:
    'Permissions attached to individual users drift apart and are hard to review; groups make access reviews a ' +
    'matter of group membership. Fails for users with attached managed policies or inline policies.',
  remediation:
    'Put the user in a group that carries the permissions (or have them assume a role), then detach the managed policies and delete the inline policies from the user.',
  resourceTypes: [EVIDENCE.user],
  evaluate(view) {
    return evidenceOf<UserEvidence>(view, EVIDENCE.user).map((user) => {
      const direct = [
        ...user.data.attachedPolicies.map((policy) => `managed ${policy.name}`),
        ...user.data.inlinePolicies.map((policy) => `inline ${policy.name}`),
      ];
      return direct.length > 0
        ? finding(user, 'fail', `IAM user ${user.data.userName} has policies attached directly: ${direct.join(', ')}.`)
        : finding(user, 'pass', `IAM user ${user.data.userName} has no policies attached directly.`);
    });
  },
};
