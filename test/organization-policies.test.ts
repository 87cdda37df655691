// The least-privilege policies shipped for account discovery: the management-account reader allows exactly
// the Organizations reads discovery makes, the agent may assume only reader roles, each member role trusts the
// agent only with the external id; the aws-iam README shows each as shipped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORGANIZATION_DISCOVERY_PERMISSIONS } from '../collectors/_aws/organization.js';
import { packageRoot } from '../src/package-root.js';

const root = packageRoot();
const read = (name: string) => readFileSync(join(root, 'config', name), 'utf8');
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: { AWS: string };
  Condition?: Record<string, Record<string, string>>;
}
const statements = (name: string) => (JSON.parse(read(name)) as { Version: string; Statement: Statement[] }).Statement;
const readme = readFileSync(join(root, 'collectors', 'aws-iam', 'README.md'), 'utf8');

describe('account discovery policies', () => {
  it('lets the management-account reader make exactly the discovery reads', () => {
    const found = statements('organization-discovery-policy.json');
    expect(found.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(found.flatMap((s) => s.Action).sort()).toEqual([...ORGANIZATION_DISCOVERY_PERMISSIONS].sort());
    for (const action of found.flatMap((s) => s.Action)) expect(action).toMatch(/^organizations:(List|Describe)/);
  });

  it('lets the agent assume reader roles only', () => {
    const [statement, ...rest] = statements('organization-agent-policy.json');
    expect(rest).toEqual([]);
    expect(statement!.Action).toEqual(['sts:AssumeRole']);
    for (const resource of [statement!.Resource].flat()) expect(resource).toMatch(/^arn:aws:iam::(\*|\d{12}):role\/evidence-(org-)?reader$/);
  });

  it("makes each member role trust the agent's identity only with the external id", () => {
    const [statement, ...rest] = statements('organization-member-trust-policy.json');
    expect(rest).toEqual([]);
    expect(statement).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: expect.stringMatching(/^arn:aws:iam::\d{12}:role\//) } });
    expect(Object.keys(statement!.Condition?.StringEquals ?? {})).toEqual(['sts:ExternalId']);
  });

  it.each(['organization-discovery-policy.json', 'organization-agent-policy.json', 'organization-member-trust-policy.json'])(
    '%s is shown as shipped in the aws-iam README',
    (name) => {
      expect(readme).toContain(read(name).trim());
    },
  );
});
