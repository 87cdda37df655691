// The checks of the aws-organization collector, in the order they are listed in its README.
import type { CheckDefinition } from '../../../src/collector.js';
import type { AwsOrganizationOptions } from '../schema.js';
import { ssoAdminPermissionSetRestricted } from './admin-permission-set-restricted.js';
import { ssoAssignmentToGroup } from './assignment-to-group.js';
import { organizationsScpGuardrailsEnforced } from './scp-guardrails-enforced.js';
import { ssoPermissionSetSessionLimited } from './permission-set-session-limited.js';
import { organizationsTrailCoversAccounts } from './trail-covers-accounts.js';

export const awsOrganizationChecks: CheckDefinition<AwsOrganizationOptions>[] = [
  ssoAdminPermissionSetRestricted,
  ssoAssignmentToGroup,
  ssoPermissionSetSessionLimited,
  organizationsScpGuardrailsEnforced,
  organizationsTrailCoversAccounts,
];
