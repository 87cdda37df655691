// The checks of the github collector, in the order of its README.
import type { CheckDefinition } from '../../../src/collector.js';
import type { GitHubOptions } from '../schema.js';
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

export const githubChecks: CheckDefinition<GitHubOptions>[] = [
  orgTwoFactorRequired,
  orgOwnersLimited,
  orgBasePermissionRestricted,
  orgOutsideCollaboratorsApproved,
  orgWebhooksSecure,
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
