// Known secret values are removed from any text the agent writes, in every form they travel in.
import { describe, expect, it } from 'vitest';
import { redactDeep, redactSecrets, registerEnvironmentSecrets, registerSecret, registerSecretsOf } from '../src/redaction.js';

describe('redaction of known secret values', () => {
  it('redacts a registered secret as written, JSON-escaped, URL-encoded and in base64', () => {
    const secret = 'test-secret-not-real "quoted"/slash\nline';
    registerSecret(secret);
    const text = [secret, JSON.stringify(secret), encodeURIComponent(secret), Buffer.from(secret).toString('base64')].join(' | ');
    expect(redactSecrets(text)).toBe('[redacted] | "[redacted]" | [redacted] | [redacted]');
  });

  it('takes the secret-named fields of a config, but not a key file path nor a short value', () => {
    registerSecretsOf({
      auth: { token: 'test-secret-not-real-config-token', privateKeyPath: '/run/secrets/app-key-file.pem' },
      digest: { deliver: { slack: { webhookUrl: 'https://hooks.example.com/services/test-secret-not-real-path' } } },
      email: { password: 'short' },
      host: 'smtp.example.com',
    });
    expect(redactSecrets('token test-secret-not-real-config-token to https://hooks.example.com/services/test-secret-not-real-path')).toBe(
      'token [redacted] to [redacted]',
    );
    expect(redactSecrets('/run/secrets/app-key-file.pem smtp.example.com short')).toBe('/run/secrets/app-key-file.pem smtp.example.com short');
  });

  it('takes environment variables named like secrets, and leaves the others', () => {
    registerEnvironmentSecrets({ AWS_SECRET_ACCESS_KEY: 'test-secret-not-real-env-key', HOME: '/home/agent-user-dir' });
    expect(redactSecrets('test-secret-not-real-env-key in /home/agent-user-dir')).toBe('[redacted] in /home/agent-user-dir');
  });

  it('redacts every string of a document, keys and other values untouched', () => {
    registerSecret('test-secret-not-real-deep');
    const document = { error: 'echoed test-secret-not-real-deep', list: ['a', 'x test-secret-not-real-deep'], count: 3, ok: true, none: null };
    expect(redactDeep(document)).toEqual({ error: 'echoed [redacted]', list: ['a', 'x [redacted]'], count: 3, ok: true, none: null });
    expect(document.error).toBe('echoed test-secret-not-real-deep');
  });

  it('hands back the same objects where there was nothing to redact', () => {
    const untouched = { a: { b: ['x', 'y'] } };
    const mixed = { clean: untouched.a, dirty: 'test-secret-not-real-deep' };
    expect(redactDeep(untouched)).toBe(untouched);
    expect(redactDeep(mixed).clean).toBe(untouched.a);
  });

  it('keeps the most recent 256 short-lived credentials, forgetting the oldest; long-lived ones stay', () => {
    registerSecret('test-secret-not-real-long-lived');
    const tokens = Array.from({ length: 300 }, (_, i) => `test-secret-not-real-token-${String(i).padStart(3, '0')}`);
    for (const token of tokens) registerSecret(token, { shortLived: true });
    expect(redactSecrets(tokens[299]!)).toBe('[redacted]');
    expect(redactSecrets(tokens[44]!)).toBe('[redacted]');
    expect(redactSecrets(tokens[43]!)).toBe(tokens[43]);
    expect(redactSecrets('test-secret-not-real-long-lived')).toBe('[redacted]');
  });

  it('leaves bytes as they are (an attested file) while redacting the strings beside them', () => {
    registerSecret('test-secret-not-real-bytes');
    const bytes = Buffer.from('a file that mentions test-secret-not-real-bytes');
    const run = { files: [bytes], note: 'test-secret-not-real-bytes' };
    const redacted = redactDeep(run);
    expect(redacted.files[0]).toBe(bytes);
    expect(redacted.note).toBe('[redacted]');
  });
});
