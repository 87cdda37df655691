// The period bundle: built from a store written day by day with a fake clock, it is byte-identical when
// exported twice, passes `sha256sum -c` (the system tool) and `verify`, and fails verification after a
// byte of any file changes, after a file is removed, or against the wrong public key. Its CSV files are
// valid RFC 4180 and its assessment-results.json is valid OSCAL 1.1.
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listFiles, unpackArchive } from '../src/bundle/archive.js';
import { exportBundle } from '../src/bundle/export.js';
import { buildPopulation } from '../src/reports/population.js';
import { fingerprint, generateSigningKey, loadPrivateKey } from '../src/bundle/signing.js';
import { verifyBundle } from '../src/bundle/verify-bundle.js';
import type { CheckDefinition, CollectResult, Collector, PopulationDefinition } from '../src/collector.js';
import type { Framework } from '../src/mapping/load.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/types.js';
import { historyDay as day, mfaCheck, runOnDay } from './helpers/period-history.js';
import { tempDbPath } from './helpers/store-fixtures.js';

type Options = { timeoutSeconds: number };
const DAY = 86_400_000;

const mfa = mfaCheck((id, enabled) => `=${id} MFA ${enabled}, "quoted", comma`);
/** Passes every user: a control evidenced by it is never failing, only not evidenced when a run fails. */
const listed: CheckDefinition<Options> = {
  id: 'test_hr_user_listed',
  title: 'Users are listed',
  severity: 'low',
  description: 'Every user is in the HR list.',
  remediation: 'List the user.',
  resourceTypes: ['test.user'],
  evaluate: (view) =>
    view.all('test.user').map((item) => ({ resourceType: item.type, resourceId: item.resourceId, status: 'pass', message: `${item.resourceId} is listed` })),
};

const changes: PopulationDefinition = {
  id: 'test-changes',
  title: 'Test changes',
  description: 'Every change.',
  eventTypes: ['test.change'],
  columns: [
    { name: 'when', description: 'time' },
    { name: 'who', description: 'actor' },
  ],
  fileName: 'changes.csv',
  method: 'Stored test changes.',
  rowOf: (event) => ({ when: event.occurredAt, who: String((event.data as { who: string }).who) }),
};

const collector: Collector<Options> = {
  id: 'test-hr',
  title: 'Test HR',
  optionsSchema: z.object({ timeoutSeconds: z.number() }),
  permissions: ['hr:Read'],
  checks: [mfa, listed],
  populations: [changes],
  // Its github.member documents are principals: their changes are the bundle's principals-added-removed.csv.
  principalTypes: ['github.member'],
  defaultSchedule: '0 6 * * *',
  scopes: () => [{ key: 'org-1', settings: {} }],
  collect: async (ctx): Promise<CollectResult> => {
    const n = Math.round((ctx.now().getTime() - day(0).getTime()) / DAY);
    if (n === 4) throw new Error('HR API unreachable');
    return {
      evidence: [
        { type: 'test.user', resourceId: 'alice', schemaVersion: 1, data: { mfa: n < 2 || n > 6, password: 'never-exported' } },
        { type: 'test.user', resourceId: 'bob', schemaVersion: 1, data: { mfa: true } },
        ...(n <= 6 ? [{ type: 'github.member', resourceId: 'org-1/dave', schemaVersion: 1, data: { login: 'dave' } }] : []),
        ...(n >= 3 ? [{ type: 'github.member', resourceId: 'org-1/erin', schemaVersion: 1, data: { login: 'erin' } }] : []),
      ],
      errors: [],
      events: [
        {
          type: 'test.change',
          eventId: `c${n}`,
          occurredAt: new Date(ctx.now().getTime() - 3_600_000).toISOString(),
          partition: 'log',
          schemaVersion: 1,
          // Day 2's change carries a secret-named field: the bundle shows it redacted, keyed as `population` keys it.
          data: { who: `@user${n}`, ...(n === 2 ? { sessionToken: 'never-exported-token' } : {}) },
        },
      ],
      windows: [
        { partition: 'log', from: ctx.watermarks['log'] ?? new Date(ctx.now().getTime() - DAY).toISOString(), to: ctx.now().toISOString(), complete: true },
      ],
    };
  },
};

const framework = {
  id: 'test',
  title: 'Test framework',
  version: '1.0.0',
  file: 'test.yaml',
  controls: [
    { id: 'AC-1', title: 'MFA everywhere', group: 'Access' },
    { id: 'AC-2', title: 'Every user known to HR', group: 'Access' },
    { id: 'GOV-1', title: 'Board oversight', group: 'Governance' },
  ],
  mappings: [],
  controlsByCheck: new Map(),
  checksByControl: new Map([
    ['AC-1', ['test_hr_user_mfa_enabled']],
    ['AC-2', ['test_hr_user_listed']],
    ['GOV-1', []],
  ]),
} as unknown as Framework;

