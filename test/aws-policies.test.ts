// The least-privilege policies shipped for the AWS collectors: each allows exactly the actions its
// collector declares (nothing missing, which would fail a run; nothing extra), read-only but for the
// one documented exception, and its README shows the same policy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCollectors } from '../collectors/index.js';
import { packageRoot } from '../src/package-root.js';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string;
}

const root = packageRoot();
const awsCollectors = builtinCollectors.filter((collector) => collector.id.startsWith('aws-'));

describe.each(awsCollectors.map((collector) => [collector.id, collector] as const))('config/%s-policy.json', (id, collector) => {
  const file = readFileSync(join(root, 'config', `${id}-policy.json`), 'utf8');
  const policy = JSON.parse(file) as { Version: string; Statement: Statement[] };

  it('allows exactly the actions the collector declares', () => {
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement.every((statement) => statement.Effect === 'Allow')).toBe(true);
    const actions = policy.Statement.flatMap((statement) => statement.Action);
    expect([...actions].sort()).toEqual([...collector.permissions].sort());
  });

  it('grants reads only (iam:GenerateCredentialReport, which only starts a report, aside)', () => {
    for (const action of policy.Statement.flatMap((statement) => statement.Action)) {
      expect(action).toMatch(/^[a-z0-9-]+:(Get|List|Describe|Lookup|GenerateCredentialReport$)/);
    }
  });

  it('is shown as it is in the collector README', () => {
    const readme = readFileSync(join(root, 'collectors', id, 'README.md'), 'utf8');
    expect(readme).toContain(file.trim());
  });
});
