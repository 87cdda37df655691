// The aws-cloudtrail checks as pure functions over hand-built evidence: region coverage by multi-region
// and organization trails, which selectors capture management events, delivery windows judged at
// collection time, judging around unread parts, and findings that stay identical day after day.
import { describe, expect, it } from 'vitest';
import { awsCloudTrailChecks } from '../../../collectors/aws-cloudtrail/checks/index.js';
import { admits, combinedCapture, managementCaptures } from '../../../collectors/aws-cloudtrail/checks/management-events.js';
import { awsCloudTrailOptionsSchema, EVIDENCE, TRAIL_PARTS } from '../../../collectors/aws-cloudtrail/schema.js';
import type {
  AdvancedFieldSelectorEvidence,
  AwsCloudTrailOptions,
  BasicEventSelectorEvidence,
  DeliveryEvidence,
  EventSelectorsEvidence,
  RegionEvidence,
  TrailEvidence,
  TrailStatusEvidence,
} from '../../../collectors/aws-cloudtrail/schema.js';
import type { EvidenceItem, EvidenceView, FindingDraft, ResourceError } from '../../../src/collector.js';
import { evaluateChecks, evidenceView } from '../../../src/evaluate-checks.js';

const ACCOUNT = '111122223333';
const ORG_ACCOUNT = '999988887777';
const NOW = new Date('2026-01-10T12:00:00.000Z');
const trailArn = (name: string, region = 'us-east-1', account = ACCOUNT) => `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;
const regionArn = (region: string) => `arn:aws:cloudtrail:${region}:${ACCOUNT}:region`;

const options = (overrides: Record<string, unknown> = {}): AwsCloudTrailOptions => awsCloudTrailOptionsSchema.parse(overrides);

function evaluate(checkId: string, view: EvidenceView, opts = options(), now = NOW): FindingDraft[] {
  const check = awsCloudTrailChecks.find((candidate) => candidate.id === checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  return check.evaluate(view, opts, now);
}

const within = (windowHours = 24): DeliveryEvidence => ({ latestError: null, windowHours, lastDelivery: 'within', lastDeliveryDay: null });
const before = (day: string, latestError: string | null = null, windowHours = 24): DeliveryEvidence => ({
  latestError,
  windowHours,
  lastDelivery: 'before',
  lastDeliveryDay: day,
});
const never = (latestError: string | null = null, windowHours = 24): DeliveryEvidence => ({
  latestError,
  windowHours,
  lastDelivery: 'never',
  lastDeliveryDay: null,
});

const ALL_MANAGEMENT: EventSelectorsEvidence = {
  kind: 'basic',
  selectors: [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: [], dataResources: [] }],
};

function status(overrides: Partial<TrailStatusEvidence> = {}): TrailStatusEvidence {
  return {
    isLogging: true,
    startLoggingTime: '2025-03-01T09:00:00.000Z',
    stopLoggingTime: null,
    s3: within(),
    digest: within(),
    cloudWatchLogs: within(),
    ...overrides,
  };
}

function trailData(name: string, overrides: Partial<TrailEvidence> = {}): TrailEvidence {
  const homeRegion = overrides.homeRegion ?? 'us-east-1';
  const owner = overrides.ownerAccountId ?? ACCOUNT;
  return {
    accountId: ACCOUNT,
    trailArn: trailArn(name, homeRegion, owner),
    name,
    homeRegion,
    ownerAccountId: owner,
    multiRegion: true,
    organizationTrail: false,
    includeGlobalServiceEvents: true,
    logFileValidationEnabled: true,
    kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1`,
    s3BucketName: 'audit-logs',
    s3KeyPrefix: null,
    snsTopicArn: null,
    cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail:*`,
    cloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/CloudTrailToLogs`,
    hasInsightSelectors: false,
    status: status(),
    eventSelectors: ALL_MANAGEMENT,
    ...overrides,
  };
}

const trail = (name: string, overrides: Partial<TrailEvidence> = {}): EvidenceItem => {
  const data = trailData(name, overrides);
  return { type: EVIDENCE.trail, resourceId: data.trailArn, schemaVersion: 1, data };
};
const region = (name: string, ...trails: EvidenceItem[]): EvidenceItem => {
  const data: RegionEvidence = { accountId: ACCOUNT, region: name, trailArns: trails.map((t) => t.resourceId).sort() };
  return { type: EVIDENCE.region, resourceId: regionArn(name), schemaVersion: 1, data };
};
const orgTrail = (overrides: Partial<TrailEvidence> = {}) =>
  trail('org-audit', { homeRegion: 'us-west-2', ownerAccountId: ORG_ACCOUNT, organizationTrail: true, ...overrides });
