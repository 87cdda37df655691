// JSON logs on stderr (stdout is for command output), with secrets redacted wherever they appear.
import { pino } from 'pino';
import { redactSecrets } from './redaction.js';

export type Logger = pino.Logger;

/** Field names whose values never reach a log line, at any depth up to four levels. */
const SECRET_KEYS = ['secretAccessKey', 'sessionToken', 'externalId', 'token', 'privateKey', 'password', 'webhookUrl', 'authorization'];
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'evidence-agent' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // A known secret inside a message or an error text, whatever its field name.
      hooks: { streamWrite: redactSecrets },
    },
    options.destination ?? pino.destination(2),
  );
}

/** For tests and library use: a logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
