// IAM Access Analyzer, per region: the analyzers (ListAnalyzers, every page) and the active findings of
// each active external-access analyzer (ListFindings, status ACTIVE, every page). Access Analyzer is
// regional, so the regions come from the config (accessAnalyzer.regions) or, by default, from
// account:ListRegions at each collection. A region that cannot be read is a resource error of its own;
// the rest of the IAM evidence does not depend on it.
import { AccessAnalyzerClient, ListAnalyzersCommand, ListFindingsCommand } from '@aws-sdk/client-accessanalyzer';
import type { AnalyzerSummary, FindingSummary } from '@aws-sdk/client-accessanalyzer';
import type { EvidenceItem, ResourceError } from '../../src/collector.js';
import { PageGuard } from '../../src/page-guard.js';
import { compareStrings } from '../../src/compare-strings.js';
import type { AccountRef } from '../_aws/account.js';
import type { AwsSession } from '../_aws/clients.js';
import { enabledRegions } from '../_aws/enabled-regions.js';
import { describeFailure } from '../_aws/errors.js';
import { settle } from '../_aws/outcome.js';
import type { Outcome } from '../_aws/outcome.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import { evidenceItem, sortedRecord, toIsoDate } from './evidence-items.js';
import { EVIDENCE, EXTERNAL_ACCESS_TYPES, resourceIds } from './schema.js';
import type { AccessAnalyzerFindingEvidence, AccessAnalyzerRegionEvidence, AnalyzerEvidence, AwsIamOptions } from './schema.js';

/** Pages past which a listing is not trusted: an account has a handful of analyzers, and findings come 100 or more a page. */
const MAX_ANALYZER_PAGES = 20;
const MAX_FINDING_PAGES = 1000;

export interface RegionAnalysis {
  analyzers: AnalyzerSummary[];
  /** Active findings of the region's active external-access analyzers, with the analyzer each came from. */
  findings: { analyzerArn: string; finding: FindingSummary }[];
}

export interface AccessAnalyzerRead {
  /** The regions judged, or why they are unknown. */
  regions: Outcome<string[]>;
  byRegion: Map<string, Outcome<RegionAnalysis>>;
}

/** Never rejects: what could not be read is in the result, with its reason. */
export async function readAccessAnalyzer(session: AwsSession, options: AwsIamOptions['accessAnalyzer'], signal: AbortSignal): Promise<AccessAnalyzerRead> {
  const read: AccessAnalyzerRead = { regions: { ok: true, value: [] }, byRegion: new Map() };
  if (options.regions) read.regions = { ok: true, value: [...options.regions].sort(compareStrings) };
  else {
    try {
      read.regions = { ok: true, value: await enabledRegions(session, signal, 'accessAnalyzer.regions') };
    } catch (error) {
      // Never thrown: the other IAM reads settle the same way (an abort is the run's to report).
      read.regions = { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
  if (!read.regions.ok) return read;
  const results = await Promise.all(
    read.regions.value.map(async (region) => {
      const client = session.track(new AccessAnalyzerClient(session.clientConfig(region)));
      return [region, await settle(`IAM Access Analyzer in ${region}`, readRegion(client, region, signal))] as const;
    }),
  );
  read.byRegion = new Map(results);
  return read;
}

async function readRegion(client: AccessAnalyzerClient, region: string, signal: AbortSignal): Promise<RegionAnalysis> {
  const analyzers: AnalyzerSummary[] = [];
  const guard = new PageGuard(`ListAnalyzers in ${region}`, MAX_ANALYZER_PAGES);
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListAnalyzersCommand(nextToken ? { nextToken } : {}), { abortSignal: signal });
    if (!Array.isArray(page.analyzers)) throw new MalformedResponseError('ListAnalyzers returned no analyzers');
    analyzers.push(...page.analyzers);
    nextToken = page.nextToken || undefined;
    guard.page(nextToken);
  } while (nextToken !== undefined);

  const external = analyzers.filter((analyzer) => analyzer.status === 'ACTIVE' && EXTERNAL_ACCESS_TYPES.has(analyzer.type ?? ''));
  const findings = await Promise.all(
    external.map(async (analyzer) => {
      const analyzerArn = required(analyzer.arn, 'an analyzer without arn');
      const found: RegionAnalysis['findings'] = [];
      const pages = new PageGuard(`ListFindings of ${analyzerArn}`, MAX_FINDING_PAGES);
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListFindingsCommand({ analyzerArn, filter: { status: { eq: ['ACTIVE'] } }, ...(token ? { nextToken: token } : {}) }),
          { abortSignal: signal },
        );
        if (!Array.isArray(page.findings)) throw new MalformedResponseError('ListFindings returned no findings');
        found.push(...page.findings.map((finding) => ({ analyzerArn, finding })));
        token = page.nextToken || undefined;
        pages.page(token);
      } while (token !== undefined);
      return found;
    }),
  );
  return { analyzers, findings: findings.flat() };
}

