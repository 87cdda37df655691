// Policy documents of this collector (SCP content, permission-set inline policies) arrive as JSON text.
// A document whose statements cannot be judged is refused, never kept: a check would read what it cannot
// understand as granting or denying nothing. Also what the checks ask of a document: does it grant full
// admin, and does it deny an action everywhere.
import { globMatch, globMatcher } from '../../src/glob.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import type { PolicyDocument, PolicyStatement } from './schema.js';

const LIST_FIELDS = ['Action', 'NotAction', 'Resource', 'NotResource'] as const;

export function parsePolicy(text: string, what: string): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedResponseError(`${what} is not valid JSON`);
  }
  if (!isObject(parsed)) throw new MalformedResponseError(`${what} is not a JSON object`);
  const statement = parsed['Statement'];
  if (statement === undefined) throw new MalformedResponseError(`${what} has no Statement`);
  (Array.isArray(statement) ? statement : [statement]).forEach((entry: unknown, index) => {
    const where = `${what}, statement #${index + 1}`;
    if (!isObject(entry)) throw new MalformedResponseError(`${where} is not a JSON object`);
    if (entry['Effect'] !== 'Allow' && entry['Effect'] !== 'Deny') throw new MalformedResponseError(`${where}: Effect is not Allow or Deny`);
    for (const field of LIST_FIELDS) {
      const value = entry[field];
      if (value !== undefined && typeof value !== 'string' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
        throw new MalformedResponseError(`${where}: ${field} is not a string or a list of strings`);
      }
    }
    if (entry['Condition'] !== undefined && !isObject(entry['Condition'])) throw new MalformedResponseError(`${where}: Condition is not an object`);
  });
  return parsed as PolicyDocument;
}

export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  const statements = document.Statement;
  if (statements === undefined) return [];
  return Array.isArray(statements) ? statements : [statements];
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const label = (statement: PolicyStatement, index: number) => statement.Sid || `#${index + 1}`;

/**
 * IAM action patterns, case-insensitive, `*` any run of characters (src/glob.ts, linear time). A `?` is
 * matched literally: a deny written with one is missed (the check fails), never taken for more than it says.
 */
function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action, { caseInsensitive: true });
}

/**
 * Statements allowing every action (`*`, `*:*`, or `iam:*`, with which a holder grants itself the rest) on
 * every resource: full admin, as aws-iam reads it. Conditions are not read: a conditioned grant is still
 * admin for whoever meets the condition.
 */
export function fullAdminStatements(document: PolicyDocument): string[] {
  return statementsOf(document).flatMap((statement, index) => {
    if (statement.Effect !== 'Allow' || !list(statement.Resource).includes('*')) return [];
    const actions = list(statement.Action);
    const everything = actions.some((a) => a === '*' || a === '*:*' || a.toLowerCase() === 'iam:*');
    const allBut = statement.NotAction !== undefined && !list(statement.NotAction).some((a) => a === '*' || a === '*:*' || a.toLowerCase().startsWith('iam:'));
    return everything || allBut ? [label(statement, index)] : [];
  });
}

export interface DenyFound {
  statement: string;
  /** The condition keys the deny depends on (it may exempt some principals), sorted; empty when unconditional. */
  conditionKeys: string[];
}

/** The Deny statement of `document` that denies `action` on every resource, if any (the first, preferring an unconditional one). */
export function denyOf(document: PolicyDocument, action: string): DenyFound | undefined {
  const found: DenyFound[] = statementsOf(document).flatMap((statement, index) => {
    if (statement.Effect !== 'Deny') return [];
    if (statement.NotResource !== undefined || !list(statement.Resource).includes('*')) return [];
    const denied =
      statement.NotAction !== undefined
        ? !list(statement.NotAction).some((pattern) => actionMatches(pattern, action))
        : list(statement.Action).some((pattern) => actionMatches(pattern, action));
    if (!denied) return [];
    const conditionKeys = Object.values(statement.Condition ?? {})
      .flatMap((operands) => (isObject(operands) ? Object.keys(operands) : []))
      .sort();
    return [{ statement: label(statement, index), conditionKeys }];
  });
  return found.find((deny) => deny.conditionKeys.length === 0) ?? found[0];
}

/** Name globs (`*` any run of characters), case-sensitive as Identity Center names are. */
export function nameMatcher(globs: readonly string[]): (name: string) => boolean {
  const matchers = globs.map((glob) => globMatcher(glob));
  return (name) => matchers.some((matches) => matches(name));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
