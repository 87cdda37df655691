// aws-iam's IAM Access Analyzer reads against nock, through the real SDK (REST JSON per region: the
// analyzers, the active findings of the external-access ones by page; the Account API's ListRegions when
// no regions are configured) and the aws_iam_access_analyzer_enabled check over what they read.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsIam } from '../../../collectors/aws-iam/index.js';
import { awsIamChecks } from '../../../collectors/aws-iam/checks/index.js';
import { awsIamOptionsSchema } from '../../../collectors/aws-iam/schema.js';
import type { AccessAnalyzerFindingEvidence, AccessAnalyzerRegionEvidence } from '../../../collectors/aws-iam/schema.js';
import type { EvidenceItem } from '../../../src/collector.js';
import { evaluateChecks, evidenceView } from '../../../src/evaluate-checks.js';
import { isolateFromHostAws } from '../../helpers/collect-context.js';
import { ACCOUNT, collectContext, EXPECTED_EVIDENCE, FAKE_CREDENTIALS, fixture, mockAccount, mocks, NOW, resetIamNock } from '../../helpers/aws-iam-nock.js';

describe('aws-iam: IAM Access Analyzer', () => {
  isolateFromHostAws(['AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_ACCESSANALYZER', 'AWS_ENDPOINT_URL_ACCOUNT']);
  const JSON_HEADERS = { 'content-type': 'application/json' };
  const ANALYZER = `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/ConsoleAnalyzer-3f1c2a8e-6b0d-4c7e-9a51-2d7e8b4c1f90`;
  const aaJson = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>;
  const analyzer = (region: string) =>
    nock(`https://access-analyzer.${region}.amazonaws.com`).matchHeader('authorization', (value: string) => value.includes(`/${region}/access-analyzer/`));
  const listAnalyzers = (region: string) => analyzer(region).get('/analyzer');
  const listFindings = (region: string, matches: (body: Record<string, unknown>) => boolean) =>
    analyzer(region).post(
      '/finding',
      (body: Record<string, unknown>) => body['analyzerArn'] === ANALYZER && JSON.stringify(body['filter']) === '{"status":{"eq":["ACTIVE"]}}' && matches(body),
    );
  const regionId = (region: string) => `arn:aws:access-analyzer:${region}:${ACCOUNT}:region`;
  const judged = (result: Awaited<ReturnType<typeof awsIam.collect>>, options: ReturnType<typeof collectContext>['ctx']['options']) =>
    evaluateChecks(awsIamChecks, result.evidence, result.errors, options, NOW, ACCOUNT)
      .findings.filter((finding) => finding.checkId === 'aws_iam_access_analyzer_enabled')
      .map((finding) => [finding.resourceId, finding.status, finding.message]);

  beforeEach(resetIamNock);

  it('reads the analyzers of each configured region and the active findings of the external-access ones', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity');
    listAnalyzers('us-east-1').reply(200, aaJson('access-analyzer-list-analyzers-us-east-1.json'), JSON_HEADERS);
    const page1 = aaJson('access-analyzer-list-findings-1.json');
    listFindings('us-east-1', (body) => body['nextToken'] === undefined).reply(200, page1, JSON_HEADERS);
    listFindings('us-east-1', (body) => body['nextToken'] === page1['nextToken']).reply(200, aaJson('access-analyzer-list-findings-2.json'), JSON_HEADERS);
    listAnalyzers('eu-west-1').reply(200, aaJson('access-analyzer-list-analyzers-eu-west-1.json'), JSON_HEADERS);
    const { ctx, apiCalls } = collectContext({ options: { accessAnalyzer: { regions: ['us-east-1', 'eu-west-1'] } } });

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([]);
    // The nine IAM calls, then ListAnalyzers in two regions and two ListFindings pages (unused-access and failed analyzers are not asked).
    expect(apiCalls()).toBe(9 + 2 + 2);
    expect(result.meta?.['accessAnalyzerRegions']).toEqual(['eu-west-1', 'us-east-1']);
    const regions = result.evidence.filter((item) => item.type === 'aws.iam.access-analyzer');
    expect(
      regions.map((item) => [
        item.resourceId,
        (item.data as AccessAnalyzerRegionEvidence).analyzers.map((a) => `${a.name} ${a.type} ` + `${a.status}${a.statusReason ? ` ${a.statusReason}` : ''}`),
      ]),
    ).toEqual([
      [regionId('eu-west-1'), ['eu-external ACCOUNT FAILED SERVICE_LINKED_ROLE_CREATION_FAILED', 'eu-unused-access ACCOUNT_UNUSED_ACCESS ACTIVE']],
      [regionId('us-east-1'), ['ConsoleAnalyzer-3f1c2a8e-6b0d-4c7e-9a51-2d7e8b4c1f90 ACCOUNT ACTIVE', 'unused-access ACCOUNT_UNUSED_ACCESS ACTIVE']],
    ]);
    const findings = result.evidence.filter((item) => item.type === 'aws.iam.access-analyzer-finding');
    expect(findings.map((item) => item.resourceId)).toEqual([
      `${ANALYZER}/finding/6c3f0a12-8d4b-4e61-9f2a-7b5c1d0e4a83`,
      `${ANALYZER}/finding/a91e57d4-2c80-4b3f-b6e2-05d98f7c3e1a`,
      `${ANALYZER}/finding/f03b9c6e-1d27-4a58-8e4f-c2a7b9d61e05`,
    ]);
    expect(findings[2]!.data).toEqual({
      accountId: ACCOUNT,
      region: 'us-east-1',
      analyzerArn: ANALYZER,
      id: 'f03b9c6e-1d27-4a58-8e4f-c2a7b9d61e05',
      resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      resourceType: 'AWS::KMS::Key',
      resourceOwnerAccount: ACCOUNT,
      principal: { AWS: '*' },
      action: ['kms:Decrypt'],
      condition: { 'aws:SourceVpce': 'vpce-0a1b2c3d' },
      isPublic: true,
      status: 'ACTIVE',
      createdAt: '2025-12-01T08:00:00.000Z',
      sources: ['POLICY'],
      error: null,
    } satisfies AccessAnalyzerFindingEvidence);
    // The analysis times move with every re-scan: they are not kept.
    expect(JSON.stringify(findings)).not.toMatch(/analyzedAt|updatedAt/);

    expect(judged(result, ctx.options)).toEqual([
      [
        regionId('eu-west-1'),
        'fail',
        `Region eu-west-1 of account ${ACCOUNT} has no active external-access analyzer: only eu-external (ACCOUNT, ` +
          `FAILED: SERVICE_LINKED_ROLE_CREATION_FAILED), eu-unused-access (ACCOUNT_UNUSED_ACCESS, ACTIVE).`,
      ],
      [
        regionId('us-east-1'),
        'pass',
        `Region us-east-1 of account ${ACCOUNT} has the active ACCOUNT analyzer ConsoleAnalyzer-3f1c2a8e-6b0d-4c7e-9a51-2d7e8b4c1f90.`,
      ],
    ]);
  });

  it('covers the regions enabled for the account when none are configured', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity');
    const regionsFixture = (name: string) => readFileSync(new URL(`../../fixtures/aws-cloudtrail/${name}`, import.meta.url), 'utf8');
    const page1 = JSON.parse(regionsFixture('account-list-regions-1.json')) as Record<string, unknown>;
    nock('https://account.us-east-1.amazonaws.com')
      .post('/listRegions', (body: Record<string, unknown>) => body['NextToken'] === undefined)
      .reply(200, page1, JSON_HEADERS);
    nock('https://account.us-east-1.amazonaws.com')
      .post('/listRegions', (body: Record<string, unknown>) => body['NextToken'] === page1['NextToken'])
      .reply(200, JSON.parse(regionsFixture('account-list-regions-2.json')), JSON_HEADERS);
    const enabled = [
      ...(page1['Regions'] as { RegionName: string; RegionOptStatus: string }[]),
      ...(JSON.parse(regionsFixture('account-list-regions-2.json')) as { Regions: { RegionName: string; RegionOptStatus: string }[] }).Regions,
    ]
      .filter((region) => region.RegionOptStatus !== 'DISABLED')
      .map((region) => region.RegionName);
    for (const region of enabled) listAnalyzers(region).reply(200, { analyzers: [] }, JSON_HEADERS);
    const { ctx } = collectContext({ options: { accessAnalyzer: {} } });

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    const findings = judged(result, ctx.options);
    expect(findings).toHaveLength(enabled.length);
    expect(new Set(findings.map((finding) => finding[1]))).toEqual(new Set(['fail']));
    expect(findings[0]![2]).toMatch(/^Region \S+ of account 111122223333 has no active external-access analyzer\.$/);
  });

  it('records one error when the regions cannot be known, and keeps the IAM evidence', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity');
    nock('https://account.us-east-1.amazonaws.com')
      .post('/listRegions')
      .reply(403, JSON.parse(readFileSync(new URL('../../fixtures/aws-cloudtrail/account-access-denied.json', import.meta.url), 'utf8')), {
        ...JSON_HEADERS,
        'x-amzn-errortype': 'AccessDeniedException',
      });
    const { ctx } = collectContext({ options: { accessAnalyzer: {} } });

    const result = await awsIam.collect(ctx);

    expect(result.errors).toEqual([
      {
        type: 'aws.iam.access-analyzer',
        resourceId: `arn:aws:access-analyzer::${ACCOUNT}:regions`,
        error: expect.stringMatching(
          /^account:ListRegions: AccessDeniedException: .* \(grant account:ListRegions, or list the regions to cover in `accessAnalyzer.regions`\)$/,
        ),
      },
    ]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
    expect(judged(result, ctx.options)).toEqual([
      [`arn:aws:access-analyzer::${ACCOUNT}:regions`, 'error', expect.stringContaining('grant account:ListRegions')],
    ]);
  });

  it('keeps a region that cannot be read to itself: an HTML 500 page is named by its status and host', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity');
    listAnalyzers('us-east-1').reply(200, { analyzers: [] }, JSON_HEADERS);
    listAnalyzers('eu-west-1').times(5).reply(500, '<html><body><h1>500 Internal Server Error</h1></body></html>', { 'content-type': 'text/html' });
    const { ctx } = collectContext({
      options: { accessAnalyzer: { regions: ['us-east-1', 'eu-west-1'] } },
      aws: { credentials: FAKE_CREDENTIALS, retryDelayMs: 1 },
    });

    const result = await awsIam.collect(ctx);

    const reason = 'IAM Access Analyzer in eu-west-1: HTTP 500 from access-analyzer.eu-west-1 (an HTML page)';
    expect(result.errors).toEqual([{ type: 'aws.iam.access-analyzer', resourceId: regionId('eu-west-1'), error: reason }]);
    expect(judged(result, ctx.options)).toEqual([
      [regionId('us-east-1'), 'fail', `Region us-east-1 of account ${ACCOUNT} has no active external-access analyzer.`],
      [regionId('eu-west-1'), 'error', `Evidence for ${regionId('eu-west-1')} could not be read: ${reason}`],
    ]);
  });

  it('leaves a member region to the organization analyzers when their account is collected too, and errors when it is not', () => {
    const region = (analyzers: unknown[]): EvidenceItem => ({
      type: 'aws.iam.access-analyzer',
      resourceId: regionId('us-east-1'),
      schemaVersion: 1,
      data: { accountId: ACCOUNT, region: 'us-east-1', analyzers },
    });
    const check = awsIamChecks.find((candidate) => candidate.id === 'aws_iam_access_analyzer_enabled')!;
    const judge = (options: Record<string, unknown>, analyzers: unknown[] = []) =>
      check.evaluate(evidenceView([region(analyzers)]), awsIamOptionsSchema.parse(options), NOW).map((f) => [f.status, f.message]);
    const organization = { organizationAccountId: '999988887777' };
    expect(judge({ accounts: [{ id: ACCOUNT }, { id: '999988887777' }], accessAnalyzer: organization })).toEqual([
      [
        'not_applicable',
        `Region us-east-1 of account ${ACCOUNT} is analysed by the organization's analyzers in account 999988887777 ` +
          `(accessAnalyzer.organizationAccountId), judged in that account's collection.`,
      ],
    ]);
    expect(judge({ accounts: [{ id: ACCOUNT }], accessAnalyzer: organization })[0]![0]).toBe('error');
    // A region that has an external-access analyzer of its own is judged by it, whoever else analyses it.
    const creating = { arn: `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/new`, name: 'new', type: 'ACCOUNT', status: 'CREATING', statusReason: null };
    expect(judge({ accounts: [{ id: ACCOUNT }, { id: '999988887777' }], accessAnalyzer: organization }, [creating])[0]![0]).toBe('fail');
  });
});
