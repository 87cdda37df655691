// IAM Access Analyzer watches, in each region, who outside the account (or the organization) can reach
// its resources: S3 buckets, roles, KMS keys, secrets, queues. Each region that must be covered needs an
// active external-access analyzer (type ACCOUNT or ORGANIZATION); unused-access and internal-access
// analyzers do not report external access.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { configuredAccountId, EVIDENCE, EXTERNAL_ACCESS_TYPES } from '../schema.js';
import type { AccessAnalyzerRegionEvidence, AwsIamOptions } from '../schema.js';

export const accessAnalyzerEnabled: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_access_analyzer_enabled',
  title: 'IAM Access Analyzer watches external access in every region',
  severity: 'medium',
  description:
    'Without an analyzer, a bucket policy, key policy or role trust that opens a resource to another account or to ' +
    'the public goes unreported. Fails for each region (accessAnalyzer.regions, else every region enabled for the ' +
    'account) without an ACTIVE analyzer of type ACCOUNT or ORGANIZATION; an analyzer being created, disabled or ' +
    'failed, or one for unused or internal access only, does not count. Its active findings are kept as evidence ' +
    '(aws.iam.access-analyzer-finding), one per resource reachable from outside. A region without an analyzer of ' +
    'its own is not applicable when accessAnalyzer.organizationAccountId names the account holding the ' +
    "organization's analyzers and that account is collected too (its analyzers are judged there), and an error " +
    'when it is not. A region that could not be read is an error.',
  remediation:
    'Create an analyzer in each region: `aws accessanalyzer create-analyzer --analyzer-name account-analyzer ' +
    '--type ACCOUNT --region <region>` (or type ORGANIZATION from the delegated administrator account), and review ' +
    'its findings: archive the intended access, remove the rest.',
  resourceTypes: [EVIDENCE.accessAnalyzer],
  evaluate(view, options) {
    const organizationAccount = options.accessAnalyzer.organizationAccountId;
    const collected = new Set(options.accounts.flatMap((account) => configuredAccountId(account) ?? []));
    return evidenceOf<AccessAnalyzerRegionEvidence>(view, EVIDENCE.accessAnalyzer).map((region) => {
      const where = `Region ${region.data.region} of account ${region.data.accountId}`;
      const external = region.data.analyzers.filter((analyzer) => EXTERNAL_ACCESS_TYPES.has(analyzer.type));
      const active = external.find((analyzer) => analyzer.status === 'ACTIVE');
      if (active) return finding(region, 'pass', `${where} has the active ${active.type} analyzer ${active.name}.`);
      if (organizationAccount && organizationAccount !== region.data.accountId && external.length === 0) {
        return collected.has(organizationAccount)
          ? finding(
              region,
              'not_applicable',
              `${where} is analysed by the organization's analyzers in account ${organizationAccount} ` +
                `(accessAnalyzer.organizationAccountId), judged in that account's collection.`,
            )
          : finding(
              region,
              'error',
              `${where} has no analyzer of its own, and the organization's analyzers in account ${organizationAccount} ` +
                `(accessAnalyzer.organizationAccountId) cannot be seen from here: add that account to accounts.`,
            );
      }
      const others = region.data.analyzers.map(
        (analyzer) => `${analyzer.name} (${analyzer.type}, ${analyzer.status}${analyzer.statusReason ? `: ${analyzer.statusReason}` : ''})`,
      );
      const note = others.length > 0 ? `: only ${others.join(', ')}` : '';
      return finding(region, 'fail', `${where} has no active external-access analyzer${note}.`);
    });
  },
};