export interface Built {
  evidence: EvidenceItem[];
  errors: ResourceError[];
}

/** One document per region (its analyzers) and one per active finding; a region that could not be read is a resource error. */
export function accessAnalyzerEvidence(account: AccountRef, read: AccessAnalyzerRead): Built {
  const built: Built = { evidence: [], errors: [] };
  if (!read.regions.ok) {
    built.errors.push({ type: EVIDENCE.accessAnalyzer, resourceId: resourceIds.accessAnalyzerRegions(account), error: read.regions.reason });
    return built;
  }
  for (const region of read.regions.value) {
    const resourceId = resourceIds.accessAnalyzerRegion(account, region);
    const outcome = read.byRegion.get(region) ?? { ok: false, reason: `IAM Access Analyzer in ${region}: not read` };
    try {
      if (!outcome.ok) throw new RegionUnread(outcome.reason);
      const data: AccessAnalyzerRegionEvidence = {
        accountId: account.accountId,
        region,
        analyzers: outcome.value.analyzers.map(analyzerEvidence).sort((a, b) => compareStrings(a.arn, b.arn)),
      };
      const findings = outcome.value.findings.map(({ analyzerArn, finding }) => {
        const id = required(finding.id, 'a finding without id');
        return evidenceItem(
          EVIDENCE.accessAnalyzerFinding,
          resourceIds.accessAnalyzerFinding(analyzerArn, id),
          findingEvidence(account, region, analyzerArn, id, finding),
        );
      });
      built.evidence.push(evidenceItem(EVIDENCE.accessAnalyzer, resourceId, data), ...findings);
    } catch (error) {
      if (error instanceof RegionUnread) built.errors.push({ type: EVIDENCE.accessAnalyzer, resourceId, error: error.message });
      else if (error instanceof MalformedResponseError) {
        built.errors.push({ type: EVIDENCE.accessAnalyzer, resourceId, error: describeFailure(`IAM Access Analyzer in ${region}`, error) });
      } else throw error;
    }
  }
  return built;
}

class RegionUnread extends Error {}

function analyzerEvidence(analyzer: AnalyzerSummary): AnalyzerEvidence {
  return {
    arn: required(analyzer.arn, 'an analyzer without arn'),
    name: required(analyzer.name, 'an analyzer without name'),
    type: required(analyzer.type, 'an analyzer without type'),
    status: required(analyzer.status, 'an analyzer without status'),
    statusReason: analyzer.statusReason?.code ?? null,
  };
}

function findingEvidence(account: AccountRef, region: string, analyzerArn: string, id: string, finding: FindingSummary): AccessAnalyzerFindingEvidence {
  return {
    accountId: account.accountId,
    region,
    analyzerArn,
    id,
    resource: finding.resource ?? null,
    resourceType: required(finding.resourceType, `finding ${id} without resourceType`),
    resourceOwnerAccount: finding.resourceOwnerAccount ?? account.accountId,
    principal: sortedRecord(finding.principal ?? {}),
    action: [...(finding.action ?? [])].sort(compareStrings),
    condition: sortedRecord(finding.condition ?? {}),
    isPublic: finding.isPublic === true,
    status: required(finding.status, `finding ${id} without status`),
    createdAt: toIsoDate(finding.createdAt, `createdAt of finding ${id}`),
    sources: [...new Set((finding.sources ?? []).map((source) => source.type ?? 'unknown'))].sort(compareStrings),
    error: finding.error ?? null,
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null || value === '') throw new MalformedResponseError(`IAM Access Analyzer returned ${what}`);
  return value;
}
