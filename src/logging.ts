// Logs on stderr (stdout is for command output), with secrets redacted wherever they appear. JSON lines
// with level names (`"level":"warn"`) for log collectors; on a terminal, one human line per record
// (pino-pretty). LOG_FORMAT (or --log-format) json|pretty chooses either way.
import { createRequire } from 'node:module';
import { pino } from 'pino';
import type { PrettyOptions } from 'pino-pretty';
import { CliError } from './cli-error.js';
import { agentSecrets, withoutSecretFields } from './redaction.js';
import type { SecretRegistry } from './redaction.js';

export type Logger = pino.Logger;
export type LogFormat = 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** The flag, else LOG_FORMAT, else human lines when stderr is a terminal and JSON when it is not. */
export function logFormat(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, stderrIsTty = process.stderr.isTTY === true): LogFormat {
  const chosen = flag ?? (env.LOG_FORMAT || undefined);
  if (chosen === undefined) return stderrIsTty ? 'pretty' : 'json';
  if (!(LOG_FORMATS as readonly string[]).includes(chosen)) {
    throw new CliError(`${flag === undefined ? 'LOG_FORMAT' : '--log-format'}: expected json or pretty, got "${chosen}"`);
  }
  return chosen as LogFormat;
}

// pino-pretty is loaded only when a terminal reads the logs.
const require = createRequire(import.meta.url);

export function createLogger(options: { level?: string; destination?: pino.DestinationStream; secrets?: SecretRegistry; format?: LogFormat } = {}): Logger {
  const secrets = options.secrets ?? agentSecrets;
  const format = options.format ?? (options.destination ? 'json' : logFormat(undefined));
  const destination =
    format === 'pretty'
      ? (require('pino-pretty') as (options: PrettyOptions) => pino.DestinationStream)({
          destination: options.destination ?? 2,
          sync: true,
          colorize: !options.destination && process.stderr.isTTY === true && !process.env.NO_COLOR,
          singleLine: true,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'service,pid,hostname',
        })
      : (options.destination ?? pino.destination(2));
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'evidence-agent' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        // "warn", not 40: what log collectors and people search for.
        level: (label) => ({ level: label }),
        // Secret-named fields at any depth (src/redaction.ts has the one list of names)...
        log: (object) => withoutSecretFields(object),
      },
      // ...and a known secret inside a message or an error text, whatever its field name.
      hooks: { streamWrite: (line) => secrets.redact(line) },
    },
    destination,
  );
}

/** For tests and library use: a logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
