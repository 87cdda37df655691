// IAM Access Analyzer for the sandbox account (REST JSON): ListAnalyzers (GET /analyzer) and ListFindings
// (POST /finding) per region. us-east-1 has had an account analyzer for years; eu-west-1 has only an
// unused-access analyzer, so nothing reports its external access. The us-east-1 analyzer's active
// findings: the data-lake bucket shared with a partner account, and (from the drift) the vendor role that
// the vendor's whole account may assume.
import { CLOUDTRAIL_HOME_REGION } from './cloudtrail-estate.js';
import { DRIFT } from './drift.js';
import { DEFAULT_ESTATE_SEED, SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from './estate-model.js';
import type { EstateOptions } from './estate-model.js';
import { VENDOR_ACCOUNT_ID } from './estate-roles.js';
import { awsUuid, timeline } from './estate-timeline.js';
import { fail } from './query-failure.js';

const ACCOUNT = SANDBOX_ACCOUNT_ID;
/** The partner the data lake is shared with. */
const PARTNER_ACCOUNT_ID = '777788889999';
const FINDINGS_PAGE = 50;

interface Analyzer {
  arn: string;
  name: string;
  type: string;
  createdAt: Date;
}
interface Finding {
  id: string;
  resource: string;
  resourceType: string;
  principal: Record<string, string>;
  action: string[];
  condition: Record<string, string>;
  isPublic: boolean;
  createdAt: Date;
}

/** The analyzers of a region and their active findings, as they stand at `now`. */
function regionState(region: string, now: Date, options: EstateOptions): { analyzers: Analyzer[]; findings: Map<string, Finding[]> } {
  const seed = options.seed ?? DEFAULT_ESTATE_SEED;
  const t = timeline(now, options.historyEnd ?? new Date(), seed);
  const analyzers: Analyzer[] = [];
  const findings = new Map<string, Finding[]>();
  if (region === CLOUDTRAIL_HOME_REGION) {
    const name = `ConsoleAnalyzer-${awsUuid(seed, 'analyzer:us-east-1')}`;
    const arn = `arn:aws:access-analyzer:${region}:${ACCOUNT}:analyzer/${name}`;
    const created = t.at(-610, 10, 4, 11);
    if (t.exists(created)) {
      analyzers.push({ arn, name, type: 'ACCOUNT', createdAt: created });
      const lake: Finding = {
        id: awsUuid(seed, 'finding:lake'),
        resource: 'arn:aws:s3:::example-co-lake',
        resourceType: 'AWS::S3::Bucket',
        principal: { AWS: PARTNER_ACCOUNT_ID },
        action: ['s3:GetObject', 's3:ListBucket'],
        condition: {},
        isPublic: false,
        createdAt: t.at(-240, 14, 22, 31),
      };
      // Access Analyzer reports a new trust within minutes.
      const vendorRole: Finding = {
        id: awsUuid(seed, 'finding:vendor-monitoring'),
        resource: `arn:aws:iam::${ACCOUNT}:role/vendor-monitoring`,
        resourceType: 'AWS::IAM::Role',
        principal: { AWS: `arn:aws:iam::${VENDOR_ACCOUNT_ID}:root` },
        action: ['sts:AssumeRole'],
        condition: {},
        isPublic: false,
        createdAt: new Date(t.when(DRIFT.vendorRole).getTime() + 4 * 60_000),
      };
      findings.set(
        arn,
        [lake, vendorRole].filter((finding) => t.exists(finding.createdAt)),
      );
    }
  }
  if (region === SANDBOX_REGION) {
    const created = t.at(-200, 8, 31, 0);
    if (t.exists(created)) {
      const name = 'eu-unused-access';
      analyzers.push({ arn: `arn:aws:access-analyzer:${region}:${ACCOUNT}:analyzer/${name}`, name, type: 'ACCOUNT_UNUSED_ACCESS', createdAt: created });
    }
  }
  return { analyzers, findings };
}

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The JSON reply to an Access Analyzer request (`GET /analyzer`, `POST /finding`); throws a QueryFailure for AWS errors. */
export function accessAnalyzerReply(method: string, url: URL, body: string, region: string, now: Date, options: EstateOptions): string {
  const state = regionState(region, now, options);
  if (method === 'GET' && url.pathname === '/analyzer') {
    const type = url.searchParams.get('type');
    const analyzers = state.analyzers.filter((analyzer) => type === null || analyzer.type === type);
    return JSON.stringify({
      analyzers: analyzers.map((analyzer) => ({
        arn: analyzer.arn,
        createdAt: iso(analyzer.createdAt),
        lastResourceAnalyzed: analyzer.type === 'ACCOUNT' ? 'arn:aws:s3:::example-co-lake' : undefined,
        lastResourceAnalyzedAt: analyzer.type === 'ACCOUNT' ? iso(now) : undefined,
        name: analyzer.name,
        status: 'ACTIVE',
        tags: {},
        type: analyzer.type,
      })),
    });
  }
  if (method === 'POST' && url.pathname === '/finding') {
    let request: { analyzerArn?: unknown; filter?: Record<string, { eq?: unknown }>; nextToken?: unknown };
    try {
      request = JSON.parse(body || '{}') as typeof request;
    } catch {
      return fail(400, 'ValidationException', 'The request body is not valid JSON.');
    }
    const analyzer = state.analyzers.find((candidate) => candidate.arn === request.analyzerArn);
    if (!analyzer) return fail(404, 'ResourceNotFoundException', `Analyzer ${String(request.analyzerArn)} not found.`);
    if (analyzer.type !== 'ACCOUNT' && analyzer.type !== 'ORGANIZATION') {
      return fail(400, 'ValidationException', 'ListFindings is supported only for external access analyzers; use ListFindingsV2.');
    }
    const statuses = request.filter?.['status']?.eq;
    // Every finding of the sandbox is active; a filter for another status finds none.
    const wanted = Array.isArray(statuses) ? statuses.includes('ACTIVE') : true;
    const all = wanted ? (state.findings.get(analyzer.arn) ?? []) : [];
    const offset = typeof request.nextToken === 'string' ? Number(Buffer.from(request.nextToken, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0) return fail(400, 'ValidationException', 'Invalid nextToken.');
    const next = offset + FINDINGS_PAGE < all.length ? Buffer.from(String(offset + FINDINGS_PAGE)).toString('base64url') : undefined;
    return JSON.stringify({
      findings: all.slice(offset, offset + FINDINGS_PAGE).map((finding) => ({
        action: finding.action,
        analyzedAt: iso(now),
        condition: finding.condition,
        createdAt: iso(finding.createdAt),
        id: finding.id,
        isPublic: finding.isPublic,
        principal: finding.principal,
        resource: finding.resource,
        resourceOwnerAccount: ACCOUNT,
        resourceType: finding.resourceType,
        sources: [{ type: 'POLICY' }],
        status: 'ACTIVE',
        updatedAt: iso(now),
      })),
      ...(next ? { nextToken: next } : {}),
    });
  }
  return fail(404, 'ResourceNotFoundException', `No Access Analyzer operation at ${method} ${url.pathname}.`);
}
