// The checks of the github collector, in the order of its README.
import type { CheckDefinition } from '../../../src/collector.js';
import type { GitHubOptions } from '../schema.js';
import { orgOutsideCollaboratorsNotPrivileged, repoAdminsLimited } from './access.js';
import { actionsWorkflowPermissionsRestricted } from './actions.js';
import {
  repoAdminsCannotBypass,
  repoApprovalsRequired,
  repoDefaultBranchProtected,
  repoForcePushDeletionBlocked,
  repoStaleApprovalsDismissed,
  repoStatusChecksRequired,
} from './branch.js';
import { defaultBranchDirectPushesAbsent, pullRequestChecksPassed, pullRequestIndependentlyApproved } from './changes.js';
import { orgBasePermissionRestricted, orgOutsideCollaboratorsApproved, orgOwnersLimited, orgTwoFactorRequired, orgWebhooksSecure } from './org.js';
import { repoCodeownersPresent, repoDependabotAlertsEnabled, repoDeployKeysReadOnly, repoSecretScanningEnabled } from './repo-security.js';
import { orgSamlSsoEnforced } from './sso.js';

export const githubChecks: CheckDefinition<GitHubOptions>[] = [
  orgTwoFactorRequired,
  orgSamlSsoEnforced,
  orgOwnersLimited,
  orgBasePermissionRestricted,
  orgOutsideCollaboratorsApproved,
  orgOutsideCollaboratorsNotPrivileged,
  orgWebhooksSecure,
  actionsWorkflowPermissionsRestricted,
  repoAdminsLimited,
  repoDefaultBranchProtected,
  repoApprovalsRequired,
  repoStaleApprovalsDismissed,
  repoStatusChecksRequired,
  repoAdminsCannotBypass,
  repoForcePushDeletionBlocked,
  repoSecretScanningEnabled,
  repoDependabotAlertsEnabled,
  repoDeployKeysReadOnly,
  repoCodeownersPresent,
  pullRequestIndependentlyApproved,
  pullRequestChecksPassed,
  defaultBranchDirectPushesAbsent,
];
