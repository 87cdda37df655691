// What a secret is (one list of field names, the config's secret values and what was interpolated into
// them, credentials obtained at run time) and its removal, counted, from any text the agent writes.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import { ConfigError } from '../src/config/errors.js';
import { builtinCollectors } from '../collectors/index.js';
import { SECRET_FIELD_NAMES, SecretRegistry, isSecretField, withoutSecretFields } from '../src/redaction.js';

describe('redaction of known secret values', () => {
  it('redacts a registered secret as written, JSON-escaped, URL-encoded and in base64, counting each', () => {
    const secrets = new SecretRegistry();
    const secret = 'test-secret-not-real "quoted"/slash\nline';
    secrets.register(secret);
    const text = [secret, JSON.stringify(secret), encodeURIComponent(secret), Buffer.from(secret).toString('base64')].join(' | ');
    expect(secrets.redactCounting(text)).toEqual({ text: '[redacted] | "[redacted]" | [redacted] | [redacted]', count: 4 });
  });

  it("takes the config's secret-named fields and the environment values interpolated into them, but not a key file path nor a short value", () => {
    const secrets = new SecretRegistry();
    const raw = {
      auth: { token: '${GITHUB_TOKEN}', privateKeyPath: '/run/secrets/app-key-file.pem' },
      digest: { deliver: { slack: { webhookUrl: 'https://hooks.example.com/services/${SLACK_PATH}' } } },
      email: { password: 'short' },
      host: 'smtp.example.com',
    };
    const env = { GITHUB_TOKEN: 'test-secret-not-real-config-token', SLACK_PATH: 'test-secret-not-real-path' };
    const validated = {
      ...raw,
      auth: { ...raw.auth, token: env.GITHUB_TOKEN },
      digest: { deliver: { slack: { webhookUrl: `https://hooks.example.com/services/${env.SLACK_PATH}` } } },
    };
    secrets.registerConfig(raw, validated, env);
    expect(
      secrets.redact(
        'token test-secret-not-real-config-token to https://hooks.example.com/services/test-secret-not-real-path, logged as test-secret-not-real-path',
      ),
    ).toBe('token [redacted] to [redacted], logged as [redacted]');
    expect(secrets.redact('/run/secrets/app-key-file.pem smtp.example.com short')).toBe('/run/secrets/app-key-file.pem smtp.example.com short');
  });

  it('redacts every string of a document, keys and other values untouched, and counts what it replaced', () => {
    const secrets = new SecretRegistry();
    secrets.register('test-secret-not-real-deep');
    const document = { error: 'echoed test-secret-not-real-deep', list: ['a', 'x test-secret-not-real-deep'], count: 3, ok: true, none: null };
    expect(secrets.redactDeep(document)).toEqual({
      value: { error: 'echoed [redacted]', list: ['a', 'x [redacted]'], count: 3, ok: true, none: null },
      count: 2,
    });
    expect(document.error).toBe('echoed test-secret-not-real-deep');
  });

  it('hands back the same objects where there was nothing to redact', () => {
    const secrets = new SecretRegistry();
    secrets.register('test-secret-not-real-deep');
    const untouched = { a: { b: ['x', 'y'] } };
    const mixed = { clean: untouched.a, dirty: 'test-secret-not-real-deep' };
    expect(secrets.redactDeep(untouched)).toEqual({ value: untouched, count: 0 });
    expect(secrets.redactDeep(untouched).value).toBe(untouched);
    expect(secrets.redactDeep(mixed).value.clean).toBe(untouched.a);
  });

  it('keeps the most recent 256 short-lived credentials, forgetting the oldest; long-lived ones stay', () => {
    const secrets = new SecretRegistry();
    secrets.register('test-secret-not-real-long-lived');
    const tokens = Array.from({ length: 300 }, (_, i) => `test-secret-not-real-token-${String(i).padStart(3, '0')}`);
    for (const token of tokens) secrets.register(token, { shortLived: true });
    expect(secrets.redact(tokens[299]!)).toBe('[redacted]');
    expect(secrets.redact(tokens[44]!)).toBe('[redacted]');
    expect(secrets.redact(tokens[43]!)).toBe(tokens[43]);
    expect(secrets.redact('test-secret-not-real-long-lived')).toBe('[redacted]');
  });

  it('leaves bytes as they are (an attested file) while redacting the strings beside them', () => {
    const secrets = new SecretRegistry();
    secrets.register('test-secret-not-real-bytes');
    const bytes = Buffer.from('a file that mentions test-secret-not-real-bytes');
    const { value } = secrets.redactDeep({ files: [bytes], note: 'test-secret-not-real-bytes' });
    expect(value.files[0]).toBe(bytes);
    expect(value.note).toBe('[redacted]');
  });

  it('registers no environment variable the config does not use, however it is named', () => {
    const secrets = new SecretRegistry();
    const env = { EVIDENCE_AGENT_EXTERNAL_ID: '111122223333', GITHUB_TOKEN: 'test-secret-not-real-unused-token' };
    const config = parseConfigText('collectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n', 'agent.yaml', builtinCollectors, env, secrets);
    expect(config.collectors).toBeDefined();
    expect(secrets.redactCounting('arn:aws:iam::111122223333:user/alice test-secret-not-real-unused-token')).toEqual({
      text: 'arn:aws:iam::111122223333:user/alice test-secret-not-real-unused-token',
      count: 0,
    });
  });
});

describe('secret field names: one list', () => {
  it.each([
    ['token', true],
    ['apiToken', true],
    ['sessionToken', true],
    ['secretAccessKey', true],
    ['clientSecret', true],
    ['externalId', true],
    ['sts:ExternalId', true],
    ['webhookUrl', true],
    ['password', true],
    ['smtp_password', true],
    ['privateKey', true],
    ['authorization', true],
    ['privateKeyPath', false],
    ['passwordLastUsed', false],
    ['passwordEnabled', false],
    ['secretScanning', false],
    ['secretSet', false],
    ['tokenScopes', false],
    ['accessKeyId', false],
  ])('%s is secret: %s', (name, secret) => {
    expect(isSecretField(name)).toBe(secret);
  });

  it('guards the log lines, the config digest and the exported evidence alike', () => {
    const document = { user: 'alice', passwordLastUsed: '2026-12-01', webhook: { webhookUrl: 'https://hooks/x', secretSet: true }, externalId: 'x-1' };
    expect(withoutSecretFields(document)).toEqual({
      user: 'alice',
      passwordLastUsed: '2026-12-01',
      webhook: { webhookUrl: '[redacted]', secretSet: true },
      externalId: '[redacted]',
    });
    expect(SECRET_FIELD_NAMES).toContain('webhookUrl');
  });
});

describe('a secret that is also an identifier', () => {
  it('is a config error naming the field: an external id equal to the account id', () => {
    const env = { EXTERNAL_ID: '123456789012' };
    const load = () =>
      parseConfigText(
        'collectors:\n  aws-iam:\n    accounts:\n      - id: "123456789012"\n        roleArn: arn:aws:iam::123456789012:role/reader\n        externalId: ${EXTERNAL_ID}\n',
        'agent.yaml',
        builtinCollectors,
        env,
        new SecretRegistry(),
      );
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (error) {
      expect((error as ConfigError).lines).toEqual([
        'collectors.aws-iam.accounts[0].externalId: holds the same value as collectors.aws-iam.accounts[0].id, an identifier the evidence names: as a secret it would be redacted from every document that names it; use a distinct secret value',
      ]);
    }
  });
});
