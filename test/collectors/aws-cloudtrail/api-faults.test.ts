// API faults in the aws-cloudtrail collector, injected in front of the sandbox account through the
// real AWS SDK (JSON protocol): each fault is retried within bounds, then makes the run partial (the
// trail, region or event window it hides gets `error` findings, never `pass`) or ends it, with the
// reason; none hangs.
import { describe, expect, it } from 'vitest';
import { demoCloudTrailOptions } from '../../../collectors/aws-cloudtrail/demo.js';
import { LOCAL_TRAIL_ARN, ORG_TRAIL_ARN, SANDBOX_ACCOUNT_ID, SECURITY_TRAIL_ARN } from '../../../sandbox/index.js';
import { EVIDENCE } from '../../../collectors/aws-cloudtrail/schema.js';
import { AWS_JSON, cutOffBody, expectFaultHandled, expectRequests, fault, jsonError } from '../../helpers/api-faults.js';
import type { Affected, FaultCase, Intercept, Reply } from '../../helpers/api-faults.js';
import { AWS_MAX_ATTEMPTS, collect, configured, useFaultBench } from '../../helpers/fault-harness.js';

const bench = useFaultBench();

type JsonBody = Record<string, unknown>;
/** A CloudTrail operation, in one region (by the region its request is signed for) or all. */
const operation =
  (name: string, { region, matches = () => true }: { region?: string; matches?: (body: JsonBody) => boolean } = {}): Intercept =>
  (scope, active) =>
    scope
      .post('/', (body: JsonBody) => active() && matches(body))
      .matchHeader('x-amz-target', `CloudTrail_20131101.${name}`)
      .matchHeader('authorization', (value: string) => region === undefined || value.includes(`/${region}/cloudtrail/`));

const regionId = (region: string) => `arn:aws:cloudtrail:${region}:${SANDBOX_ACCOUNT_ID}:region`;
const regionEvents = (region: string): Affected => ({ type: EVIDENCE.regionEvents, id: regionId(region) });
/** The checks that need a trail's status (the others judge what DescribeTrails said, and still may pass). */
const STATUS_CHECKS = ['aws_cloudtrail_trail_cloudwatch_logs_delivering', 'aws_cloudtrail_trail_delivery_errors_absent'];
/** The checks of a region's coverage: they need the status and selectors of the multi-region trail. */
const COVERAGE_CHECKS = ['aws_cloudtrail_management_events_captured', 'aws_cloudtrail_multiregion_trail_logging'];
/** The two multi-region trails: the organization's and the account's own security-trail. */
const MULTI_REGION = [ORG_TRAIL_ARN, SECURITY_TRAIL_ARN];
/** With the status of one multi-region trail unknown, the other still records every region. */
const orgTrailStatusUnread: Affected[] = [{ id: ORG_TRAIL_ARN, checks: STATUS_CHECKS }];
/** With the status of both unknown, no region's coverage can be judged. */
const multiRegionStatusUnread: Affected[] = [
  ...MULTI_REGION.map((id) => ({ id, checks: STATUS_CHECKS })),
  ...['us-east-1', 'eu-west-1'].map((region) => ({ id: regionId(region), checks: COVERAGE_CHECKS })),
];
const lookupPage = (nextToken: string): Reply => [200, JSON.stringify({ Events: [], NextToken: nextToken }), AWS_JSON];

/** The demo's options; the event slice only where the fault is in it (it is most of the requests). */
const withEvents = (enabled: boolean, extra: Record<string, unknown> = {}) => ({
  events: { ...demoCloudTrailOptions().events, enabled, backfillDays: 2 },
  ...extra,
});