const view = (items: EvidenceItem[], errors: ResourceError[] = []) => evidenceView(items, errors);
const only = (findings: FindingDraft[]) => {
  expect(findings).toHaveLength(1);
  return [findings[0]!.status, findings[0]!.message];
};

// ---- Which selectors capture management events ---------------------------------------------------

const basic = (overrides: Partial<BasicEventSelectorEvidence>): EventSelectorsEvidence => ({
  kind: 'basic',
  selectors: [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: [], dataResources: [], ...overrides }],
});
const advanced = (...selectors: AdvancedFieldSelectorEvidence[][]): EventSelectorsEvidence => ({
  kind: 'advanced',
  selectors: selectors.map((fieldSelectors, index) => ({ name: `selector ${index + 1}`, fieldSelectors })),
});
const management: AdvancedFieldSelectorEvidence = { field: 'eventCategory', equals: ['Management'] };

describe('managementCaptures', () => {
  it.each([
    ['basic All', basic({}), [{ read: true, write: true, excluded: [] }]],
    ['basic ReadOnly', basic({ readWriteType: 'ReadOnly' }), [{ read: true, write: false, excluded: [] }]],
    ['basic WriteOnly', basic({ readWriteType: 'WriteOnly' }), [{ read: false, write: true, excluded: [] }]],
    ['basic data events only', basic({ includeManagementEvents: false }), []],
    ['basic excluding KMS', basic({ excludeManagementEventSources: ['kms.amazonaws.com'] }), [{ read: true, write: true, excluded: ['kms.amazonaws.com'] }]],
    ['basic with an unknown ReadWriteType', basic({ readWriteType: 'Sometimes' }), []],
    ['no selectors at all (the trail selects nothing)', { kind: 'basic', selectors: [] } as EventSelectorsEvidence, []],
    ['advanced management only', advanced([management]), [{ read: true, write: true, excluded: [] }]],
    ['advanced writes only', advanced([management, { field: 'readOnly', equals: ['false'] }]), [{ read: false, write: true, excluded: [] }]],
    [
      'advanced reads only (NotEquals false)',
      advanced([management, { field: 'readOnly', notEquals: ['false'] }]),
      [{ read: true, write: false, excluded: [] }],
    ],
    [
      'advanced excluding KMS and RDS Data API',
      advanced([management, { field: 'eventSource', notEquals: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] }]),
      [{ read: true, write: true, excluded: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] }],
    ],
    [
      'advanced excluding by prefix and suffix',
      advanced([management, { field: 'eventSource', notStartsWith: ['kms'], notEndsWith: ['.example.com'] }]),
      [{ read: true, write: true, excluded: ['kms*', '*.example.com'] }],
    ],
    ['advanced limited to listed sources', advanced([management, { field: 'eventSource', equals: ['iam.amazonaws.com'] }]), []],
    ['advanced limited by a prefix', advanced([management, { field: 'eventSource', startsWith: ['iam'] }]), []],
    ['advanced with another field', advanced([management, { field: 'eventName', equals: ['CreateUser'] }]), []],
    [
      'advanced data events',
      advanced([
        { field: 'eventCategory', equals: ['Data'] },
        { field: 'resources.type', equals: ['AWS::S3::Object'] },
      ]),
      [],
    ],
    ['advanced without eventCategory', advanced([{ field: 'readOnly', equals: ['true'] }]), []],
    [
      'advanced read and write in two selectors',
      advanced([management, { field: 'readOnly', equals: ['true'] }], [management, { field: 'readOnly', equals: ['false'] }]),
      [
        { read: true, write: false, excluded: [] },
        { read: false, write: true, excluded: [] },
      ],
    ],
  ])('%s', (_case, selectors, expected) => {
    expect(managementCaptures(selectors)).toEqual(expected);
  });

  it.each<[AdvancedFieldSelectorEvidence, string, boolean]>([
    [{ field: 'f', equals: ['a', 'b'] }, 'a', true],
    [{ field: 'f', equals: ['a'] }, 'c', false],
    [{ field: 'f', notEquals: ['a'] }, 'a', false],
    [{ field: 'f', startsWith: ['ab'] }, 'abc', true],
    [{ field: 'f', notStartsWith: ['ab'] }, 'abc', false],
    [{ field: 'f', endsWith: ['bc'] }, 'abc', true],
    [{ field: 'f', notEndsWith: ['bc'] }, 'xyz', true],
    [{ field: 'f', startsWith: ['a'], notEquals: ['abc'] }, 'abc', false],
  ])('admits(%j, %s) is %s', (field, value, expected) => {
    expect(admits(field, value)).toBe(expected);
  });

  it('combines selectors: a kind is captured by any of them, a source is missing only if every one leaves it out', () => {
    const kmsOut = { read: true, write: true, excluded: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] };
    const rdsOut = { read: true, write: false, excluded: ['rdsdata.amazonaws.com'] };
    expect(combinedCapture([kmsOut, rdsOut])).toEqual({ read: ['rdsdata.amazonaws.com'], write: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] });
    expect(combinedCapture([{ read: true, write: false, excluded: [] }])).toEqual({ read: [], write: null });
    expect(combinedCapture([])).toEqual({ read: null, write: null });
  });
});