const keys = generateSigningKey();
/** The verifier's trust in the genuine signer, as `verify --public-key` gives it. */
const trusted = [{ fingerprint: fingerprint(keys.publicKey), source: '--public-key genuine.pub', publicKey: keys.publicKey }];
let store: EvidenceStore;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-agent-export-'));
  store = openStore(tempDbPath());
  for (let n = 0; n < 10; n++) {
    await runOnDay(store, collector, n, {
      exceptions: {
        source: 'exceptions.yaml',
        exceptions: [
          {
            id: 'RISK-7',
            check: 'test_hr_user_mfa_enabled',
            resource: 'alice',
            reason: 'On leave, disabled at the IdP.',
            approver: 'ciso',
            approved: '2026-01-03',
            expires: '2026-01-05',
          },
        ],
      },
    });
  }
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const OSCAL_SCHEMA = 'test/fixtures/oscal/oscal_assessment-results_schema.json';
/** The NIST OSCAL 1.1 assessment-results JSON schema, compiled. */
function oscalSchema() {
  expect(existsSync(OSCAL_SCHEMA)).toBe(true);
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its default export is the plugin function at run time.
  (addFormatsModule as unknown as (ajv: Ajv) => void)(ajv);
  return ajv.compile(JSON.parse(readFileSync(OSCAL_SCHEMA, 'utf8')) as object);
}

const exportTo = (out: string, signingKey = keys.privateKey, from: EvidenceStore = store, organization?: string) =>
  exportBundle(from, {
    from: '2026-01-01',
    to: '2026-01-10',
    timeZone: 'UTC',
    frameworks: [framework],
    collectors: [collector],
    cadenceDays: () => 1,
    signingKey: loadPrivateKey(signingKey, 'test key'),
    agentVersion: '0.0.0-test',
    out,
    organization,
  });