const cases: FaultCase[] = [
  {
    name: 'throttled twice (ThrottlingException), then answered: retried, and the run is ok',
    inject: (o) =>
      fault(operation('GetTrailStatus', { matches: (b) => b['Name'] === ORG_TRAIL_ARN }), o, () => jsonError(400, 'ThrottlingException', 'Rate exceeded'), {
        times: 2,
      }),
    status: 'ok',
    reason: /^$/,
    requests: 2,
  },
  {
    name: 'throttling (ThrottlingException) on every GetTrailStatus of the multi-region trails',
    inject: (o) =>
      fault(operation('GetTrailStatus', { matches: (b) => MULTI_REGION.includes(b['Name'] as string) }), o, () =>
        jsonError(400, 'ThrottlingException', 'Rate exceeded'),
      ),
    status: 'partial',
    reason: /GetTrailStatus in us-east-1: ThrottlingException: Rate exceeded/,
    affected: multiRegionStatusUnread,
    requests: 2 * AWS_MAX_ATTEMPTS,
  },
  {
    name: 'a 503 on every DescribeTrails in eu-west-1',
    inject: (o) => fault(operation('DescribeTrails', { region: 'eu-west-1' }), o, () => jsonError(503, 'ServiceUnavailableException', 'try later')),
    status: 'partial',
    reason: /DescribeTrails in eu-west-1: ServiceUnavailableException/,
    affected: [{ type: EVIDENCE.region, id: regionId('eu-west-1') }],
    requests: AWS_MAX_ATTEMPTS,
  },
  {
    name: 'the connection reset on every GetEventSelectors of the multi-region trails',
    inject: (o) =>
      fault(operation('GetEventSelectors', { matches: (b) => MULTI_REGION.includes(b['TrailName'] as string) }), o, () => [200, cutOffBody(''), {}]),
    status: 'partial',
    reason: /GetEventSelectors in us-east-1: .*socket hang up/,
    // Only the multi-region trails' selectors say whether management events are captured.
    affected: ['us-east-1', 'eu-west-1'].map((region) => ({ id: regionId(region), checks: ['aws_cloudtrail_management_events_captured'] })),
    requests: 2 * AWS_MAX_ATTEMPTS,
  },
  {
    name: 'malformed JSON from DescribeTrails in us-east-1',
    inject: (o) => fault(operation('DescribeTrails', { region: 'us-east-1' }), o, () => [200, '{"trailList":[{"Name":"org-tr', AWS_JSON]),
    status: 'partial',
    reason: /DescribeTrails in us-east-1: SyntaxError/,
    affected: [{ type: EVIDENCE.region, id: regionId('us-east-1') }],
    requests: 1,
  },
  {
    name: 'permission denied (AccessDeniedException) on the organization trail only',
    inject: (o) =>
      fault(operation('GetTrailStatus', { matches: (b) => b['Name'] === ORG_TRAIL_ARN }), o, () =>
        jsonError(400, 'AccessDeniedException', 'User is not authorized to perform: cloudtrail:GetTrailStatus'),
      ),
    status: 'partial',
    reason: /GetTrailStatus in us-east-1: AccessDeniedException/,
    // A member account denied the organization trail's status: its own security-trail still shows every
    // region recorded, so only the organization trail's status checks are unknown.
    affected: orgTrailStatusUnread,
    requests: 1,
  },
  {
    name: 'a LookupEvents body cut off mid-stream in us-east-1',
    inject: (o) =>
      fault(operation('LookupEvents', { region: 'us-east-1' }), o, () => [200, cutOffBody('{"Events":[{"EventId":"e1","EventName":"Con'), AWS_JSON]),
    status: 'partial',
    // Node reports a cut-off reply as "aborted" or "socket hang up", depending on when the reset lands.
    reason: /LookupEvents EventName=\S+ in us-east-1: .*(aborted|socket hang up)/,
    affected: [regionEvents('us-east-1')],
    requests: AWS_MAX_ATTEMPTS,
    options: withEvents(true),
  },
  {
    name: 'a NextToken that loops in LookupEvents (eu-west-1)',
    inject: (o) => fault(operation('LookupEvents', { region: 'eu-west-1' }), o, () => lookupPage('the-same-token')),
    status: 'partial',
    reason: /repeats a NextToken/,
    affected: [regionEvents('eu-west-1')],
    requests: 2,
    options: withEvents(true),
  },
  {
    name: 'LookupEvents pages that never end: bounded by the run deadline',
    inject: (o) => fault(operation('LookupEvents', { region: 'eu-west-1' }), o, (n) => lookupPage(`token-${n}`)),
    status: 'aborted',
    reason: /run exceeded its timeout of 1 s/,
    requests: [100_000],
    options: withEvents(true, { timeoutSeconds: 1 }),
  },
  {
    name: 'credentials expiring mid-run (ExpiredTokenException after the trails are listed)',
    inject: (o) =>
      fault(
        (scope) =>
          scope
            .post('/')
            .matchHeader('x-amz-target', (target: string | undefined) => target?.startsWith('CloudTrail_') === true && !target.endsWith('.DescribeTrails')),
        o,
        () => jsonError(400, 'ExpiredTokenException', 'The security token included in the request is expired'),
      ),
    status: 'partial',
    reason: /ExpiredTokenException/,
    affected: [
      ...multiRegionStatusUnread,
      // Its CloudWatch Logs check fails on what DescribeTrails said (no log group), status or not.
      { id: LOCAL_TRAIL_ARN, checks: ['aws_cloudtrail_trail_delivery_errors_absent'] },
      regionEvents('us-east-1'),
      regionEvents('eu-west-1'),
    ],
    // Each read once (an expired token is not retried): three trails × two reads, one query per region.
    requests: 8,
    options: withEvents(true),
  },
  {
    name: 'a NextToken that loops in account:ListRegions (regions left to the account): the run fails, it does not spin',
    inject: (o) =>
      fault(
        (scope, active) => scope.post('/listRegions', () => active()),
        o,
        () => [
          200,
          JSON.stringify({ Regions: [{ RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' }], NextToken: 'the-same-token' }),
          { 'content-type': 'application/json' },
        ],
      ),
    status: 'failed',
    reason: /account:ListRegions: page 2 repeats the token of an earlier page/,
    requests: 2,
    options: { ...withEvents(false), regions: undefined },
  },
  {
    name: 'a DescribeTrails reply delayed beyond the run deadline',
    inject: (o) => fault(operation('DescribeTrails', { region: 'us-east-1' }), o, () => [200, '{"trailList":[]}', AWS_JSON], { delayMs: 10_000 }),
    status: 'aborted',
    reason: /run exceeded its timeout of 0.5 s/,
    requests: 1,
    options: { timeoutSeconds: 0.5 },
  },
];

describe('aws-cloudtrail under API faults', () => {
  it.each(cases)('$name', async (c) => {
    const counter = c.inject(bench.origin);
    const options: Record<string, unknown> = c.options ?? withEvents(false);
    const { run, findings, elapsedMs } = await collect(bench, [configured('aws-cloudtrail', options)]);
    if (c.status === 'ok') expect({ status: run.status, error: run.error }).toEqual({ status: 'ok', error: null });
    else expectFaultHandled(run, findings, { status: c.status, reason: c.reason, affected: c.affected ?? [] });
    expectRequests(counter, c.requests);
    const timeoutSeconds = (options['timeoutSeconds'] as number | undefined) ?? 5;
    expect(elapsedMs).toBeLessThan((timeoutSeconds + 1) * 1000);
  });
});
