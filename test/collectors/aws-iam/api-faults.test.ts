// API faults in the aws-iam collector, injected in front of the sandbox account through the real AWS
// SDK (query protocol, XML): each fault is retried within bounds, then makes the run partial (the
// resources it hides get `error` findings, never `pass`) or failed, with the reason; none hangs.
// IAM is read account-wide (no call per user), so a read denied on one resource is one of the
// account-level reads: the password policy.
import { describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID } from '../../../sandbox/index.js';
import { AWS_MAX_ATTEMPTS, collect, configured, useFaultBench } from '../../helpers/fault-harness.js';
import { cutOffBody, expectFaultHandled, expectRequests, fault, queryError, XML } from '../../helpers/api-faults.js';
import type { FaultCase, Intercept, Reply } from '../../helpers/api-faults.js';
import { MAX_IAM_PAGES } from '../../../collectors/aws-iam/pagination.js';

const bench = useFaultBench();

type FormBody = Record<string, string | undefined>;
const action =
  (name: string, matches: (body: FormBody) => boolean = () => true): Intercept =>
  (scope, active) =>
    scope.post('/', (body: FormBody) => active() && body.Action === name && matches(body));

const arn = (suffix: string) => `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:${suffix}`;
const PASSWORD_POLICY = arn('account-password-policy');
const ROOT = arn('root');

/** A GetAccountAuthorizationDetails page that says more follow, with this Marker. */
const detailsPage = (marker: string): Reply => [
  200,
  '<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult>' +
    `<IsTruncated>true</IsTruncated><Marker>${marker}</Marker><UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/>` +
    '</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>',
  XML,
];