// ---- Region checks ----------------------------------------------------------------------------------

describe('aws_cloudtrail_multiregion_trail_logging', () => {
  const main = trail('main');
  const where = `Region eu-west-1 of account ${ACCOUNT}`;

  it.each([
    ['a logging multi-region trail', [main], 'pass', `${where} is recorded by a logging multi-region trail: trail main (us-east-1).`],
    [
      'a logging organization trail of the management account',
      [orgTrail()],
      'pass',
      `${where} is recorded by a logging multi-region trail: organization trail org-audit (us-west-2) of account ${ORG_ACCOUNT}.`,
    ],
    [
      'two logging multi-region trails',
      [main, orgTrail()],
      'pass',
      `${where} is recorded by a logging multi-region trail: trail main (us-east-1) and organization trail org-audit (us-west-2) of account ${ORG_ACCOUNT}.`,
    ],
    [
      'a stopped multi-region trail and a single-region one',
      [
        trail('main', { status: status({ isLogging: false, stopLoggingTime: '2026-01-03T17:20:00.000Z' }) }),
        trail('local', { homeRegion: 'eu-west-1', multiRegion: false }),
      ],
      'fail',
      `${where} is recorded by no logging multi-region trail: trail local (eu-west-1) is single-region; trail main (us-east-1) is not logging (stopped on 2026-01-03).`,
    ],
    [
      'a multi-region trail never started',
      [trail('main', { status: status({ isLogging: false, startLoggingTime: null }) })],
      'fail',
      `${where} is recorded by no logging multi-region trail: trail main (us-east-1) is not logging.`,
    ],
    ['no trail', [], 'fail', `${where} is recorded by no logging multi-region trail (no trail records it).`],
  ])('%s', (_case, trails, expectedStatus, message) => {
    expect(only(evaluate('aws_cloudtrail_multiregion_trail_logging', view([region('eu-west-1', ...trails), ...trails])))).toEqual([expectedStatus, message]);
  });

  it('is an error, naming the reason, when the only candidate is an organization trail whose status was denied', () => {
    const org = orgTrail({ status: null });
    const denied: ResourceError = { type: TRAIL_PARTS.status, resourceId: org.resourceId, error: 'GetTrailStatus in us-west-2: AccessDeniedException: denied' };
    const findings = evaluate('aws_cloudtrail_multiregion_trail_logging', view([region('eu-west-1', org), org], [denied]));
    expect(only(findings)).toEqual([
      'error',
      `${where} cannot be judged: the logging status of organization trail org-audit (us-west-2) of account ` +
        `${ORG_ACCOUNT} could not be read (GetTrailStatus in us-west-2: AccessDeniedException: denied).`,
    ]);
  });

  it('passes on a known logging trail even when another trail could not be read', () => {
    const org = orgTrail({ status: null });
    expect(only(evaluate('aws_cloudtrail_multiregion_trail_logging', view([region('eu-west-1', main, org), main, org])))[0]).toBe('pass');
  });

  it('gives a region that could not be listed an error finding through the runner', () => {
    const unread: ResourceError = { type: EVIDENCE.region, resourceId: regionArn('ap-southeast-2'), error: 'DescribeTrails in ap-southeast-2: Throttling' };
    const { findings } = evaluateChecks(awsCloudTrailChecks, [region('eu-west-1', main), main], [unread], options(), NOW, 'scope');
    const ap = findings.filter((f) => f.resourceId === regionArn('ap-southeast-2'));
    // Every configuration check, trail checks included: the trails of an unlisted region are unknown, not
    // compliant. (The event checks judge region-events resources: their read errors are separate.)
    const configurationChecks = awsCloudTrailChecks.filter((check) => !check.resourceTypes.includes(EVIDENCE.regionEvents));
    // The six trail and region checks, and the five CIS alarm checks (judged per trail).
    expect(configurationChecks).toHaveLength(11);
    expect(ap.map((f) => [f.checkId, f.status])).toEqual(configurationChecks.map((check) => [check.id, 'error']));
  });
});

