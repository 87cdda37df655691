// What counts as full administrator access: the AWS-managed AdministratorAccess policy, or an Allow
// statement granting every action on every resource, where "every" includes "every one but those
// named": NotAction (with Resource "*") and NotResource (with Action "*" or "*:*") are read as admin.
// "All but a few" still grants every action AWS adds later and seldom leaves out enough to stop an
// escalation, so such statements count, with one exception: administrator access means being able to
// change permissions, so a NotAction that leaves out all of IAM (`iam:*`, as PowerUserAccess does)
// is not read as admin: its holder cannot grant itself more. Conversely `iam:*` on every resource is
// admin: its holder can attach any policy to itself. Deny statements are ignored: they never grant,
// and weighing them against the Allows is not attempted. Conditions are not read: a conditioned grant
// is still admin for whoever meets the condition.
import { globMatcher as matcherOf } from '../../../src/glob.js';
import type { PolicyDocument, PolicyStatement } from '../schema.js';

export const ADMINISTRATOR_ACCESS_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;
const EVERY_ACTION = new Set(['*', '*:*']);
const EVERY_RESOURCE = '*';

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  const statements = document.Statement;
  if (statements === undefined) return [];
  return Array.isArray(statements) ? statements : [statements];
}

/** "every action", "every action except …", "every IAM action", or undefined when it grants less. */
function actionsGranted(statement: PolicyStatement): string | undefined {
  const actions = asList(statement.Action);
  if (actions.some((action) => EVERY_ACTION.has(action))) return 'every action';
  // Whoever may do anything in IAM can attach AdministratorAccess to itself (IAMFullAccess).
  if (actions.some((action) => action.toLowerCase() === 'iam:*')) return 'every IAM action';
  if (statement.NotAction === undefined) return undefined;
  const excluded = asList(statement.NotAction);
  if (excluded.some((action) => EVERY_ACTION.has(action) || action.toLowerCase() === 'iam:*')) return undefined;
  return excluded.length > 0 ? `every action except ${excluded.join(', ')}` : 'every action';
}

/** "every resource", "every resource except <arn>", or undefined when the statement covers fewer. */
function resourcesCovered(statement: PolicyStatement): string | undefined {
  if (asList(statement.Resource).includes(EVERY_RESOURCE)) return 'every resource';
  if (statement.NotResource === undefined) return undefined;
  const excluded = asList(statement.NotResource);
  if (excluded.includes(EVERY_RESOURCE)) return undefined;
  return excluded.length > 0 ? `every resource except ${excluded.join(', ')}` : 'every resource';
}

/** What a statement grants when it is full admin ("every action on every resource"), else undefined. */
export function fullAdminGrant(statement: PolicyStatement): string | undefined {
  if (statement.Effect !== 'Allow') return undefined;
  const actions = actionsGranted(statement);
  const resources = resourcesCovered(statement);
  return actions && resources ? `${actions} on ${resources}` : undefined;
}

export interface AdminStatement {
  /** The statement's Sid, else its 1-based position ("#2"). */
  label: string;
  /** e.g. "every action except iam:* on every resource". */
  grant: string;
}

export function fullAdminStatements(document: PolicyDocument): AdminStatement[] {
  return statementsOf(document).flatMap((statement, index) => {
    const grant = fullAdminGrant(statement);
    return grant ? [{ label: statement.Sid ? statement.Sid : `#${index + 1}`, grant }] : [];
  });
}

/** Allow-list globs: `*` matches any run of characters, everything else literally (src/glob.ts, linear time). */
export function globMatcher(globs: string[]): (arn: string) => boolean {
  const patterns = globs.map((glob) => matcherOf(glob));
  return (arn) => patterns.some((matches) => matches(arn));
}
