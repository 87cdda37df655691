// Metric filter patterns: the CIS patterns as published in several benchmark versions (and as people
// write them: reordered, re-spaced, unquoted, parenthesised) cover their item; patterns that miss
// events, match everything, or use syntax that is not read do not.
import { describe, expect, it } from 'vitest';
import { ALARM_ITEMS, coverage } from '../../../collectors/aws-cloudtrail/checks/cis-alarm-items.js';
import { matchesRecord, parseFilterPattern } from '../../../collectors/aws-cloudtrail/checks/filter-pattern.js';

const item = (id: string) => ALARM_ITEMS.find((candidate) => candidate.id.includes(id))!;

describe('CIS patterns cover their item', () => {
  it.each<[string, string]>([
    ['unauthorized', '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'],
    // v1.4-v3.0: the service-log and HeadBucket exclusions, joined without parentheses.
    [
      'unauthorized',
      '{($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
    ],
    [
      'unauthorized',
      '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && (($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }',
    ],
    ['console_no_mfa', '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'],
    [
      'console_no_mfa',
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    ],
    ['console_no_mfa', '{$.additionalEventData.MFAUsed!=Yes&&$.eventName=ConsoleLogin}'],
    ['root_use', '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'],
    ['root_use', '{ $.userIdentity.type = Root }'],
    [
      'iam_policy',
      '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
    ],
    ['iam_policy', '{ ($.eventSource = "iam.amazonaws.com") && (($.eventName = "*Policy") || ($.eventName = "*PolicyVersion")) && ($.readOnly IS FALSE) }'],
    [
      'trail_change',
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
    ],
    [
      'trail_change',
      '{ ($.eventName = "StopLogging") || ($.eventName = "StartLogging") || ($.eventName = "DeleteTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "CreateTrail") }',
    ],
  ])('%s: %s', (id, pattern) => {
    expect(coverage(pattern, item(id))).toEqual({ covers: true });
  });

  it("each item's own CIS pattern covers it", () => {
    for (const candidate of ALARM_ITEMS) expect(coverage(candidate.cisPattern, candidate)).toEqual({ covers: true });
  });
});

describe('patterns that do not cover an item', () => {
  it.each<[string, string, string]>([
    // CIS v1.5's published text: its || joins match every call that is not from the log delivery service.
    [
      'unauthorized',
      '{ ($.errorCode = "UnauthorizedOperation") || ($.errorCode = "AccessDenied") || ' +
        '($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }',
      'also matches events that are not unauthorized API calls',
    ],
    ['unauthorized', '{ $.errorCode = "AccessDenied" }', 'misses 2 of the 3 sample events'],
    ['console_no_mfa', '{ $.eventName = "ConsoleLogin" }', 'also matches events that are not console sign-ins without MFA'],
    ['root_use', '{ $.eventName = * }', 'also matches events that are not root user activity'],
    ['iam_policy', '{ ($.eventName = PutUserPolicy) || ($.eventName = AttachUserPolicy) }', 'misses 14 of the 16 sample events'],
    ['trail_change', '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }', 'misses 3 of the 5 sample events'],
  ])('%s: %s', (id, pattern, why) => {
    expect(coverage(pattern, item(id))).toEqual({ covers: false, understood: true, related: true, why });
  });

  it('tells a filter about something else (it matches none of the events) from one that falls short', () => {
    expect(coverage('{ $.eventName = ConsoleLogin }', item('trail_change'))).toEqual({
      covers: false,
      understood: true,
      related: false,
      why: 'misses 5 of the 5 sample events',
    });
  });

  it.each<[string, string]>([
    ['StopLogging', 'not a JSON pattern ({ ... })'],
    ['', 'not a JSON pattern ({ ... })'],
    ['[ip, user, ...]', 'not a JSON pattern ({ ... })'],
    ['{ $.eventName = %Stop.*% }', 'regular expressions (%...%) are not read'],
    ['{ ($.eventName = StopLogging }', 'a parenthesis is not closed'],
    ['{ $.eventName StopLogging }', 'no operator after $.eventName'],
    ['{ $.eventName = "StopLogging }', 'a quoted value is not closed'],
    ['{ eventName = StopLogging }', 'expected a selector ($.field), found "eventName"'],
    [`{ ${'($.eventName = StopLogging) || '.repeat(40)}($.eventName = StartLogging) }`, 'longer than 1024 characters'],
  ])('%j is not understood: %s', (pattern, why) => {
    expect(coverage(pattern, item('trail_change'))).toEqual({ covers: false, understood: false, why });
  });
});

describe('evaluation', () => {
  const record = {
    eventName: 'CreateAccessKey',
    readOnly: false,
    count: 3,
    userIdentity: { type: 'Root', sessionContext: null },
    resources: [{ ARN: 'arn:aws:iam::1:user/a' }],
  };
  it.each<[string, boolean]>([
    ['{ $.eventName = Create* }', true],
    ['{ $.eventName = *Access* }', true],
    ['{ $.eventName = *Secret* }', false],
    ['{ $.eventName != CreateAccessKey }', false],
    ['{ $.readOnly IS FALSE }', true],
    ['{ $.readOnly IS TRUE }', false],
    ['{ $.userIdentity.sessionContext IS NULL }', true],
    ['{ $.userIdentity.invokedBy NOT EXISTS }', true],
    ['{ $.userIdentity.type EXISTS }', true],
    ['{ $.count >= 3 && $.count < 4 }', true],
    ['{ $.count > 3 }', false],
    ['{ $.resources[0].ARN = "arn:aws:iam::1:user/*" }', true],
    ['{ $.resources[1].ARN = * }', false],
    // A field the record lacks makes any comparison false, != included.
    ['{ $.errorCode != "AccessDenied" }', false],
    ['{ $.userIdentity.type = Root || $.missing = x && $.other = y }', true],
  ])('%s: %s', (pattern, expected) => {
    expect(matchesRecord(parseFilterPattern(pattern), record)).toBe(expected);
  });
});