describe('aws_cloudtrail_management_events_captured', () => {
  const where = `Region us-east-1 of account ${ACCOUNT}`;
  const judge = (trails: EvidenceItem[], opts = options(), errors: ResourceError[] = []) =>
    only(evaluate('aws_cloudtrail_management_events_captured', view([region('us-east-1', ...trails), ...trails], errors), opts));

  it.each([
    ['one trail with all management events', [trail('main')], 'pass', `${where} has read and write management events captured by trail main (us-east-1).`],
    [
      'reads and writes split over two trails (the AWS user guide pattern)',
      [trail('reads', { eventSelectors: basic({ readWriteType: 'ReadOnly' }) }), trail('writes', { eventSelectors: basic({ readWriteType: 'WriteOnly' }) })],
      'pass',
      `${where} has read and write management events captured by trail reads (us-east-1) and trail writes (us-east-1).`,
    ],
    [
      'KMS left out, as the default allows',
      [orgTrail({ eventSelectors: advanced([management, { field: 'eventSource', notEquals: ['kms.amazonaws.com'] }]) })],
      'pass',
      `${where} has read and write management events captured by organization trail org-audit (us-west-2) of account ` +
        `${ORG_ACCOUNT}, except events from kms.amazonaws.com (allowed by thresholds.allowedExcludedEventSources).`,
    ],
    [
      'only writes captured',
      [trail('main', { eventSelectors: basic({ readWriteType: 'WriteOnly' }) })],
      'fail',
      `${where} does not have every management event captured by a logging multi-region trail: read management events are not captured.`,
    ],
    [
      'the only capturing trail is not logging',
      [trail('main', { status: status({ isLogging: false }) }), trail('data', { eventSelectors: basic({ includeManagementEvents: false }) })],
      'fail',
      `${where} does not have every management event captured by a logging multi-region trail: read management events are not captured; write management events are not captured.`,
    ],
    [
      'a source outside the allowed exclusions left out',
      [trail('main', { eventSelectors: basic({ excludeManagementEventSources: ['kms.amazonaws.com', 's3.amazonaws.com'] }) })],
      'fail',
      `${where} does not have every management event captured by a logging multi-region trail: read management ` +
        `events from s3.amazonaws.com are left out; write management events from s3.amazonaws.com are left out.`,
    ],
  ])('%s', (_case, trails, expectedStatus, message) => {
    expect(judge(trails)).toEqual([expectedStatus, message]);
  });

  it('fails KMS exclusions when the config allows none', () => {
    const trails = [trail('main', { eventSelectors: basic({ excludeManagementEventSources: ['kms.amazonaws.com'] }) })];
    expect(judge(trails, options({ thresholds: { allowedExcludedEventSources: [] } }))).toEqual([
      'fail',
      `${where} does not have every management event captured by a logging multi-region trail: read management ` +
        `events from kms.amazonaws.com are left out; write management events from kms.amazonaws.com are left out.`,
    ]);
  });

  it('does not count a single-region trail (CIS 3.1 asks for a multi-region one, which keeps global events)', () => {
    const dataOnly = trail('main', { eventSelectors: basic({ includeManagementEvents: false }) });
    const local = trail('local', { multiRegion: false });
    expect(judge([dataOnly, local])).toEqual([
      'fail',
      `${where} does not have every management event captured by a logging multi-region trail: read management events are not captured; write management events are not captured.`,
    ]);
  });

  it('passes when a second logging trail captures what the first leaves out', () => {
    const trails = [trail('main', { eventSelectors: basic({ excludeManagementEventSources: ['s3.amazonaws.com'] }) }), trail('all')];
    expect(judge(trails)[0]).toBe('pass');
  });

  it('is an error when a trail that could close the gap has unread selectors or status', () => {
    const data = trail('data', { eventSelectors: basic({ includeManagementEvents: false }) });
    const unreadSelectors = trail('main', { eventSelectors: null });
    const errors: ResourceError[] = [
      { type: TRAIL_PARTS.eventSelectors, resourceId: unreadSelectors.resourceId, error: 'GetEventSelectors in us-east-1: Throttling: Rate exceeded' },
    ];
    expect(judge([data, unreadSelectors], options(), errors)).toEqual([
      'error',
      `${where} cannot be judged: the event selectors of trail main (us-east-1) could not be read (GetEventSelectors in us-east-1: Throttling: Rate exceeded).`,
    ]);
    const org = orgTrail({ status: null });
    expect(judge([data, org])).toEqual([
      'error',
      `${where} cannot be judged: the logging status of organization trail org-audit (us-west-2) of account ${ORG_ACCOUNT} could not be read (not read).`,
    ]);
  });
});

