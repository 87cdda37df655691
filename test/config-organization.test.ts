// `organization` in an AWS collector's section: a valid block loads with its defaults and is shared through a
// YAML anchor; each mistake is one line naming the field, the cause and the fix, never echoing the external id.
import { describe, expect, it } from 'vitest';
import { builtinCollectors } from '../collectors/index.js';
import { ConfigError, parseConfigText } from '../src/config/index.js';

const env = { EXTERNAL_ID: 'ext-1234567890' };

function parse(yaml: string) {
  return parseConfigText(yaml, 'test.yaml', builtinCollectors, env);
}
function problems(yaml: string): string[] {
  try {
    parse(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  return [];
}
const section = (body: string) => `collectors:\n  aws-iam:\n    organization:\n${body.replace(/^/gm, '      ')}\n`;

describe('config: aws organization', () => {
  it('loads a block shared by two collectors with a YAML anchor, with its defaults', () => {
    const config = parse(
      [
        'collectors:',
        '  aws-iam:',
        '    organization: &org',
        '      memberRoleName: evidence-reader',
        '      externalId: ${EXTERNAL_ID}',
        '      include: { ous: [ou-ab12-cd34ef56] }',
        '  aws-cloudtrail:',
        '    organization: *org',
        '',
      ].join('\n'),
    );
    const iam = config.collectors['aws-iam'] as { organization: unknown };
    const trail = config.collectors['aws-cloudtrail'] as { organization: unknown };
    expect(iam.organization).toEqual({
      managementAccount: {},
      memberRoleName: 'evidence-reader',
      externalId: 'ext-1234567890',
      include: { accounts: [], ous: ['ou-ab12-cd34ef56'] },
      exclude: { accounts: [], ous: [] },
      concurrency: 4,
    });
    expect(trail.organization).toEqual(iam.organization);
  });

  it.each([
    [
      'the member role given as an ARN',
      section('memberRoleName: arn:aws:iam::123456789012:role/evidence-reader'),
      'collectors.aws-iam.organization.memberRoleName: expected the role name alone (evidence-reader), not its ARN: the account id differs in each member, got "arn:aws:iam::123456789012:role/evidence-reader"',
    ],
    ['no member role', section('externalId: ${EXTERNAL_ID}'), 'collectors.aws-iam.organization.memberRoleName: required, expected string'],
    [
      'an OU id that is not one',
      section('memberRoleName: r\ninclude: { ous: [Workloads] }'),
      'collectors.aws-iam.organization.include.ous[0]: expected an OU id such as ou-ab12-cd34ef56 (or the root id, r-ab12), got "Workloads"',
    ],
    [
      'an account both included and excluded',
      section('memberRoleName: r\ninclude: { accounts: ["123456789012"] }\nexclude: { accounts: ["123456789012"] }'),
      'collectors.aws-iam.organization.include.accounts[0]: expected 123456789012 in include or exclude, not both, got "123456789012"',
    ],
    [
      'a misspelt field',
      section('memberRoleNam: evidence-reader'),
      'collectors.aws-iam.organization.memberRoleNam: unknown field; did you mean "memberRoleName"?',
    ],
    [
      'concurrency out of range',
      section('memberRoleName: r\nconcurrency: 0'),
      'collectors.aws-iam.organization.concurrency: Too small: expected number to be >=1, got 0',
    ],
  ])('refuses %s in one line', (_what, yaml, line) => {
    const found = problems(yaml);
    expect(found).toContain(line);
  });

  it('refuses accounts and organization together, saying how to choose accounts instead', () => {
    const found = problems('collectors:\n  aws-cloudtrail:\n    accounts: [{ id: "123456789012" }]\n    organization: { memberRoleName: r }\n');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^collectors\.aws-cloudtrail\.accounts: expected accounts or organization, not both \(organization lists the accounts itself: choose them with organization\.include and organization\.exclude\)/,
    );
  });

  it('never echoes the external id', () => {
    const found = problems(section('memberRoleName: r\nexternalId: "x"'));
    expect(found).toEqual(['collectors.aws-iam.organization.externalId: expected an external id of 2 to 1224 characters, got a value of 1 characters']);
  });
});
