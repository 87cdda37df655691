// The template-source collector: reads the accounts of one system from a JSON endpoint and checks that
// each has MFA. Replace the endpoint, the evidence and the check with your source's own.
import { defineCollector } from '../../src/collector.js';
import type { CheckDefinition, CollectContext, CollectResult } from '../../src/collector.js';
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

export const templateSource = defineCollector<TemplateSourceOptions>({
  id: 'template-source',
  title: 'template-source accounts',
  optionsSchema: templateSourceOptionsSchema,
  permissions: ['GET of the accounts endpoint with a read-only token'],
  checks: [accountMfaEnabled],
  defaultSchedule: '0 5 * * *',
  scopes: (options) => [{ key: new URL(options.url).host, settings: {} }],
  collect: collectAccounts,
});