describe('export bundle', () => {
  it('is byte-identical when exported twice, and checks out with sha256sum -c and verify', async () => {
    const a = join(dir, 'a.tar.gz');
    const b = join(dir, 'b.tar.gz');
    const result = await exportTo(a);
    await exportTo(b);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(result).toMatchObject({ runs: 10, fingerprint: fingerprint(keys.publicKey) });
    expect(result.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);

    const unpacked = join(dir, 'unpacked');
    mkdirSync(unpacked);
    await unpackArchive(a, unpacked);
    const check = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: unpacked, encoding: 'utf8' });
    expect(
      check
        .trim()
        .split('\n')
        .every((line) => line.endsWith(': OK')),
    ).toBe(true);
    expect(await verifyBundle(a, trusted)).toMatchObject({ ok: true, problems: [], runs: 10 });
    expect(await verifyBundle(unpacked, [{ fingerprint: result.fingerprint, source: '--fingerprint' }])).toMatchObject({
      ok: true,
      signer: { fingerprint: result.fingerprint, trustedBy: '--fingerprint' },
    });
    // Intact, but nothing vouches for the key that signed it.
    expect(await verifyBundle(a)).toMatchObject({
      ok: false,
      intact: true,
      trusted: false,
      problems: [`manifest.sig: signed by ${result.fingerprint}, which is not a trusted key; pass --public-key or --fingerprint`],
    });

    const files = listFiles(unpacked);
    expect(files).toEqual(
      expect.arrayContaining([
        'SHA256SUMS',
        'assessment-results.json',
        'controls/test/AC-1/findings.csv',
        'coverage.csv',
        'evidence-index.csv',
        'exceptions.csv',
        'index.html',
        'manifest.json',
        'manifest.sig',
        'populations/README.md',
        'populations/changes.csv',
        'public-key.pem',
        'runs.csv',
        'runs.jsonl',
      ]),
    );
    const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as {
      period: unknown;
      chain: { runs: number };
      files: { path: string }[];
    };
    expect(manifest.period).toMatchObject({ from: '2026-01-01', to: '2026-01-10', timeZone: 'UTC' });
    expect(manifest.chain.runs).toBe(10);
    expect(manifest.files.map((f) => f.path)).not.toContain('manifest.json');
    // The evidence was redacted of secret-named fields.
    expect(
      files
        .filter((f) => f.startsWith('evidence/'))
        .map((f) => readFileSync(join(unpacked, f), 'utf8'))
        .join(''),
    ).not.toContain('never-exported');
  });

  it('fails verification after one byte of any file changes, a file is removed, or with the wrong key', async () => {
    const base = join(dir, 'base');
    await exportTo(base);
    const copy = (name: string) => {
      const target = join(dir, name);
      execFileSync('cp', ['-r', base, target]);
      return target;
    };
    for (const file of [
      'coverage.csv',
      'manifest.json',
      'runs.jsonl',
      listFiles(base).find((f) => f.startsWith('evidence/'))!,
      'public-key.pem',
      'manifest.sig',
    ]) {
      const tampered = copy(`tampered-${file.replaceAll('/', '_')}`);
      const bytes = readFileSync(join(tampered, file));
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      writeFileSync(join(tampered, file), bytes);
      const report = await verifyBundle(tampered, trusted);
      expect(report.ok, file).toBe(false);
      expect(report.problems[0], file).toContain(file === 'public-key.pem' || file === 'manifest.sig' ? '' : file);
    }
    const removed = copy('removed');
    unlinkSync(join(removed, 'populations/changes.csv'));
    expect((await verifyBundle(removed, trusted)).problems).toContain('populations/changes.csv: listed in SHA256SUMS but missing');

    const other = generateSigningKey();
    const otherKey = { fingerprint: fingerprint(other.publicKey), source: '--public-key other.pub', publicKey: other.publicKey };
    const wrongKey = await verifyBundle(base, [otherKey]);
    expect(wrongKey).toMatchObject({ ok: false, intact: true, trusted: false });
    expect(wrongKey.problems).toEqual([
      `manifest.sig: signed by ${fingerprint(keys.publicKey)}, which is not a trusted key; pass --public-key or --fingerprint (trusted here: ${otherKey.fingerprint} from --public-key other.pub)`,
    ]);
    // A bundle signed by someone else is intact under its own bundled key, and trusted only by whoever trusts that key.
    const forged = join(dir, 'forged');
    await exportTo(forged, other.privateKey);
    expect(await verifyBundle(forged)).toMatchObject({ ok: false, intact: true, trusted: false });
    expect((await verifyBundle(forged, trusted)).ok).toBe(false);
    expect((await verifyBundle(forged, [otherKey])).ok).toBe(true);
    expect(createPublicKey(readFileSync(join(forged, 'public-key.pem'))).asymmetricKeyType).toBe('ed25519');
  });

  it('writes CSV files that parse as strict RFC 4180, with the day states and populations in them', async () => {
    const out = join(dir, 'csv');
    await exportTo(out);
    for (const file of listFiles(out).filter((f) => f.endsWith('.csv'))) {
      const text = readFileSync(join(out, file), 'utf8');
      const rows = parse(text, { relax_quotes: false, relax_column_count: false, skip_empty_lines: false }) as string[][];
      expect(rows.length, file).toBeGreaterThan(1);
    }
    const coverage = parse(readFileSync(join(out, 'coverage.csv')), { columns: true }) as Record<string, string>[];
    const ac1 = coverage.filter((r) => r['control'] === 'AC-1').map((r) => r['state']);
    // The exception expires on 2026-01-05, the day the collector failed: from 01-06 alice fails again.
    expect(ac1).toEqual(['evidenced', 'evidenced', 'excepted', 'excepted', 'not_evidenced', 'failing', 'failing', 'evidenced', 'evidenced', 'evidenced']);
    expect(coverage.find((r) => r['control'] === 'GOV-1')?.['state']).toBe('manual');
    const findings = parse(readFileSync(join(out, 'controls/test/AC-1/findings.csv')), { columns: true }) as Record<string, string>[];
    // A snapshot's finding keeps the snapshot's time.
    expect(findings.find((r) => r['day'] === '2026-01-04' && r['resourceId'] === 'alice')).toMatchObject({
      status: 'fail',
      exception: 'RISK-7',
      observedAt: '2026-01-04T06:00:00.000Z',
      review: '',
    });
    // A cell a spreadsheet would run as a formula is defused.
    expect(findings[0]!['message']!.startsWith("'=")).toBe(true);
    const population = parse(readFileSync(join(out, 'populations/changes.csv')), { columns: true }) as Record<string, string>[];
    expect(population).toHaveLength(9);
    expect(population[0]).toEqual({ scope: 'org-1', when: '2026-01-01T05:00:00.000Z', who: "'@user0", sourceSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The source record of every row is in the bundle, named by its SHA-256.
    for (const row of population)
      expect(JSON.parse(readFileSync(join(out, 'sources', `${row['sourceSha256']}.json`), 'utf8'))).toMatchObject({
        type: 'test.change',
        data: { who: row['who']!.replace(/^'/, '') },
      });
    // The rows are keyed as `population` and `sample` key them (the record as shown, secret-named fields
    // replaced), so the bundle's population reproduces a sample drawn from the store.
    const listed = await buildPopulation(store, collector.id, changes, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-11T00:00:00Z'));
    expect(population.map((r) => [r['when'], r['sourceSha256']])).toEqual(listed.rows.map((r) => [r['when'], r['sourceSha256']]));
    const redacted = population.find((r) => r['who'] === "'@user2")!;
    expect(readFileSync(join(out, 'sources', `${redacted['sourceSha256']}.json`), 'utf8')).toContain('"sessionToken":"[redacted]"');
    expect(readFileSync(join(out, 'populations/README.md'), 'utf8')).toContain('Rows: 9.');
    const principals = parse(readFileSync(join(out, 'populations/principals-added-removed.csv')), { columns: true }) as Record<string, string>[];
    expect(principals.map((r) => [r['observedAt'], r['change'], r['resourceId'], r['previousSnapshotAt']])).toEqual([
      // erin appears in day 3's snapshot (2026-01-04), dave is gone from day 7's (2026-01-08).
      ['2026-01-04T06:00:00.000Z', 'added', 'org-1/erin', '2026-01-03T06:00:00.000Z'],
      ['2026-01-08T06:00:00.000Z', 'removed', 'org-1/dave', '2026-01-07T06:00:00.000Z'],
    ]);
    const exceptions = parse(readFileSync(join(out, 'exceptions.csv')), { columns: true }) as Record<string, string>[];
    expect(exceptions).toEqual([expect.objectContaining({ id: 'RISK-7', firstSeen: '2026-01-01T06:00:00.000Z', lastSeen: '2026-01-10T06:00:00.000Z' })]);
  });

  it('writes assessment-results.json that validates against the OSCAL 1.1 schema', async () => {
    const out = join(dir, 'oscal');
    await exportTo(out);
    const validate = oscalSchema();
    const document = JSON.parse(readFileSync(join(out, 'assessment-results.json'), 'utf8')) as {
      'assessment-results': { results: { observations: unknown[]; findings: { target: { status: { state: string } } }[] }[] };
    };
    const valid = validate(document);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const [result] = document['assessment-results'].results;
    expect(result!.observations).toHaveLength(9);
    expect(result!.findings.map((f) => f.target.status.state)).toEqual(['not-satisfied', 'not-satisfied']);
  });

  it('refuses a period without runs and an existing output', async () => {
    await expect(
      exportBundle(store, {
        from: '2027-01-01',
        to: '2027-01-02',
        timeZone: 'UTC',
        frameworks: [framework],
        collectors: [collector],
        cadenceDays: () => 1,
        signingKey: loadPrivateKey(keys.privateKey, 'k'),
        agentVersion: 't',
        out: join(dir, 'none'),
      }),
    ).rejects.toThrow(/no run started between 2027-01-01 and 2027-01-02/);
    const existing = join(dir, 'existing.tar.gz');
    writeFileSync(existing, '');
    await expect(exportTo(existing)).rejects.toThrow(/already exists/);
  });

  // Finding 6: the content an assessor's tooling reads, beyond the schema.
  describe('OSCAL content', () => {
    interface Oscal {
      'assessment-results': {
        uuid: string;
        metadata: {
          'last-modified': string;
          parties: { uuid: string; type: string; name: string }[];
          'responsible-parties': { 'role-id': string; 'party-uuids': string[] }[];
        };
        'import-ap': { href: string };
        results: {
          uuid: string;
          'local-definitions': { 'inventory-items': { uuid: string }[] };
          'reviewed-controls': { 'control-selections': { 'include-all'?: object; 'exclude-controls'?: { 'control-id': string }[] }[] };
          observations: { uuid: string; subjects: { 'subject-uuid': string; type: string }[] }[];
          findings: {
            uuid: string;
            title: string;
            target: { 'target-id': string; status: { state: string; reason: string } };
            'related-observations': { 'observation-uuid': string }[];
          }[];
        }[];
        'back-matter': { resources: { uuid: string; description: string; props: { name: string; value: string }[] }[] };
      };
    }
    const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'assessment-results.json'), 'utf8')) as Oscal;
    const uuids = (document: Oscal) => {
      const ar = document['assessment-results'];
      return { document: ar.uuid, result: ar.results[0]!.uuid, plan: ar['import-ap'].href, findings: ar.results[0]!.findings.map((f) => f.uuid) };
    };
    async function storeOfTenDays(): Promise<EvidenceStore> {
      const other = openStore(tempDbPath());
      for (let n = 0; n < 10; n++) await runOnDay(other, collector, n);
      return other;
    }

    it('imports a plan that resolves, names the organization and the tool, and dates itself by the store', async () => {
      const out = join(dir, 'oscal-content');
      await exportTo(out, keys.privateKey, store, 'Acme Corp');
      const validate = oscalSchema();
      validate(read(out));
      expect(validate.errors ?? []).toEqual([]);
      const ar = read(out)['assessment-results'];
      const plan = ar['back-matter'].resources.find((r) => `#${r.uuid}` === ar['import-ap'].href);
      expect(plan, 'import-ap names a back-matter resource').toBeDefined();
      expect(plan!.description).toContain('Period 2026-01-01 to 2026-01-10 in UTC');
      expect(plan!.description).toContain('test (Test framework, version 1.0.0)');
      expect(plan!.props).toEqual(
        expect.arrayContaining([
          { name: 'period-start', ns: expect.any(String), value: '2026-01-01T00:00:00.000Z' },
          { name: 'framework', ns: expect.any(String), value: 'test 1.0.0' },
          { name: 'mapping-version', ns: expect.any(String), value: 'test' },
        ]),
      );
      const organization = ar.metadata.parties.find((p) => p.name === 'Acme Corp')!;
      const tool = ar.metadata.parties.find((p) => p.name === 'evidence-agent')!;
      expect(organization.type).toBe('organization');
      expect(ar.metadata['responsible-parties']).toEqual([
        { 'role-id': 'prepared-for', 'party-uuids': [organization.uuid] },
        { 'role-id': 'prepared-by', 'party-uuids': [tool.uuid] },
      ]);
      // The end of the last run exported (day 9 at 06:00 plus the run), not the end of the period (2026-01-11T00:00Z).
      const lastRun = (await store.listRuns({ to: new Date('2026-01-11T00:00:00Z') })).at(-1)!;
      expect(ar.metadata['last-modified']).toBe(lastRun.finishedAt);
    });

    it('tells a failure from a gap, lists manual controls as not assessed, and links findings to observations and subjects', async () => {
      const out = join(dir, 'oscal-links');
      await exportTo(out);
      const [result] = read(out)['assessment-results'].results;
      const byControl = new Map(result!.findings.map((f) => [f.target['target-id'], f]));
      // AC-1 failed on some days; AC-2 never failed but was not evidenced on the day the collector failed.
      expect(byControl.get('ac-1')!.target.status).toEqual({ state: 'not-satisfied', reason: 'fail' });
      expect(byControl.get('ac-2')!.target.status).toMatchObject({
        state: 'not-satisfied',
        reason: 'other',
        remarks: expect.stringMatching(/^Not evidenced on 1 of 10 days/),
      });
      expect(byControl.has('gov-1')).toBe(false);
      expect(result!['reviewed-controls']['control-selections']).toEqual([
        expect.objectContaining({ 'include-all': {}, 'exclude-controls': [{ 'control-id': 'gov-1' }] }),
      ]);
      const observations = new Set(result!.observations.map((o) => o.uuid));
      const items = new Set(result!['local-definitions']['inventory-items'].map((i) => i.uuid));
      for (const finding of result!.findings) {
        expect(finding['related-observations'], finding.title).toHaveLength(9);
        for (const related of finding['related-observations']) expect(observations.has(related['observation-uuid'])).toBe(true);
      }
      for (const observation of result!.observations) {
        expect(observation.subjects).toEqual([expect.objectContaining({ type: 'inventory-item' })]);
        expect(items.has(observation.subjects[0]!['subject-uuid'])).toBe(true);
      }
    });

    it('has UUIDs unique to the store and stable for the period when more runs are added', async () => {
      const first = await storeOfTenDays();
      const second = await storeOfTenDays();
      try {
        await exportTo(join(dir, 'uuid-a'), keys.privateKey, first);
        await exportTo(join(dir, 'uuid-b'), keys.privateKey, second);
        // The same estate in another store (another organization, say) shares no UUID with this one.
        const a = uuids(read(join(dir, 'uuid-a')));
        const b = uuids(read(join(dir, 'uuid-b')));
        for (const key of ['document', 'result', 'plan'] as const) expect(a[key]).not.toBe(b[key]);
        expect(a.findings.filter((u) => b.findings.includes(u))).toEqual([]);
        // A re-export of the period after one more run in it keeps every UUID.
        await runOnDay(first, collector, 5);
        await exportTo(join(dir, 'uuid-c'), keys.privateKey, first);
        expect(uuids(read(join(dir, 'uuid-c')))).toEqual(a);
      } finally {
        await first.close();
        await second.close();
      }
    });
  });
});
