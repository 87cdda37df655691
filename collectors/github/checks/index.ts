// The checks of the github collector, one file each named after its id, in the order of its README.
import type { CheckDefinition } from '../../../src/collector.js';
import type { GitHubOptions } from '../schema.js';
import { actionsWorkflowPermissionsRestricted } from './actions-workflow-permissions-restricted.js';
import { orgBasePermissionRestricted } from './org-base-permission-restricted.js';
import { orgOutsideCollaboratorsApproved } from './org-outside-collaborators-approved.js';
import { orgOutsideCollaboratorsNotPrivileged } from './org-outside-collaborators-not-privileged.js';
import { orgOwnersLimited } from './org-owners-limited.js';
import { orgSamlSsoEnforced } from './org-saml-sso-enforced.js';
import { orgTwoFactorRequired } from './org-two-factor-required.js';
import { orgWebhooksSecure } from './org-webhooks-secure.js';
import { pullRequestChecksPassed } from './pull-request-checks-passed.js';
import { pullRequestIndependentlyApproved } from './pull-request-independently-approved.js';
import { repoAdminsCannotBypass } from './repo-admins-cannot-bypass.js';
import { repoAdminsLimited } from './repo-admins-limited.js';
import { repoApprovalsRequired } from './repo-approvals-required.js';
import { repoCodeownersPresent } from './repo-codeowners-present.js';
import { repoDefaultBranchProtected } from './repo-default-branch-protected.js';
import { repoDependabotAlertsEnabled } from './repo-dependabot-alerts-enabled.js';
import { repoDeployKeysReadOnly } from './repo-deploy-keys-read-only.js';
import { repoDirectPushesAbsent } from './repo-direct-pushes-absent.js';
import { repoForcePushDeletionBlocked } from './repo-force-push-deletion-blocked.js';
import { repoSecretScanningEnabled } from './repo-secret-scanning-enabled.js';
import { repoStaleApprovalsDismissed } from './repo-stale-approvals-dismissed.js';
import { repoStatusChecksRequired } from './repo-status-checks-required.js';

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
  repoDirectPushesAbsent,
];
