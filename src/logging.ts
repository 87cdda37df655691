// JSON logs on stderr (stdout is for command output), with secrets redacted wherever they appear.
import { pino } from 'pino';
import { agentSecrets, withoutSecretFields } from './redaction.js';
import type { SecretRegistry } from './redaction.js';

export type Logger = pino.Logger;

export function createLogger(options: { level?: string; destination?: pino.DestinationStream; secrets?: SecretRegistry } = {}): Logger {
  const secrets = options.secrets ?? agentSecrets;
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'evidence-agent' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secret-named fields at any depth (src/redaction.ts has the one list of names)...
      formatters: { log: (object) => withoutSecretFields(object) },
      // ...and a known secret inside a message or an error text, whatever its field name.
      hooks: { streamWrite: (line) => secrets.redact(line) },
    },
    options.destination ?? pino.destination(2),
  );
}

/** For tests and library use: a logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
