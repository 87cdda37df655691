// Which permission sets are admin-equivalent: the AWS-managed AdministratorAccess policy attached, an
// inline policy allowing every action on every resource, or a name the config lists. Customer managed
// policies live in each member account and are not read here: the roles Identity Center provisions
// from them (AWSReservedSSO_*) are judged in each account by aws_iam_admin_access_restricted.
import { fullAdminStatements, nameMatcher } from '../policy.js';
import type { PermissionSetEvidence } from '../schema.js';

const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

/** Why the permission set is admin-equivalent, or undefined when it is not (as far as this collector reads). */
export function adminReason(set: PermissionSetEvidence, configured: readonly string[]): string | undefined {
  if (set.managedPolicies.some((policy) => ADMINISTRATOR_ACCESS.test(policy.arn))) return 'the AdministratorAccess managed policy';
  const statements = set.inlinePolicy ? fullAdminStatements(set.inlinePolicy) : [];
  if (statements.length > 0) return `an inline policy allowing every action on every resource (statement ${statements.join(', ')})`;
  if (nameMatcher(configured)(set.name)) return 'its name, listed in identityCenter.adminPermissionSets';
  return undefined;
}
