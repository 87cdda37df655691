// JSON logs on stderr (stdout is for command output), with secrets redacted wherever they appear.
import { pino } from 'pino';

export type Logger = pino.Logger;

/** Field names whose values never reach a log line. */
export const REDACTED_PATHS = [
  '*.secretAccessKey',
  '*.sessionToken',
  '*.externalId',
  '*.token',
  '*.privateKey',
  '*.password',
  '*.webhookUrl',
  '*.authorization',
  '*.headers.authorization',
  'secretAccessKey',
  'sessionToken',
  'externalId',
  'token',
  'password',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'evidence-agent' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination(2),
  );
}

/** For tests and library use: a logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
