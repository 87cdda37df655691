import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFormat } from '../src/logging.js';
import { SecretRegistry } from '../src/redaction.js';

function capture(format?: 'json' | 'pretty', secrets?: SecretRegistry) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination, ...(format ? { format } : {}), ...(secrets ? { secrets } : {}) }) };
}

describe('logs', () => {
  it('are JSON lines with secrets redacted wherever they appear', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        account: { id: '111122223333', externalId: 'ext-very-secret', roleArn: 'arn:aws:iam::111122223333:role/r' },
        credentials: { accessKeyId: 'FAKEKEYID', secretAccessKey: 'fake-secret', sessionToken: 'fake-session' },
        auth: { token: 'fake-token' },
      },
      'assuming role',
    );
    const entry = JSON.parse(lines[0]!) as Record<string, Record<string, string>>;
    expect(entry.msg).toBe('assuming role');
    expect(entry.account).toEqual({
      id: '111122223333',
      externalId: '[redacted]',
      roleArn: 'arn:aws:iam::111122223333:role/r',
    });
    expect(entry.credentials!.secretAccessKey).toBe('[redacted]');
    expect(entry.credentials!.sessionToken).toBe('[redacted]');
    expect(entry.auth!.token).toBe('[redacted]');
    expect(lines[0]).not.toMatch(/ext-very-secret|fake-secret|fake-session|fake-token/);
  });

  it('redact secrets nested several levels deep', () => {
    const { lines, logger } = capture();
    logger.warn({
      clientEnvironment: { aws: { credentials: { secretAccessKey: 'deep-secret' } } },
      accounts: { production: { externalId: 'deep-external-id' } },
    });
    expect(lines[0]).toContain('[redacted]');
    expect(lines[0]).not.toMatch(/deep-secret|deep-external-id/);
  });

  it('name their level ("warn", not 40)', () => {
    const { lines, logger } = capture();
    logger.warn('w');
    logger.info('i');
    expect(lines.map((l) => (JSON.parse(l) as { level: unknown }).level)).toEqual(['warn', 'info']);
  });

  it('on a terminal are one human line per record, secrets redacted the same', () => {
    const secrets = new SecretRegistry();
    secrets.register('sk-known-secret-value');
    const { lines, logger } = capture('pretty', secrets);
    logger.warn(
      { accountId: '111122223333', errors: 3, credentials: { secretAccessKey: 'fake-secret' } },
      'aws-iam: some resources could not be read (sk-known-secret-value)',
    );
    const text = lines.join('');
    expect(text).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\] WARN: aws-iam: some resources could not be read \(\[redacted\]\) \{"accountId":"111122223333","errors":3,"credentials":\{"secretAccessKey":"\[redacted\]"\}\}\n$/,
    );
    expect(text).not.toMatch(/fake-secret|sk-known-secret-value|"level"|service/);
  });
});

describe('the log format', () => {
  it('is human on a terminal and JSON into a pipe or file; LOG_FORMAT or the flag choose either way', () => {
    expect(logFormat(undefined, {}, true)).toBe('pretty');
    expect(logFormat(undefined, {}, false)).toBe('json');
    expect(logFormat(undefined, { LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat('pretty', { LOG_FORMAT: 'json' }, false)).toBe('pretty');
    expect(() => logFormat(undefined, { LOG_FORMAT: 'xml' }, false)).toThrow('LOG_FORMAT: expected json or pretty, got "xml"');
  });
});
