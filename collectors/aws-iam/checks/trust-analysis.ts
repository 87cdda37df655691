// Who a role's trust policy lets assume it. Each Allow statement that grants an sts:AssumeRole* action
// is read into grants: anyone (`Principal: *` or `NotPrincipal`, perhaps narrowed by a condition naming
// the caller's account, ARN or organization), a whole account (its root, or its bare id), a named user
// or role of an account, an AWS service, or an identity provider. Each grant notes whether the
// statement requires an external id. Deny statements are not weighed (they never widen access, so a
// grant may be read wider than it is, never narrower). A principal or condition that cannot be read is
// a problem: the check says it cannot judge the role rather than guess.
import { parseArn } from '../arn.js';
import type { PolicyDocument, PolicyStatement } from '../schema.js';
import { statementsOf } from './policy-analysis.js';

/** Who a condition narrows `Principal: *` to: one account, one organization (or an OU path in it). */
export type Scope = { kind: 'account'; id: string } | { kind: 'organization'; id: string };

export type Grant = { statement: string; externalId: boolean } & (
  | { kind: 'anyone' }
  | { kind: 'anyone-in'; scopes: Scope[]; keys: string[] }
  | { kind: 'account'; account: string; principal: string }
  | { kind: 'principal'; account: string; principal: string }
  | { kind: 'service'; principal: string }
  | { kind: 'identity-provider'; principal: string }
);

export interface TrustAnalysis {
  grants: Grant[];
  /** What could not be read, one phrase each: the role cannot be judged while any is left. */
  problems: string[];
}

const ASSUME_ACTIONS = ['sts:assumerole', 'sts:assumerolewithsaml', 'sts:assumerolewithwebidentity'];
/** Condition keys that name the caller (or, for a service, the resource it acts for). */
const CALLER_KEYS = new Set([
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
]);
/**
 * Operators that require the key to be present and to match. `...IfExists` passes when the key is
 * absent, and `ForAllValues:` passes for an empty set, so neither requires anything.
 */
const REQUIRING_OPERATORS = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
  'foranyvalue:stringequals',
  'foranyvalue:stringequalsignorecase',
  'foranyvalue:stringlike',
]);
const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

export function analyzeTrust(document: PolicyDocument): TrustAnalysis {
  const analysis: TrustAnalysis = { grants: [], problems: [] };
  statementsOf(document).forEach((statement, index) => {
    const label = statement.Sid ? `statement ${statement.Sid}` : `statement #${index + 1}`;
    if (statement.Effect !== 'Allow' || !grantsAssume(statement)) return;
    const conditions = requiredConditions(statement.Condition, label, analysis.problems);
    const externalId = (conditions.get('sts:externalid')?.values ?? []).some((value) => value !== '' && !/[*?]/.test(value));
    const base = { statement: label, externalId };
    if (statement.NotPrincipal !== undefined || statement.Principal === '*') {
      analysis.grants.push(anyone(base, conditions));
      return;
    }
    const principal = statement.Principal;
    if (!isObject(principal)) {
      analysis.problems.push(`${label} has no Principal that can be read`);
      return;
    }
    for (const [type, values] of Object.entries(principal)) {
      const list = typeof values === 'string' ? [values] : Array.isArray(values) ? values : [];
      if (list.length === 0 || !list.every((value): value is string => typeof value === 'string')) {
        analysis.problems.push(`${label}: Principal ${type} is not a string or a list of strings`);
        continue;
      }
      for (const value of list) {
        const grant = principalGrant(type, value, base, conditions);
        if (typeof grant === 'string') analysis.problems.push(`${label}: ${grant}`);
        else if (grant) analysis.grants.push(grant);
      }
    }
  });
  return analysis;
}

/** Whether a statement allows assuming the role: an sts:AssumeRole* action, by name or wildcard, or a NotAction leaving them in. */
function grantsAssume(statement: PolicyStatement): boolean {
  if (statement.NotAction !== undefined) {
    const excluded = asList(statement.NotAction);
    return !ASSUME_ACTIONS.every((action) => excluded.some((pattern) => wildcardMatch(pattern, action)));
  }
  return asList(statement.Action).some((pattern) => ASSUME_ACTIONS.some((action) => wildcardMatch(pattern, action)));
}

/** A condition key as written, and the values it must match. */
interface Required {
  key: string;
  values: string[];
}

