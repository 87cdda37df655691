import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinCollectors } from '../collectors/index.js';
import type { CheckDefinition, Collector } from '../src/collector.js';
import { registryViolations } from '../src/contract.js';
import { loadBuiltinFrameworks } from '../src/mapping/load.js';
import { packageRoot } from '../src/package-root.js';

const root = packageRoot();
const folders = readdirSync(join(root, 'collectors'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
  .map((entry) => entry.name);
const checkIds = new Set(builtinCollectors.flatMap((c) => c.checks.map((check) => check.id)));
const cited = new Set(loadBuiltinFrameworks(checkIds).flatMap((f) => [...f.controlsByCheck.keys()]));

describe('the built-in registry meets the collector contract', () => {
  it('has no violations', () => {
    expect(registryViolations({ registered: builtinCollectors, folders, citedCheckIds: cited })).toEqual([]);
  });

  it.each(folders)('collectors/%s/index.ts exports the registered collector', async (folder) => {
    const url = pathToFileURL(join(root, 'collectors', folder, 'index.ts')).href;
    const module = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
    const registered = builtinCollectors.find((c) => c.id === folder);
    expect(Object.values(module)).toContain(registered);
  });

  it.each(folders)('collectors/%s/README.md documents every check and permission', (folder) => {
    const readme = readFileSync(join(root, 'collectors', folder, 'README.md'), 'utf8');
    const collector = builtinCollectors.find((c) => c.id === folder)!;
    for (const check of collector.checks) expect(readme).toContain(check.id);
    for (const permission of collector.permissions) expect(readme).toContain(permission);
  });
});

describe('the contract test catches each kind of mistake', () => {
  const check = (id: string): CheckDefinition<unknown> => ({
    id,
    title: 'Users have MFA',
    severity: 'high',
    description: 'Every console user has MFA.',
    remediation: 'Enable MFA.',
    resourceTypes: ['x.user'],
    evaluate: () => [],
  });
  const collector = (id: string, checks: CheckDefinition<unknown>[]): Collector<unknown> => ({
    id,
    title: id,
    optionsSchema: z.object({}),
    permissions: ['x:Read'],
    checks,
    defaultSchedule: '0 3 * * *',
    scopes: () => [],
    collect: async () => ({ evidence: [], errors: [] }),
  });
  const good = collector('acme-hr', [check('acme_hr_user_mfa_enabled')]);
  const facts = { registered: [good], folders: ['acme-hr'], citedCheckIds: new Set(['acme_hr_user_mfa_enabled']) };

  it('accepts a well-formed registry', () => {
    expect(registryViolations(facts)).toEqual([]);
  });
  it('fails on an unregistered folder', () => {
    expect(registryViolations({ ...facts, folders: ['acme-hr', 'acme-crm'] })).toEqual(['collectors/acme-crm/ is not registered in collectors/index.ts']);
  });
  it('fails on an id that is not its folder', () => {
    expect(registryViolations({ ...facts, folders: ['acme-people'] })).toEqual([
      'collectors/acme-people/ is not registered in collectors/index.ts',
      'collector id "acme-hr" matches no folder under collectors/',
    ]);
  });
  it('fails on a duplicate check id', () => {
    const twin = collector('acme-hr', [check('acme_hr_user_mfa_enabled'), check('acme_hr_user_mfa_enabled')]);
    expect(registryViolations({ ...facts, registered: [twin] })).toContain('check id "acme_hr_user_mfa_enabled" is defined twice (acme-hr and acme-hr)');
  });
  it('fails on a badly prefixed or badly shaped check id', () => {
    const bad = collector('acme-hr', [check('aws_iam_user_mfa_enabled'), check('MfaCheck')]);
    const cited = new Set(['aws_iam_user_mfa_enabled', 'MfaCheck']);
    expect(registryViolations({ ...facts, registered: [bad], citedCheckIds: cited })).toEqual([
      'check id "aws_iam_user_mfa_enabled" of acme-hr does not start with "acme_hr_"',
      'check id "MfaCheck" of acme-hr is not <provider>_<service>_<resource>_<state> in snake case',
    ]);
  });
  it('fails on a check that no mapping cites', () => {
    expect(registryViolations({ ...facts, citedCheckIds: new Set() })).toEqual([
      'check acme_hr_user_mfa_enabled is cited by no mapping in mappings/: it would evidence nothing',
    ]);
  });
  it('fails on a malformed population or one id offered twice', () => {
    const population = (id: string, columns = [{ name: 'when', description: 'time' }]) => ({
      id,
      title: 'Changes',
      description: 'All changes.',
      eventTypes: ['x.event'],
      method: 'Read from the x API.',
      columns,
      rowOf: () => undefined,
    });
    const offering = { ...good, populations: [population('acme-changes'), population('AcmeChanges', [])] };
    const other = { ...collector('acme-crm', []), checks: [check('acme_crm_user_mfa_enabled')], populations: [population('acme-changes')] };
    const cited = new Set(['acme_hr_user_mfa_enabled', 'acme_crm_user_mfa_enabled']);
    expect(registryViolations({ registered: [offering, other], folders: ['acme-hr', 'acme-crm'], citedCheckIds: cited })).toEqual([
      'population id "AcmeChanges" of acme-hr is not kebab-case',
      'population AcmeChanges has no columns',
      'population id "acme-changes" is defined twice (acme-hr and acme-crm)',
    ]);
  });
});
