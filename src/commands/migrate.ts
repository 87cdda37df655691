// `evidence-agent migrate --from <store> --to <store>`: copies a SQLite store into an empty PostgreSQL
// database (or back) and proves the copy: both verify, the same chain, the same identity.
import { resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import type { GlobalOptions } from '../agent.js';
import { isPostgresUrl, migrateStore } from '../store/index.js';
import { print, printJson } from './print.js';

export interface MigrateOptions extends GlobalOptions {
  from?: string;
  to?: string;
  json?: boolean;
}

export async function migrateCommand(options: MigrateOptions): Promise<number> {
  if (!options.from || !options.to) {
    throw new CliError('migrate: give --from and --to, one a SQLite file and the other a postgres:// URL (its role and password from PGUSER and PGPASSWORD)');
  }
  const location = (value: string) => (isPostgresUrl(value) ? value : resolve(value));
  const result = await migrateStore(location(options.from), location(options.to));
  if (options.json) {
    printJson(result);
    return 0;
  }
  const copied = Object.entries(result.rows)
    .filter(([, n]) => n > 0)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ');
  print(`copied ${result.from} to ${result.to}: ${copied || 'no rows'}`);
  print(`verified: both stores ok, the same ${result.runs} runs, chain head ${result.head ? `sha256:${result.head}` : '(no runs)'}`);
  return 0;
}
