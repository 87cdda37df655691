// store.url: a PostgreSQL store chosen in the config, credentials never in it, and the read commands'
// light config reading it too.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCollectors } from '../collectors/index.js';
import { readStorePath } from '../src/agent.js';
import { parseConfigText } from '../src/config/index.js';
import { storeLocation } from '../src/store/index.js';

const parse = (yaml: string, env: NodeJS.ProcessEnv = {}) => parseConfigText(yaml, 'test.yaml', builtinCollectors, env);

describe('store.url', () => {
  it('selects PostgreSQL over store.path, with ${VAR} for where the database is', () => {
    const config = parse('store:\n  url: postgres://${DB_HOST}:5432/evidence?sslmode=verify-full\n', { DB_HOST: 'db.internal' });
    expect(storeLocation(config.store)).toBe('postgres://db.internal:5432/evidence?sslmode=verify-full');
    expect(storeLocation(parse('store:\n  path: ./x.db\n').store)).toBe('./x.db');
  });

  it('refuses credentials in the URL without echoing them, and a URL that is not PostgreSQL', () => {
    expect(() => parse('store:\n  url: postgres://agent:${PW}@db.internal/evidence\n', { PW: 'hunter2' })).toThrow(/store\.url: a URL with credentials in it/);
    try {
      parse('store:\n  url: postgres://agent:${PW}@db.internal/evidence\n', { PW: 'hunter2' });
    } catch (error) {
      expect(String((error as { lines?: string[] }).lines ?? error)).not.toContain('hunter2');
    }
    expect(() => parse('store:\n  url: mysql://db.internal/evidence\n')).toThrow(/store\.url.*expected postgres:\/\/host\[:port\]\/database/);
  });

  it('is the store the read commands read, as written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-store-url-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'store:\n  path: ./ignored.db\n  url: postgres://${DB_HOST}/evidence\n');
    expect(readStorePath({ config: file }, { DB_HOST: 'db.internal' })).toBe('postgres://db.internal/evidence');
    expect(readStorePath({ config: file, db: 'postgres://other/evidence' }, {})).toBe('postgres://other/evidence');
  });
});