const cases: FaultCase[] = [
  {
    name: 'throttled twice, then answered: retried, and the run is ok',
    inject: (o) => fault(action('GetAccountPasswordPolicy'), o, () => queryError(400, 'Throttling', 'Rate exceeded'), { times: 2 }),
    status: 'ok',
    reason: /^$/,
    requests: 2,
  },
  {
    name: 'throttling (Throttling) on every GetAccountPasswordPolicy',
    inject: (o) => fault(action('GetAccountPasswordPolicy'), o, () => queryError(400, 'Throttling', 'Rate exceeded')),
    status: 'partial',
    reason: /password policy: Throttling: Rate exceeded/,
    affected: [PASSWORD_POLICY],
    requests: AWS_MAX_ATTEMPTS,
  },
  {
    name: 'a 500 on every GetAccountPasswordPolicy',
    inject: (o) => fault(action('GetAccountPasswordPolicy'), o, () => queryError(500, 'ServiceFailure', 'internal error')),
    status: 'partial',
    reason: /password policy: ServiceFailureException: internal error/,
    affected: [PASSWORD_POLICY],
    requests: AWS_MAX_ATTEMPTS,
  },
  {
    name: 'a 503 without a body on every GetCredentialReport',
    inject: (o) => fault(action('GetCredentialReport'), o, () => [503, '', XML]),
    status: 'partial',
    // The host is the sandbox's (127.0.0.1:<port>); against AWS it reads `from iam`.
    reason: /credential report: HTTP 503 from 127\.0\.0\.1:\d+ without an error code/,
    affected: [ROOT],
    requests: AWS_MAX_ATTEMPTS,
  },
  {
    name: 'permission denied (AccessDenied) on the password policy only',
    inject: (o) =>
      fault(action('GetAccountPasswordPolicy'), o, () => queryError(403, 'AccessDenied', 'User is not authorized to perform: iam:GetAccountPasswordPolicy')),
    status: 'partial',
    reason: /AccessDenied/,
    affected: [PASSWORD_POLICY],
    requests: 1,
  },
  {
    name: 'the connection reset on every GetAccountSummary',
    inject: (o) => fault(action('GetAccountSummary'), o, () => [200, cutOffBody(''), {}]),
    status: 'partial',
    reason: /account summary: .*socket hang up/,
    affected: [ROOT],
    requests: AWS_MAX_ATTEMPTS,
  },
  {
    name: 'a body cut off mid-stream on GetAccountAuthorizationDetails',
    inject: (o) =>
      fault(action('GetAccountAuthorizationDetails'), o, () => [
        200,
        cutOffBody(
          '<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><UserDetailList><member>',
        ),
        XML,
      ]),
    status: 'failed',
    reason: /ECONNRESET|aborted|socket/i,
    requests: AWS_MAX_ATTEMPTS,
  },
  {
    name: 'truncated XML on GetAccountPasswordPolicy',
    inject: (o) =>
      fault(action('GetAccountPasswordPolicy'), o, () => [
        200,
        '<GetAccountPasswordPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountPasswordPolicyResult><PasswordPolicy><MinimumPasswordLength>14</Minim',
        XML,
      ]),
    status: 'partial',
    reason: /password policy: .*XML parse error/,
    affected: [PASSWORD_POLICY],
    // A reply that does not parse is not retried: the same bytes would come back.
    requests: 1,
  },
  {
    name: 'a Marker that loops (GetAccountAuthorizationDetails hands back the same Marker)',
    inject: (o) => fault(action('GetAccountAuthorizationDetails'), o, () => detailsPage('the-same-marker')),
    status: 'failed',
    reason: /GetAccountAuthorizationDetails: page 2 repeats the token/,
    requests: 2,
  },
  {
    name: 'pages that never end (a new Marker on every page)',
    inject: (o) => fault(action('GetAccountAuthorizationDetails'), o, (n) => detailsPage(`marker-${n}`)),
    status: 'failed',
    reason: new RegExp(`still more pages after ${MAX_IAM_PAGES}`),
    requests: MAX_IAM_PAGES,
  },
  {
    name: 'a Marker that loops in ListVirtualMFADevices',
    inject: (o) =>
      fault(action('ListVirtualMFADevices'), o, () => [
        200,
        '<ListVirtualMFADevicesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListVirtualMFADevicesResult>' +
          '<IsTruncated>true</IsTruncated><Marker>mfa-loop</Marker><VirtualMFADevices/></ListVirtualMFADevicesResult></ListVirtualMFADevicesResponse>',
        XML,
      ]),
    status: 'partial',
    reason: /ListVirtualMFADevices: page 2 repeats the token/,
    affected: [ROOT],
    requests: 2,
  },
  {
    name: 'credentials expiring mid-run (ExpiredToken from the first IAM read on)',
    inject: (o) =>
      fault(
        (scope) => scope.post('/', (body: FormBody) => body.Action !== 'GetCallerIdentity'),
        o,
        () => queryError(403, 'ExpiredToken', 'The security token included in the request is expired'),
      ),
    status: 'failed',
    reason: /ExpiredToken/,
    // One attempt per read begun (not retried); the others are cancelled with the run.
    requests: [6],
  },
  {
    name: 'a server that accepts GetAccountPasswordPolicy and goes quiet: each attempt times out, and the rest is kept',
    inject: (o) => fault(action('GetAccountPasswordPolicy'), o, () => queryError(500, 'TooLate', 'never seen'), { delayMs: 10_000 }),
    status: 'partial',
    // nock holds the whole exchange back, so the connection phase is what times out here.
    reason: /password policy: TimeoutError: .*timeout of 300 ms/,
    affected: [PASSWORD_POLICY],
    requests: AWS_MAX_ATTEMPTS,
    requestTimeoutMs: 300,
  },
  {
    name: 'a reply delayed beyond the run deadline',
    inject: (o) => fault(action('GetAccountAuthorizationDetails'), o, () => detailsPage('never-read'), { delayMs: 10_000 }),
    status: 'aborted',
    reason: /run exceeded its timeout of 0.5 s/,
    requests: 1,
    timeoutSeconds: 0.5,
  },
];

describe('aws-iam under API faults', () => {
  it.each(cases)('$name', async (c) => {
    const counter = c.inject(bench.origin);
    const { run, findings, elapsedMs } = await collect(
      bench,
      [configured('aws-iam', c.timeoutSeconds ? { timeoutSeconds: c.timeoutSeconds } : {})],
      c.requestTimeoutMs ? { aws: { requestTimeoutMs: c.requestTimeoutMs } } : {},
    );
    if (c.status === 'ok') expect({ status: run.status, error: run.error }).toEqual({ status: 'ok', error: null });
    else expectFaultHandled(run, findings, { status: c.status, reason: c.reason, affected: c.affected ?? [] });
    expectRequests(counter, c.requests);
    // Never a hang: the run ends well within its deadline (or right at it).
    expect(elapsedMs).toBeLessThan(((c.timeoutSeconds ?? 5) + 1) * 1000);
  });
});
