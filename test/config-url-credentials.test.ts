// A URL in the config with credentials in it (`http://user:${GH_BASIC}@host/api/v3`) is refused at load,
// naming the field and never the credentials: accepted, the password went wherever the URL goes (the
// evidence, findings, the digest, the signed bundle), and nothing registers it as a secret.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCollectors } from '../collectors/index.js';
import { ConfigError, parseConfigText } from '../src/config/index.js';
import { urlCredentialProblems } from '../src/config/url-credentials.js';
import { cliInProcess } from './helpers/cli-in-process.js';

const PASSWORD = 'hunter2-not-a-real-password';
const env = { GH_BASIC: PASSWORD, GITHUB_TOKEN: 'test-token-not-real' };

function problems(yaml: string): string[] {
  try {
    parseConfigText(yaml, 'test.yaml', builtinCollectors, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
}

const github = (baseUrl: string) => `collectors:\n  github:\n    orgs: [acme]\n    auth: { token: "\${GITHUB_TOKEN}" }\n    baseUrl: "${baseUrl}"\n`;

describe('credentials in a URL of the config', () => {
  it.each([
    ['a password from the environment', 'http://user:${GH_BASIC}@github.example.com/api/v3'],
    ['a user and password written out', 'https://admin:secret@github.example.com/api/v3'],
    ['a token as the user name', 'https://ghp_abcdef@github.example.com/api/v3'],
    ['an empty user with a password', 'https://:secret@github.example.com/api/v3'],
    ['a URL otherwise invalid too (its value is never echoed)', 'ftp://user:${GH_BASIC}@github.example.com'],
  ])('github.baseUrl with %s: one line naming the field', (_, url) => {
    const lines = problems(github(url));
    expect(lines).toEqual([
      'collectors.github.baseUrl: a URL with credentials in it (user:password@) is refused: they would be stored and shown wherever the URL goes. Remove them from the URL and give them where the config asks for credentials (for GitHub: auth.token or a GitHub App)',
    ]);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(lines.join('\n')).not.toContain('secret');
  });

  it('also the Slack webhook: its secret is the URL itself, and it never carries a user or password', () => {
    expect(problems('digest:\n  deliver:\n    slack:\n      webhookUrl: "https://u:p@hooks.slack.com/services/T0/B0/X"\n')).toEqual([
      expect.stringMatching(/^digest\.deliver\.slack\.webhookUrl: a URL with credentials in it \(user:password@\) is refused/),
    ]);
  });

  it('in any field: lists, unknown keys and external collector sections included', () => {
    expect(
      urlCredentialProblems({ a: [{ b: 'https://x:y@h/' }], c: 'https://h/', d: 'mailto:a@b.example', e: 'arn:aws:iam::1:role/a@b', f: 'a@b.example' }),
    ).toEqual([expect.stringMatching(/^a\[0\]\.b: a URL with credentials/)]);
  });

  it('accepts URLs without credentials, and @ elsewhere in a URL', () => {
    expect(problems(github('https://github.example.com/api/v3'))).toEqual([]);
    expect(urlCredentialProblems({ u: 'https://github.example.com/api/v3?login=a@b', v: 'https://h.example/@user' })).toEqual([]);
  });

  it('through the command line: exit 2, one line, the password nowhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-url-credentials-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, github('http://user:${GH_BASIC}@github.example.com/api/v3'));
    const saved = { GH_BASIC: process.env['GH_BASIC'], GITHUB_TOKEN: process.env['GITHUB_TOKEN'] };
    Object.assign(process.env, env);
    try {
      const result = await cliInProcess(['collect', '--config', config, '--db', join(dir, 'evidence.db')]);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n').filter(Boolean)).toEqual([
        expect.stringMatching(/^evidence-agent: config: collectors\.github\.baseUrl: a URL with credentials in it/),
      ]);
      expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
