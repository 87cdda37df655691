// Principals are the evidence types collectors declare (`principalTypes`), not a list written in the core:
// a collector module the config names that declares one gets its documents into the principals added or
// removed between snapshots (the sampled population and the export's CSV), and the built-in collectors
// give the population the description they always had.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig, setupOf } from '../src/agent.js';
import { exportBundle } from '../src/bundle/export.js';
import { generateSigningKey, loadPrivateKey } from '../src/bundle/signing.js';
import { sampleablePopulations } from '../src/sampling/populations.js';
import { openStore } from '../src/store/index.js';
import { okOutcome, runStart, tempDbPath } from './helpers/store-fixtures.js';

/** A module whose hr.person documents are principals (people employed), as it declares. */
const HR_PEOPLE = `
export default ({ z, evidenceOf, finding }) => ({
  id: 'hr-people',
  title: 'HR people (test)',
  optionsSchema: z.strictObject({}),
  permissions: ['read the HR export'],
  defaultSchedule: '0 4 * * *',
  checks: [{
    id: 'hr_people_person_listed',
    title: 'Every person is listed',
    severity: 'low',
    description: 'Each person in the HR export is listed.',
    remediation: 'None.',
    resourceTypes: ['hr.person'],
    evaluate: (view) => evidenceOf(view, 'hr.person').map((p) => finding(p, 'pass', \`\${p.resourceId} is listed\`)),
  }],
  principalTypes: ['hr.person'],
  scopes: () => [{ key: 'people', settings: {} }],
  collect: async () => ({ evidence: [], errors: [] }),
});
`;

const person = (email: string) => ({ type: 'hr.person', resourceId: email, schemaVersion: 1, data: { email } });

/** A config naming the module, in a fresh directory. */
async function loadedWithModule() {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-principals-'));
  mkdirSync(join(dir, 'collectors'));
  writeFileSync(join(dir, 'collectors', 'hr-people.mjs'), HR_PEOPLE);
  writeFileSync(join(dir, 'config.yaml'), 'collectors:\n  hr-people:\n    module: ./collectors/hr-people.mjs\n');
  return { dir, loaded: await loadAgentConfig({ config: join(dir, 'config.yaml') }, {}) };
}

/** Two snapshots of the module's stream: ana leaves, cy joins. */
async function twoSnapshots(path: string): Promise<void> {
  const store = openStore(path);
  try {
    const snapshot = async (at: string, people: string[]) => {
      const intent = await store.startRun(runStart(new Date(at), { collector: 'hr-people', scope: 'people' }));
      await store.finishRun(intent, okOutcome(new Date(at), people.map(person)));
    };
    await snapshot('2026-01-01T06:00:00Z', ['ana@acme.example', 'bo@acme.example']);
    await snapshot('2026-01-02T06:00:00Z', ['bo@acme.example', 'cy@acme.example']);
  } finally {
    await store.close();
  }
}

describe('principal types come from the collectors', () => {
  it("counts a loaded module's declared principal type in the principals added or removed", async () => {
    const { loaded } = await loadedWithModule();
    const population = sampleablePopulations(loaded.collectors, new Set()).find((p) => p.id === 'principals-added-removed')!;
    const path = tempDbPath();
    await twoSnapshots(path);
    const store = openStore(path, { readonly: true });
    try {
      const report = await population.build(store, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-03T00:00:00Z'));
      expect(report.rows.map((r) => [r['collector'], r['change'], r['type'], r['resourceId']])).toEqual([
        ['hr-people', 'removed', 'hr.person', 'ana@acme.example'],
        ['hr-people', 'added', 'hr.person', 'cy@acme.example'],
      ]);
      expect(population.description).toMatch(
        /^Every aws\.iam\.user, aws\.iam\.role, aws\.iam\.group, github\.member, github\.outside-collaborator, hr\.person document/,
      );
    } finally {
      await store.close();
    }
  });

  it("lists a loaded module's principals in the export's principals-added-removed.csv", async () => {
    const { dir, loaded } = await loadedWithModule();
    const path = tempDbPath();
    await twoSnapshots(path);
    const store = openStore(path, { readonly: true });
    try {
      await exportBundle(store, {
        from: '2026-01-01',
        to: '2026-01-02',
        timeZone: 'UTC',
        frameworks: setupOf(loaded).frameworks,
        collectors: loaded.collectors,
        cadenceDays: () => 1,
        signingKey: loadPrivateKey(generateSigningKey().privateKey, 'test key'),
        agentVersion: '0.0.0-test',
        out: join(dir, 'bundle'),
      });
    } finally {
      await store.close();
    }
    const csv = readFileSync(join(dir, 'bundle', 'populations', 'principals-added-removed.csv'), 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(csv.slice(1).map((line) => line.split(',').slice(1, 6))).toEqual([
      ['hr-people', '2026-01-02T06:00:00.000Z', 'removed', 'hr.person', 'ana@acme.example'],
      ['hr-people', '2026-01-02T06:00:00.000Z', 'added', 'hr.person', 'cy@acme.example'],
    ]);
  });

  it('describes the built-in principal types in the order they were always listed', () => {
    const population = sampleablePopulations(setupOf(undefined).collectors, new Set()).find((p) => p.id === 'principals-added-removed')!;
    expect(population.description).toMatch(
      /^Every aws\.iam\.user, aws\.iam\.role, aws\.iam\.group, github\.member, github\.outside-collaborator document that appears/,
    );
  });
});