/** Condition keys (by lower-case name) with the values they must match, from the operators that require them. */
function requiredConditions(condition: unknown, label: string, problems: string[]): Map<string, Required> {
  const required = new Map<string, Required>();
  if (condition === undefined) return required;
  if (!isObject(condition)) {
    problems.push(`${label} has a Condition that is not an object`);
    return required;
  }
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block)) {
      problems.push(`${label}: condition ${operator} is not an object`);
      continue;
    }
    if (!REQUIRING_OPERATORS.has(operator.toLowerCase())) continue;
    for (const [key, value] of Object.entries(block)) {
      const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
      const name = key.toLowerCase();
      required.set(name, { key: required.get(name)?.key ?? key, values: [...(required.get(name)?.values ?? []), ...values] });
    }
  }
  return required;
}

/** `Principal: *` (or NotPrincipal): anyone, unless a required condition names the caller's account, ARN or organization. */
function anyone(base: { statement: string; externalId: boolean }, conditions: Map<string, Required>): Grant {
  const scopes: Scope[] = [];
  const keys: string[] = [];
  let unbounded = false;
  for (const [name, { key, values }] of conditions) {
    if (!CALLER_KEYS.has(name)) continue;
    keys.push(key);
    for (const value of values) {
      const scope = scopeOf(name, value);
      if (scope) scopes.push(scope);
      else unbounded = true;
    }
  }
  // A caller condition with a value that names no one account or organization ("*", an ARN with a
  // wildcard account) narrows nothing.
  if (scopes.length === 0 || unbounded) return { ...base, kind: 'anyone' };
  return { ...base, kind: 'anyone-in', scopes: dedupeScopes(scopes), keys: keys.sort() };
}

function scopeOf(key: string, value: string): Scope | undefined {
  if (key.endsWith('account')) return ACCOUNT_ID.test(value) ? { kind: 'account', id: value } : undefined;
  if (key.endsWith('orgid')) return ORGANIZATION_ID.test(value) ? { kind: 'organization', id: value } : undefined;
  if (key.endsWith('orgpaths')) {
    const id = value.split('/')[0] ?? '';
    return ORGANIZATION_ID.test(id) ? { kind: 'organization', id } : undefined;
  }
  const account = parseArn(value)?.accountId ?? '';
  return ACCOUNT_ID.test(account) ? { kind: 'account', id: account } : undefined;
}

function principalGrant(
  type: string,
  value: string,
  base: { statement: string; externalId: boolean },
  conditions: Map<string, Required>,
): Grant | string | undefined {
  switch (type) {
    case 'Service':
      return { ...base, kind: 'service', principal: value };
    case 'Federated':
      return { ...base, kind: 'identity-provider', principal: value };
    case 'AWS': {
      if (value === '*') return anyone(base, conditions);
      if (ACCOUNT_ID.test(value)) return { ...base, kind: 'account', account: value, principal: value };
      const arn = parseArn(value);
      if (arn && (arn.service === 'iam' || arn.service === 'sts') && ACCOUNT_ID.test(arn.accountId)) {
        const kind = arn.resource === 'root' ? 'account' : 'principal';
        return { ...base, kind, account: arn.accountId, principal: value };
      }
      // IAM shows a principal deleted since the policy was written by its unique id: nobody can use it.
      if (/^A[A-Z0-9]{15,127}$/.test(value)) return undefined;
      return `AWS principal ${JSON.stringify(value)} is neither an account id nor an IAM ARN`;
    }
    default:
      return `principal type ${JSON.stringify(type)} is not one a role trusts`;
  }
}

export interface TrustedAccounts {
  accounts: ReadonlySet<string>;
  organizations: ReadonlySet<string>;
}

/** Whether a scope is one of the configured own accounts or organizations. */
export function ownScope(scope: Scope, own: TrustedAccounts): boolean {
  return scope.kind === 'account' ? own.accounts.has(scope.id) : own.organizations.has(scope.id);
}

export function describeScope(scope: Scope): string {
  return scope.kind === 'account' ? `account ${scope.id}` : `organization ${scope.id}`;
}

/** Service-linked roles: AWS writes and owns their trust policy, which cannot be edited. */
export function serviceLinked(path: string): boolean {
  return path.startsWith('/aws-service-role/');
}

function dedupeScopes(scopes: Scope[]): Scope[] {
  const seen = new Map(scopes.map((scope) => [`${scope.kind}:${scope.id}`, scope]));
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, scope]) => scope);
}

/** IAM action patterns: `*` any run of characters, `?` one; case-insensitive. */
function wildcardMatch(pattern: string, action: string): boolean {
  const regex = pattern
    .toLowerCase()
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`).test(action);
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
