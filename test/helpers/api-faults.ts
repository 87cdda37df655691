// Faults as the APIs send them, for the fault tables: AWS query (XML) and JSON errors, GitHub rate
// limits, a connection reset, a body cut off mid-stream. Each interceptor counts the requests it
// answered, so a test can bound the retries.
import { PassThrough } from 'node:stream';
import nock from 'nock';
import { expect } from 'vitest';
import type { FindingRecord, RunRecord } from '../../src/store/types.js';

export interface Counter {
  count: number;
}

/** A reply: status, body (text or a stream), headers. */
export type Reply = [number, string | NodeJS.ReadableStream, Record<string, string>];

type Interceptor = ReturnType<nock.Scope['get']>;
/**
 * Sets the fault's interceptor on the scope; its matcher must also ask `active()`, which turns false
 * once a fault limited to `times` has answered that many (a spent nock interceptor that is not
 * persisted races with requests in flight, so the fault stays and stops matching instead).
 */
export type Intercept = (scope: nock.Scope, active: () => boolean) => Interceptor;

/**
 * Answers every matching request with `reply` (called with the request number, from 1), or resets
 * the connection before any reply (`'reset'`, for fetch: Octokit); every other request goes through
 * to the sandbox.
 */
export function fault(
  intercept: Intercept,
  origin: string,
  reply: ((n: number) => Reply) | 'reset',
  options: { delayMs?: number; times?: number } = {},
): Counter {
  const counter = { count: 0 };
  const scope = nock(origin, { allowUnmocked: true }).persist();
  scope.on('request', () => {
    counter.count += 1;
  });
  // With `times`, the fault passes after that many requests: the next one reaches the sandbox.
  const interceptor = intercept(scope, () => options.times === undefined || counter.count < options.times);
  // Headers and body held back: a server that accepted the request and then went quiet.
  if (options.delayMs !== undefined) interceptor.delay(options.delayMs);
  if (reply === 'reset') interceptor.replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
  else interceptor.reply(() => reply(counter.count));
  return counter;
}

/**
 * A reply that starts and is then cut off: the connection resets partway through the body. With no
 * start, it stands for a reset before the reply for the AWS SDK, whose request nock's replyWithError
 * leaves pending for ever (a real reset is retried at once: measured against a TCP server that resets).
 */
export function cutOffBody(start: string): NodeJS.ReadableStream {
  const body = new PassThrough();
  if (start) body.write(start);
  setTimeout(() => body.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), 5);
  return body;
}

export const XML = { 'content-type': 'text/xml' };
export const AWS_JSON = { 'content-type': 'application/x-amz-json-1.1' };

/** An AWS query-protocol (IAM, STS) error reply. */
export function queryError(status: number, code: string, message: string): Reply {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return [
    status,
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`,
    XML,
  ];
}

/** An AWS JSON-protocol (CloudTrail) error reply. */
export function jsonError(status: number, type: string, message: string): Reply {
  return [status, JSON.stringify({ __type: type, message }), { ...AWS_JSON, 'x-amzn-errortype': `${type}:` }];
}

/**
 * A resource a fault hides: its id (the findings of every check on it), or the findings of one type
 * of it (a region's events, not its trail coverage) or of the checks that need the unread part.
 */
export type Affected = string | { id: string; type?: string; checks?: readonly string[] };

/** One row of a collector's fault table. */
export interface FaultCase {
  name: string;
  inject: (origin: string) => Counter;
  status: 'ok' | 'partial' | 'failed' | 'aborted';
  reason: RegExp;
  /** Resources that must carry only `error` findings. */
  affected?: Affected[];
  /** Requests the fault answered (retries included): exactly, or at most [max]. */
  requests: number | [max: number];
  /** The collector's options over the demo's. */
  options?: Record<string, unknown>;
  timeoutSeconds?: number;
  /** Milliseconds one request may take (the client's request timeout). */
  requestTimeoutMs?: number;
}

/**
 * The promise of a faulted run: it is not `ok`; it says why; a failed or aborted run stores no
 * findings at all; a partial one gives each affected resource `error` findings and never a `pass`.
 */
export function expectFaultHandled(
  run: RunRecord,
  findings: readonly FindingRecord[],
  expected: { status: RunRecord['status']; reason: RegExp; affected?: readonly Affected[] },
): void {
  expect({ status: run.status, error: run.error }).toEqual({ status: expected.status, error: expect.stringMatching(expected.reason) });
  if (expected.status === 'failed' || expected.status === 'aborted') {
    expect(findings).toEqual([]);
    return;
  }
  for (const affected of expected.affected ?? []) {
    const { id, type, checks } = typeof affected === 'string' ? { id: affected, type: undefined, checks: undefined } : affected;
    const about = findings.filter(
      (f) => f.resourceId === id && (type === undefined || f.resourceType === type) && (checks === undefined || checks.includes(f.checkId)),
    );
    expect(about.length, `findings about ${id}`).toBeGreaterThan(0);
    expect(
      about.map((f) => f.status),
      `findings about ${id}`,
    ).toEqual(about.map(() => 'error'));
  }
}

/** Requests a fault answered (retries included): exactly `n`, or between 1 and `[max]`. */
export function expectRequests(counter: Counter, expected: number | [max: number]): void {
  if (typeof expected === 'number') {
    expect(counter.count, 'requests answered by the fault').toBe(expected);
    return;
  }
  expect(counter.count, 'requests answered by the fault').toBeGreaterThan(0);
  expect(counter.count, 'requests answered by the fault').toBeLessThanOrEqual(expected[0]);
}
