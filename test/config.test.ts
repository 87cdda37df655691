import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCollectors } from '../collectors/index.js';
import { ConfigError, loadConfig, parseConfigText } from '../src/config/index.js';
import { buildConfigSchema, keysAt } from '../src/config/schema.js';
import { INVALID_CONFIGS } from './fixtures/invalid-configs.js';

const env = { EXTERNAL_ID: 'ext-1234567890', HOME_REGION: 'eu-west-1' };

function problems(yaml: string, environment: NodeJS.ProcessEnv = env): string[] {
  try {
    parseConfigText(yaml, 'test.yaml', builtinCollectors, environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  return [];
}

describe('config: valid files', () => {
  it('loads config/example.yaml with every default filled in', () => {
    const loaded = loadConfig('config/example.yaml', builtinCollectors, {});
    const iam = loaded.config.collectors['aws-iam']!;
    expect(loaded.config.timezone).toBe('UTC');
    expect(loaded.config.store.path).toBe('./data/evidence.db');
    expect(iam.accounts).toEqual([{}]);
    expect(iam.thresholds).toMatchObject({ unusedCredentialDays: 45, accessKeyMaxAgeDays: 90 });
    expect(iam.thresholds.passwordPolicy.minimumLength).toBe(14);
    expect(loaded.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('interpolates ${VAR} and ${VAR:-default} in string values only', () => {
    const config = parseConfigText(
      `collectors:
  aws-iam:
    region: \${HOME_REGION}
    accounts:
      - roleArn: arn:aws:iam::123456789012:role/evidence-reader
        externalId: \${EXTERNAL_ID}
        name: \${ACCOUNT_NAME:-production}
    adminAllowList: ["arn:aws:iam::*:role/$\${literal}"]
`,
      'test.yaml',
      builtinCollectors,
      env,
    );
    const iam = config.collectors['aws-iam']!;
    expect(iam.region).toBe('eu-west-1');
    expect(iam.accounts[0]).toEqual({
      roleArn: 'arn:aws:iam::123456789012:role/evidence-reader',
      externalId: 'ext-1234567890',
      name: 'production',
    });
    expect(iam.adminAllowList).toEqual(['arn:aws:iam::*:role/${literal}']);
  });

  it('digests what the agent will do, never a secret', () => {
    const yaml = `collectors:
  aws-iam:
    accounts:
      - roleArn: arn:aws:iam::\${ACCOUNT}:role/evidence-reader
        externalId: \${EXTERNAL_ID}
`;
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-config-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, yaml);
    const digest = (environment: NodeJS.ProcessEnv) => loadConfig(file, builtinCollectors, environment).digest;
    const base = digest({ ACCOUNT: '123456789012', EXTERNAL_ID: 'first-secret' });
    expect(digest({ ACCOUNT: '123456789012', EXTERNAL_ID: 'another-secret' })).toBe(base);
    expect(digest({ ACCOUNT: '210987654321', EXTERNAL_ID: 'first-secret' })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes an empty collector section as the collector with its defaults', () => {
    const config = parseConfigText('collectors:\n  aws-iam:\n', 'test.yaml', builtinCollectors, {});
    expect(config.collectors['aws-iam']).toMatchObject({ enabled: true, accounts: [{}], timeoutSeconds: 900 });
  });
});

describe('config: each wrong field gets one line naming it', () => {
  it.each(INVALID_CONFIGS)('%s', (_, yaml, expected) => {
    expect(problems(yaml)).toEqual([expected.replace('{file}', 'test.yaml')]);
  });

  it('never echoes a secret value back', () => {
    const lines = problems('collectors:\n  aws-iam:\n    accounts: [{ roleArn: "arn:aws:iam::123456789012:role/r", externalId: "x" }]\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^collectors\.aws-iam\.accounts\[0\]\.externalId: .*got a value of 1 characters$/);
  });

  it('reports invalid YAML with its line', () => {
    expect(problems('timezone: UTC\ncollectors:\n  aws-iam: [\n')[0]).toMatch(/^test\.yaml:\d+: invalid YAML: /);
  });

  it('refuses duplicate keys', () => {
    expect(problems('timezone: UTC\ntimezone: UTC\n')[0]).toMatch(/invalid YAML: .*[Mm]ap keys must be unique/);
  });

  it('names a missing file and how to fix it', () => {
    expect(() => loadConfig('/nonexistent/evidence-agent.yaml', builtinCollectors, {})).toThrow(/config file not found \(pass --config/);
  });

  it('lists every wrong field, one line each', () => {
    const lines = problems('timezone: 5\ncollectors:\n  aws-iam:\n    region: mars\n    thresholds: { rootUnusedDays: 0 }\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(':')[0])).toEqual(['timezone', 'collectors.aws-iam.region', 'collectors.aws-iam.thresholds.rootUnusedDays']);
  });

  it('refuses a schedule that is not a cron expression, naming it', () => {
    expect(problems('collectors:\n  aws-iam:\n    schedule: "every day"\n')).toEqual([
      'collectors.aws-iam.schedule: expected a cron expression (minute hour day-of-month month day-of-week, e.g. "0 3 * * *"), got "every day"',
    ]);
  });

  it('ships an exceptions example that loads', async () => {
    const { loadExceptions } = await import('../src/exceptions/load.js');
    expect(loadExceptions('config/exceptions.example.yaml')).toEqual([
      expect.objectContaining({ id: 'RISK-2026-007', approved: '2026-01-15', expires: '2026-07-15' }),
    ]);
  });

  it('ships an example that documents every option of the schema', () => {
    const example = readFileSync('config/example.yaml', 'utf8');
    const schema = buildConfigSchema(builtinCollectors);
    const documented: string[] = [];
    const walk = (path: string[]) => {
      for (const key of keysAt(schema, path)) {
        documented.push(key);
        walk([...path, key]);
      }
    };
    walk([]);
    walk(['collectors', 'aws-iam', 'accounts', '0']);
    expect(documented.length).toBeGreaterThan(20);
    for (const option of documented) expect(example).toMatch(new RegExp(`\\b${option}:`));
  });
});
