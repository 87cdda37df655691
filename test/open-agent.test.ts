// openAgent reads the config when it is called and builds the rest on first use, so a command that
// assembles through it keeps the order of its errors: its own usage errors before the frameworks' or the
// store's, as when each command assembled itself.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAgent } from '../src/agent.js';
import { collectCommand } from '../src/commands/collect.js';
import { findingsCommand } from '../src/commands/findings.js';

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'evidence-agent-open-agent-')), 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('openAgent', () => {
  it('finds the store when it is first asked for: a read command names a bad --framework before a store.path it cannot resolve', async () => {
    const config = configFile('store:\n  path: ${EVIDENCE_AGENT_TEST_UNSET_STORE}\n');
    const agent = await openAgent({ config }, 'read', {});
    expect(() => agent.storePath).toThrow(/EVIDENCE_AGENT_TEST_UNSET_STORE/);
    await expect(findingsCommand({ config, framework: 'nosuch' })).rejects.toThrow('--framework: unknown framework "nosuch"');
  });

  it('loads the control sets when the frameworks are first asked for: collect names an unknown --collector first', async () => {
    const config = configFile('controlSets: [missing-control-set.yaml]\ncollectors: {}\n');
    const agent = await openAgent({ config }, 'collect', {});
    expect(() => agent.frameworks).toThrow(/missing-control-set\.yaml/);
    await expect(collectCommand({ config, collector: 'nosuch' })).rejects.toThrow('--collector: unknown collector "nosuch"');
  });

  it('reads only the store section in store mode (runs): a config the other commands refuse still names the store', async () => {
    const config = configFile('store:\n  path: ./evidence-from-config.db\ncollectors:\n  nosuch: {}\n');
    await expect(openAgent({ config }, 'read', {})).rejects.toThrow(/nosuch/);
    const agent = await openAgent({ config }, 'store', {});
    expect(agent.storePath).toBe(resolve('./evidence-from-config.db'));
    expect(agent.loaded).toBeUndefined();
  });
});