// ---- Trail checks -------------------------------------------------------------------------------

describe('trail configuration checks', () => {
  it.each([
    ['aws_cloudtrail_trail_log_file_validation_enabled', {}, 'pass', 'The trail main (us-east-1) has log file validation on.'],
    [
      'aws_cloudtrail_trail_log_file_validation_enabled',
      { logFileValidationEnabled: false },
      'fail',
      'The trail main (us-east-1) has log file validation off.',
    ],
    [
      'aws_cloudtrail_trail_kms_encryption_enabled',
      {},
      'pass',
      `The trail main (us-east-1) encrypts its log files with KMS key arn:aws:kms:us-east-1:${ACCOUNT}:key/k1.`,
    ],
    [
      'aws_cloudtrail_trail_kms_encryption_enabled',
      { kmsKeyId: null },
      'fail',
      'The trail main (us-east-1) does not encrypt its log files with a KMS key (SSE-S3 only).',
    ],
    // The configuration is judged even when the status could not be read.
    ['aws_cloudtrail_trail_log_file_validation_enabled', { status: null }, 'pass', 'The trail main (us-east-1) has log file validation on.'],
  ] as const)('%s with %j', (checkId, overrides, expectedStatus, message) => {
    expect(only(evaluate(checkId, view([trail('main', overrides)])))).toEqual([expectedStatus, message]);
  });
});

