// One collection of one AWS account: verify whose credentials these are, read everything IAM knows in
// a fixed number of calls (never one per user), and turn it into evidence and resource errors.
import { setMaxListeners } from 'node:events';
import { IAMClient } from '@aws-sdk/client-iam';
import type { CollectContext, CollectResult } from '../../src/collector.js';
import type { AccountRef } from '../_aws/account.js';
import { withAccountSession } from '../_aws/account-session.js';
import type { AwsSession } from '../_aws/clients.js';
import { describeFailure } from '../_aws/errors.js';
import { byTypeAndResource } from '../_aws/evidence-format.js';
import { mapOutcome, settle } from '../_aws/outcome.js';
import type { Outcome } from '../_aws/outcome.js';
import { accountSummaryEvidence, passwordPolicyEvidence, rootCredentialsEvidence, userCredentialsEvidence } from './account-evidence.js';
import { readAccountSummary, readPasswordPolicy, readRootVirtualMfa } from './account-reads.js';
import { accessAnalyzerEvidence, readAccessAnalyzer } from './access-analyzer.js';
import { authorizationEvidence, readAuthorizationDetails } from './authorization-details.js';
import { fetchCredentialReport, parseCredentialReport } from './credential-report.js';
import type { FetchedCredentialReport, ParsedCredentialReport } from './credential-report.js';
import type { AwsIamOptions } from './schema.js';

export async function collectAwsIam(ctx: CollectContext<AwsIamOptions>): Promise<CollectResult> {
  return withAccountSession(ctx, ({ session, account }) =>
    // IAM is global: its client takes the session's region, as STS does.
    collectAccount(ctx, session, session.track(new IAMClient(session.clientConfig())), account),
  );
}

async function collectAccount(ctx: CollectContext<AwsIamOptions>, session: AwsSession, iam: IAMClient, account: AccountRef): Promise<CollectResult> {
  const { accountId } = account;
  // The reads run concurrently; when the authorization details fail the others are cancelled.
  const cancel = new AbortController();
  const signal = AbortSignal.any([ctx.signal, cancel.signal]);
  // Every call in flight listens for the abort (the IAM reads and Access Analyzer's regions): not a leak.
  setMaxListeners(0, signal);

  const authorization = readAuthorizationDetails(iam, signal);
  const others = Promise.all([
    settle('credential report', fetchCredentialReport(iam, ctx.options.credentialReport, signal)),
    settle('password policy', readPasswordPolicy(iam, signal)),
    settle('account summary', readAccountSummary(iam, signal)),
    settle('virtual MFA devices', readRootVirtualMfa(iam, account, signal)),
    // Regional and apart from IAM: each region settles on its own (see access-analyzer.ts).
    ctx.options.accessAnalyzer.enabled ? readAccessAnalyzer(session, ctx.options.accessAnalyzer, signal) : Promise.resolve(undefined),
  ]);
  let details: Awaited<typeof authorization>;
  try {
    details = await authorization;
  } catch (error) {
    cancel.abort();
    await others;
    throw error;
  }
  const [fetchedReport, passwordPolicy, summary, virtualMfa, analysis] = await others;
  ctx.signal.throwIfAborted();

  const report = parseReport(fetchedReport);
  const principals = authorizationEvidence(details, accountId);
  const parts = [
    principals,
    userCredentialsEvidence(accountId, principals.userArns, report),
    rootCredentialsEvidence(
      account,
      report,
      summary,
      mapOutcome(virtualMfa, (mfa) => mfa.serials),
    ),
    passwordPolicyEvidence(account, passwordPolicy),
    accountSummaryEvidence(account, summary),
    ...(analysis ? [accessAnalyzerEvidence(account, analysis)] : []),
  ];
  const evidence = parts.flatMap((part) => part.evidence).sort(byTypeAndResource);
  const errors = parts.flatMap((part) => part.errors).sort(byTypeAndResource);
  if (errors.length > 0) {
    const summary = { accountId, errors: errors.length, first: errors[0] };
    ctx.logger.warn(summary, 'aws-iam: some resources could not be read');
  }
  ctx.logger.info({ accountId, evidence: evidence.length }, 'aws-iam: collected');

  return {
    evidence,
    errors,
    meta: {
      accountId,
      authorizationDetailsPages: details.pages,
      credentialReportGeneratedAt: fetchedReport.ok ? (fetchedReport.value.generatedTime?.toISOString() ?? null) : null,
      credentialReportCalls: fetchedReport.ok ? fetchedReport.value.polls : null,
      virtualMfaDevicePages: virtualMfa.ok ? virtualMfa.value.pages : null,
      ...(analysis ? { accessAnalyzerRegions: analysis.regions.ok ? analysis.regions.value : null } : {}),
    },
  };
}

function parseReport(fetched: Outcome<FetchedCredentialReport>): Outcome<ParsedCredentialReport> {
  if (!fetched.ok) return fetched;
  try {
    return { ok: true, value: parseCredentialReport(fetched.value.csv) };
  } catch (error) {
    return { ok: false, reason: describeFailure('credential report', error) };
  }
}
