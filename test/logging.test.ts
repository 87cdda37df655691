import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
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
});
