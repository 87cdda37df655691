// The small pure parts of the aws-iam collector: retry settings against the environment, ARN
// partitions, which policy documents are kept, and calendar-day arithmetic.
import { describe, expect, it } from 'vitest';
import { parseArn } from '../../../collectors/_aws/arn.js';
import { calendarDaysSince, dayOf } from '../../../collectors/aws-iam/checks/credential-ages.js';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { DEFAULT_MAX_ATTEMPTS, retryConfig, retrySettings } from '../../../collectors/_aws/clients.js';
import { decodePolicyDocument } from '../../../collectors/aws-iam/policy-document.js';

describe('retrySettings', () => {
  it.each([
    ['nothing configured', undefined, {}, { maxAttempts: DEFAULT_MAX_ATTEMPTS, retryMode: 'adaptive' }],
    ['AWS_MAX_ATTEMPTS set', undefined, { AWS_MAX_ATTEMPTS: '1' }, { retryMode: 'adaptive' }],
    ['AWS_RETRY_MODE set', undefined, { AWS_RETRY_MODE: 'standard' }, { maxAttempts: DEFAULT_MAX_ATTEMPTS }],
    ['both set', undefined, { AWS_MAX_ATTEMPTS: '2', AWS_RETRY_MODE: 'legacy' }, {}],
    ['an empty AWS_MAX_ATTEMPTS (the SDK ignores it too)', undefined, { AWS_MAX_ATTEMPTS: '' }, { maxAttempts: 5, retryMode: 'adaptive' }],
    ['clientEnvironment.aws.maxAttempts, over AWS_MAX_ATTEMPTS', 3, { AWS_MAX_ATTEMPTS: '1' }, { maxAttempts: 3, retryMode: 'adaptive' }],
  ] as const)('%s', (_case, maxAttempts, env, expected) => {
    expect(retrySettings(maxAttempts, env)).toEqual(expected);
  });
});

describe('retryConfig', () => {
  it('keeps the SDK backoff and adaptive mode unless a fixed retry delay is asked for', () => {
    expect(retryConfig({ maxAttempts: 3 }, {})).toEqual({ maxAttempts: 3, retryMode: 'adaptive' });
  });

  it.each([
    ['clientEnvironment.aws.maxAttempts', { maxAttempts: 3, retryDelayMs: 5 }, {}, 3],
    ['AWS_MAX_ATTEMPTS', { retryDelayMs: 5 }, { AWS_MAX_ATTEMPTS: '2' }, 2],
    ['the default', { retryDelayMs: 5 }, {}, DEFAULT_MAX_ATTEMPTS],
  ])('with retryDelayMs: as many attempts as %s says, a fixed delay apart', async (_case, aws, env, attempts) => {
    const config = retryConfig(aws, env);
    expect(config.maxAttempts).toBe(attempts);
    expect(config.retryMode).toBeUndefined();
    expect(config.retryStrategy).toBeInstanceOf(ConfiguredRetryStrategy);
    expect(await config.retryStrategy!.maxAttempts()).toBe(attempts);
  });
});

describe('parseArn', () => {
  it.each([
    ['arn:aws:iam::111122223333:user/alice', 'aws', '111122223333', 'user/alice'],
    ['arn:aws-us-gov:sts::111122223333:assumed-role/reader/evidence-agent', 'aws-us-gov', '111122223333', 'assumed-role/reader/evidence-agent'],
    ['arn:aws-cn:iam::111122223333:root', 'aws-cn', '111122223333', 'root'],
    ['arn:aws:iam::aws:policy/AdministratorAccess', 'aws', 'aws', 'policy/AdministratorAccess'],
  ])('reads %s', (arn, partition, accountId, resource) => {
    expect(parseArn(arn)).toMatchObject({ partition, accountId, resource });
  });

  it.each(['', 'not-an-arn', 'arn:aws:iam::111122223333', 'arn::iam::111122223333:root'])('rejects %j', (arn) => {
    expect(parseArn(arn)).toBeUndefined();
  });
});

describe('decodePolicyDocument', () => {
  const encoded = (document: unknown) => encodeURIComponent(JSON.stringify(document));

  it.each([
    ['a statement list', { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: ['s3:Get*'], Resource: '*' }] }],
    ['a single statement object', { Statement: { Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::b' } }],
    ['a trust policy', { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }],
    ['no statements at all', { Version: '2012-10-17', Statement: [] }],
  ])('keeps %s', (_case, document) => {
    expect(decodePolicyDocument(encoded(document))).toEqual(document);
  });

  it.each([
    ['missing', undefined, 'policy document is missing'],
    ['not URL encoding', '%E0%A4%A', 'policy document is not valid URL encoding'],
    ['not JSON', '%7Bnope', 'policy document is not valid JSON'],
    ['a JSON array', encoded([]), 'policy document is not a JSON object'],
    ['without Statement', encoded({ Version: '2012-10-17' }), 'policy document has no Statement'],
    ['a string statement', encoded({ Statement: '*' }), 'policy document statement #1 is not a JSON object'],
    [
      'a null statement in a list',
      encoded({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, null] }),
      'policy document statement #2 is not a JSON object',
    ],
    ['no Effect', encoded({ Statement: [{ Action: '*', Resource: '*' }] }), 'policy document statement #1: Effect is missing, not Allow or Deny'],
    [
      'a lowercase Effect',
      encoded({ Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] }),
      'policy document statement #1: Effect is "allow", not Allow or Deny',
    ],
    [
      'an object Action',
      encoded({ Statement: [{ Effect: 'Allow', Action: { all: true }, Resource: '*' }] }),
      'policy document statement #1: Action is not a string or a list of strings',
    ],
    [
      'a number in NotResource',
      encoded({ Statement: [{ Effect: 'Allow', Action: '*', NotResource: ['a', 1] }] }),
      'policy document statement #1: NotResource is not a string or a list of strings',
    ],
    ['a numeric Sid', encoded({ Statement: [{ Sid: 7, Effect: 'Allow', Action: '*', Resource: '*' }] }), 'policy document statement #1: Sid is not a string'],
  ])('rejects a document that is %s, rather than read it as granting nothing', (_case, text, message) => {
    expect(() => decodePolicyDocument(text)).toThrow(message);
  });
});

describe('calendar days', () => {
  it.each([
    ['the same day', '2026-01-10T00:00:00.000Z', '2026-01-10T23:59:59.999Z', 0],
    ['a day stored as a date', '2026-01-09', '2026-01-10T00:00:00.000Z', 1],
    ['late on one day to early on the next', '2026-01-09T23:59:59.999Z', '2026-01-10T00:00:00.000Z', 1],
    ['early on one day to late 90 days on', '2025-10-12T00:00:00.000Z', '2026-01-10T23:59:59.999Z', 90],
    ['a date ahead of the clock', '2026-01-11', '2026-01-10T12:00:00.000Z', 0],
  ])('counts %s', (_case, date, now, days) => {
    expect(calendarDaysSince(date, new Date(now))).toBe(days);
  });

  it('takes the UTC day of a timestamp or a day', () => {
    expect(dayOf('2026-01-09T23:59:59.999Z')).toBe('2026-01-09');
    expect(dayOf('2026-01-09T23:30:00-05:00')).toBe('2026-01-10');
    expect(dayOf('2026-01-09')).toBe('2026-01-09');
  });
});