describe('aws_cloudtrail_trail_cloudwatch_logs_delivering', () => {
  const logGroup = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail:*`;
  it.each([
    [{}, 'pass', `The trail main (us-east-1) delivered to CloudWatch Logs log group ${logGroup} within the 24 hours before the collection.`],
    [
      { cloudWatchLogsLogGroupArn: null, status: status({ cloudWatchLogs: null }) },
      'fail',
      'The trail main (us-east-1) does not send its events to CloudWatch Logs.',
    ],
    [
      { status: status({ cloudWatchLogs: before('2026-01-08', 'AccessDeniedException', 12) }) },
      'fail',
      `The trail main (us-east-1) last delivered to CloudWatch Logs log group ${logGroup} on 2026-01-08, not within the 12 hours before the collection (latest error: AccessDeniedException).`,
    ],
    [
      { status: status({ cloudWatchLogs: never('LogGroupNotFound') }) },
      'fail',
      `The trail main (us-east-1) has never delivered to CloudWatch Logs log group ${logGroup} (latest error: LogGroupNotFound).`,
    ],
    [{ status: null }, 'error', 'The delivery status of the trail main (us-east-1) could not be read (not read).'],
    [{ cloudWatchLogsLogGroupArn: null, status: null }, 'fail', 'The trail main (us-east-1) does not send its events to CloudWatch Logs.'],
    // A delivery just before the trail stopped is not a trail that delivers.
    [
      { status: status({ isLogging: false, stopLoggingTime: '2026-01-10T01:00:00.000Z' }) },
      'fail',
      `The trail main (us-east-1) is not logging, so nothing reaches CloudWatch Logs log group ${logGroup}.`,
    ],
  ] as const)('%j', (overrides, expectedStatus, message) => {
    expect(only(evaluate('aws_cloudtrail_trail_cloudwatch_logs_delivering', view([trail('main', overrides)])))).toEqual([expectedStatus, message]);
  });
});

describe('aws_cloudtrail_trail_delivery_errors_absent', () => {
  it.each([
    [{}, 'pass', 'The trail main (us-east-1) reports no delivery errors.'],
    [
      { status: status({ s3: before('2026-01-02', 'NoSuchBucket') }) },
      'fail',
      'The trail main (us-east-1) reports delivery errors: S3 log files (NoSuchBucket), last delivered on 2026-01-02, not within the 24 hours before the collection.',
    ],
    [
      { status: status({ digest: never('AccessDenied', 48), cloudWatchLogs: before('2026-01-09', 'ThrottlingException') }) },
      'fail',
      'The trail main (us-east-1) reports delivery errors: S3 digest files (AccessDenied), never delivered, not ' +
        'within the 48 hours before the collection; CloudWatch Logs (ThrottlingException), last delivered on ' +
        '2026-01-09, not within the 24 hours before the collection.',
    ],
    [
      { status: status({ s3: { ...within(), latestError: 'AccessDenied' } }) },
      'pass',
      'The trail main (us-east-1) received a delivery within the window before the collection, though it still reports a latest error for S3 log files (AccessDenied).',
    ],
    // Quiet without an error is not a delivery error (the CloudWatch check judges freshness).
    [{ status: status({ s3: before('2026-01-05') }) }, 'pass', 'The trail main (us-east-1) reports no delivery errors.'],
    [
      { status: status({ isLogging: false, s3: before('2026-01-02', 'NoSuchBucket') }) },
      'not_applicable',
      'The trail main (us-east-1) is not logging, so it delivers nothing.',
    ],
    [{ status: null }, 'error', 'The delivery status of the trail main (us-east-1) could not be read (not read).'],
    // Logging yet never a log file in S3, with no error reported: a silent failure, not a pass.
    [{ status: status({ s3: never() }) }, 'fail', 'The trail main (us-east-1) is logging but has never delivered a log file to S3.'],
  ] as const)('%j', (overrides, expectedStatus, message) => {
    expect(only(evaluate('aws_cloudtrail_trail_delivery_errors_absent', view([trail('main', overrides)])))).toEqual([expectedStatus, message]);
  });

  it('names the stored reason when the status of an organization trail was denied', () => {
    const org = orgTrail({ status: null });
    const denied: ResourceError = { type: TRAIL_PARTS.status, resourceId: org.resourceId, error: 'GetTrailStatus in us-west-2: AccessDeniedException: denied' };
    const { findings } = evaluateChecks(awsCloudTrailChecks, [region('us-east-1', org), org], [denied], options(), NOW, 'scope');
    const delivery = findings.find((f) => f.checkId === 'aws_cloudtrail_trail_delivery_errors_absent');
    expect(delivery).toMatchObject({
      status: 'error',
      resourceType: EVIDENCE.trail,
      message: `The delivery status of the organization trail org-audit (us-west-2) of account ${ORG_ACCOUNT} could not be read (GetTrailStatus in us-west-2: AccessDeniedException: denied).`,
    });
    // The configuration checks still judge the organization trail.
    expect(findings.find((f) => f.checkId === 'aws_cloudtrail_trail_kms_encryption_enabled')?.status).toBe('pass');
  });
});

// ---- Stability ----------------------------------------------------------------------------------

describe('findings day after day', () => {
  // A mixed estate: a healthy trail, a stopped one, one failing delivery since a fixed day, an
  // organization trail with a denied status, and a region recorded by nothing.
  const stopped = trail('stopped', { homeRegion: 'eu-west-1', status: status({ isLogging: false, stopLoggingTime: '2025-12-24T08:00:00.000Z' }) });
  const failing = trail('failing', {
    homeRegion: 'eu-west-1',
    multiRegion: false,
    kmsKeyId: null,
    cloudWatchLogsLogGroupArn: null,
    status: status({ s3: before('2026-01-02', 'AccessDenied'), cloudWatchLogs: null }),
  });
  const org = orgTrail({ status: null, cloudWatchLogsLogGroupArn: null });
  const main = trail('main');
  const evidence = [region('us-east-1', main, org), region('eu-west-1', stopped, failing, org), region('ap-south-1'), main, stopped, failing, org];
  const errors: ResourceError[] = [
    { type: TRAIL_PARTS.status, resourceId: org.resourceId, error: 'GetTrailStatus in us-west-2: AccessDeniedException: denied' },
  ];
  const findingsAt = (now: Date) => evaluateChecks(awsCloudTrailChecks, evidence, errors, options(), now, 'scope');

  it('are identical for the same evidence judged on later days: messages state dates, never ages', () => {
    const first = findingsAt(NOW);
    expect(first.crashed).toEqual([]);
    expect(new Set(first.findings.map((f) => f.status))).toEqual(new Set(['pass', 'fail', 'error', 'not_applicable']));
    for (const later of ['2026-01-11T00:00:01Z', '2026-01-17T23:59:59Z', '2026-04-30T12:00:00Z']) {
      expect(findingsAt(new Date(later))).toEqual(first);
    }
  });
});
