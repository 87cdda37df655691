// The template-source collector: reads the accounts of one system from a JSON endpoint and checks that
// each has MFA. Replace the endpoint, the evidence and the check with your source's own.
import { defineCollector } from '../../src/collector.js';
import type { CheckDefinition, CollectContext, CollectResult, PermissionCheck, PreflightContext } from '../../src/collector.js';
import { evidenceOf, finding } from '../../src/judging.js';
import { ACCOUNT_TYPE, accountsResponseSchema, templateSourceOptionsSchema } from './schema.js';
import type { TemplateSourceAccount, TemplateSourceOptions } from './schema.js';

const accountMfaEnabled: CheckDefinition<TemplateSourceOptions> = {
  id: 'template_source_account_mfa_enabled',
  title: 'Every account has MFA',
  severity: 'high',
  description: 'Each account of the system signs in with a second factor.',
  remediation: 'Enable MFA for the account, or require it for every account in the system settings.',
  resourceTypes: [ACCOUNT_TYPE],
  evaluate: (view) =>
    evidenceOf<Omit<TemplateSourceAccount, 'id'>>(view, ACCOUNT_TYPE).map((account) =>
      account.data.mfaEnabled
        ? finding(account, 'pass', `account ${account.data.name} (${account.resourceId}) has MFA`)
        : finding(account, 'fail', `account ${account.data.name} (${account.resourceId}) has no MFA`),
    ),
};

/** One GET: the whole list. The response is validated, so a changed API fails the run with the field named. */
async function collectAccounts(ctx: CollectContext<TemplateSourceOptions>): Promise<CollectResult> {
  const { url, token } = ctx.options;
  ctx.countApiCall();
  const response = await fetch(url, {
    headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: ctx.signal,
  });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const parsed = accountsResponseSchema.safeParse(await response.json());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`GET ${url}: unexpected response at ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return {
    evidence: parsed.data.accounts.map(({ id, ...data }) => ({ type: ACCOUNT_TYPE, resourceId: id, schemaVersion: 1, data })),
    errors: [],
  };
}

const ACCOUNTS_PERMISSION = 'GET of the accounts endpoint with a read-only token';

/**
 * `evidence-agent doctor`: the cheapest read that proves each permission, writing nothing. Here the one
 * GET of the collection is already the cheapest: its status says whether the token may read.
 */
async function preflightAccounts(ctx: PreflightContext<TemplateSourceOptions>): Promise<PermissionCheck[]> {
  const { url, token } = ctx.options;
  ctx.countApiCall();
  let status: number;
  try {
    const response = await fetch(url, { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, signal: ctx.signal });
    await response.body?.cancel();
    status = response.status;
  } catch (error) {
    return [{ name: 'credentials', status: 'fail', detail: `GET ${url}: ${(error as Error).message}` }];
  }
  if (status === 401) return [{ name: 'credentials', status: 'fail', detail: `GET ${url}: HTTP 401: the token is not valid` }];
  return [
    { name: 'credentials', status: 'ok', detail: `GET ${url} answered` },
    status === 200
      ? { name: ACCOUNTS_PERMISSION, status: 'ok', detail: 'read' }
      : {
          name: ACCOUNTS_PERMISSION,
          status: 'fail',
          detail: `GET ${url}: HTTP ${status}${status === 403 ? ': give the token read access to the accounts' : ''}`,
        },
  ];
}

export const templateSource = defineCollector<TemplateSourceOptions>({
  id: 'template-source',
  title: 'template-source accounts',
  optionsSchema: templateSourceOptionsSchema,
  permissions: [ACCOUNTS_PERMISSION],
  checks: [accountMfaEnabled],
  defaultSchedule: '0 5 * * *',
  scopes: (options) => [{ key: new URL(options.url).host, settings: {} }],
  collect: collectAccounts,
  preflight: preflightAccounts,
});
