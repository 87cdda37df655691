// Manual evidence: an attestation is a run of the manual collector holding the document and the file's
// bytes; coverage counts its control evidenced for the validity window and as a gap after; verify finds
// tampered file bytes; the bundle carries the file; the digest lists expired and expiring attestations;
// unknown controls, oversized files and bad durations are refused.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { builtinCollectors } from '../collectors/index.js';
import { configuredCollectors, setupOf } from '../src/agent.js';
import type { LoadedConfig } from '../src/registry-load.js';
import { exportBundle } from '../src/bundle/export.js';
import { generateSigningKey, loadPrivateKey } from '../src/bundle/signing.js';
import { hashFile, recordAttestation } from '../src/attest/record.js';
import { frameworkOfControl } from '../src/attest/record.js';
import { parseValidFor } from '../src/commands/options.js';
import { renderDigest } from '../src/digest/compose.js';
import { silentLogger } from '../src/logging.js';
import { loadControlSet } from '../src/mapping/control-set.js';
import { buildCoverage } from '../src/reports/coverage.js';
import { controlStatuses } from '../src/reports/current-state.js';
import { latestAttestations } from '../src/reports/attestations.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/types.js';
import { cliArgv } from './helpers/cli-process.js';

const { frameworks, mappingVersion } = setupOf(undefined);
const soc2 = frameworks.find((f) => f.id === 'soc2')!;
const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-attest-'));
const review = join(dir, 'q1 access review.pdf');
writeFileSync(review, '%PDF-1.4 test review: 4 accounts removed, 12 confirmed\n');

/** A store with CC1.1 attested on 2026-01-10 at noon for 5 days. */
async function attestedStore(): Promise<{ store: EvidenceStore; path: string }> {
  const path = join(mkdtempSync(join(dir, 'db-')), 'evidence.db');
  const store = openStore(path);
  const run = await recordAttestation(
    { control: 'CC1.1', framework: 'soc2', file: review, note: 'Code of conduct acknowledged by all staff', validDays: 5, attestedBy: 'alice@example.com' },
    {
      store,
      logger: silentLogger(),
      mappingVersion,
      configDigest: 'test',
      mappings: frameworks,
      collectors: builtinCollectors,
      now: () => new Date('2026-01-10T12:00:00Z'),
    },
  );
  expect(run).toMatchObject({ collector: 'manual', scope: 'CC1.1', status: 'ok', meta: { validUntil: '2026-01-15T12:00:00.000Z' } });
  return { store, path };
}

const coverageOf = (store: EvidenceStore, framework = soc2) =>
  buildCoverage(store, framework, { from: '2026-01-08', to: '2026-01-18', timeZone: 'UTC', collectors: builtinCollectors });

describe('an attestation', () => {
  it('evidences its control for its validity window, then is a gap with the cause', async () => {
    const { store } = await attestedStore();
    try {
      const report = await coverageOf(store);
      const control = report.controls.find((c) => c.id === 'CC1.1')!;
      expect(control.days.map((d) => `${d.day.slice(8)}:${d.state}`)).toEqual([
        '08:not_evidenced',
        '09:not_evidenced',
        '10:evidenced',
        '11:evidenced',
        '12:evidenced',
        '13:evidenced',
        '14:evidenced',
        '15:evidenced',
        '16:not_evidenced',
        '17:not_evidenced',
        '18:not_evidenced',
      ]);
      expect(control.gaps).toEqual([
        { from: '2026-01-08', to: '2026-01-09', details: ['manual CC1.1: no attestation recorded yet'] },
        { from: '2026-01-16', to: '2026-01-18', details: ['manual CC1.1: attestation expired on 2026-01-15'] },
      ]);
      expect(report.manual.map((m) => m.id)).not.toContain('CC1.1');
      expect(report.manual.map((m) => m.id)).toContain('CC1.2');

      // A custom control mapped to the criterion is evidenced by the same attestation.
      const setFile = join(dir, 'acme.yaml');
      writeFileSync(
        setFile,
        'framework: acme\ntitle: Acme\nversion: "1.0.0"\ncontrols:\n  - { id: HR-01, title: Staff acknowledge the code of conduct, criteria: [CC1.1] }\n',
      );
      const acme = loadControlSet(setFile, new Set(builtinCollectors.flatMap((c) => c.checks.map((k) => k.id))), frameworks);
      const custom = (await coverageOf(store, acme)).controls.find((c) => c.id === 'HR-01')!;
      expect(custom.counts).toEqual({ evidenced: 6, failing: 0, excepted: 0, not_evidenced: 5 });

      // `controls` now: passing inside the window, not evidenced after it.
      const attestations = await latestAttestations(store, builtinCollectors);
      const stateOn = (day: string) => controlStatuses(soc2, [], attestations, new Date(day)).find((c) => c.id === 'CC1.1')!.state;
      expect([stateOn('2026-01-12T00:00:00Z'), stateOn('2026-01-16T00:00:00Z')]).toEqual(['passing', 'not_evidenced']);
      expect(controlStatuses(soc2, [], attestations).find((c) => c.id === 'CC1.1')!.attestation).toEqual({
        control: 'CC1.1',
        attestedBy: 'alice@example.com',
        attestedAt: '2026-01-10T12:00:00.000Z',
        validUntil: '2026-01-15T12:00:00.000Z',
        note: 'Code of conduct acknowledged by all staff',
      });
      expect(controlStatuses(acme, [], attestations, new Date('2026-01-12T00:00:00Z'))[0]).toMatchObject({
        id: 'HR-01',
        state: 'passing',
        criteria: ['CC1.1'],
      });
    } finally {
      await store.close();
    }
  });

  it('keeps the file content-addressed: verify finds its bytes altered', async () => {
    const { store, path } = await attestedStore();
    const { sha256 } = await hashFile(review);
    expect((await store.fileBytes(sha256))?.equals(readFileSync(review))).toBe(true);
    expect((await store.verify()).ok).toBe(true);
    await store.close();
    const raw = new Database(path);
    raw.exec('DROP TRIGGER blobs_no_update');
    raw.prepare('UPDATE blobs SET content = (SELECT content FROM blobs WHERE hash != ? LIMIT 1) WHERE hash = ?').run(sha256, sha256);
    raw.close();
    const reopened = openStore(path, { readonly: true });
    try {
      const problems = (await reopened.verify()).problems;
      expect(problems).toContainEqual({
        kind: 'blob',
        record: `file sha256:${sha256.slice(0, 16)}… attested by run 1 (manual CC1.1)`,
        message: 'content does not match its SHA-256 address: the document was altered',
      });
    } finally {
      await reopened.close();
    }
  });

  it('is exported with its file, and listed by the digest once expired', async () => {
    const { store } = await attestedStore();
    try {
      const out = join(mkdtempSync(join(dir, 'bundle-')), 'bundle');
      const { sha256 } = await hashFile(review);
      await exportBundle(store, {
        from: '2026-01-10',
        to: '2026-01-16',
        timeZone: 'UTC',
        frameworks: [soc2],
        collectors: builtinCollectors,
        cadenceDays: () => 1,
        signingKey: loadPrivateKey(generateSigningKey().privateKey, 'test'),
        agentVersion: 'test',
        out,
      });
      expect(readFileSync(join(out, `attestations/${sha256}-q1_access_review.pdf`)).equals(readFileSync(review))).toBe(true);
      expect(readFileSync(join(out, 'attestations/attestations.csv'), 'utf8')).toContain(
        'soc2,CC1.1,2026-01-10T12:00:00.000Z,2026-01-15T12:00:00.000Z,alice@example.com,Code of conduct acknowledged by all staff',
      );
      expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toContain(`attestations/${sha256}-q1_access_review.pdf`);

      const expiring = await renderDigest(store, { label: '2026-W02', from: '2026-01-05', to: '2026-01-11', timeZone: 'UTC' }, setupOf(undefined));
      expect(expiring.markdown).toContain(
        '## Attestations expired or expiring within 14 days (1)\n\n- soc2 CC1.1: Code of conduct acknowledged by all staff (q1 access review.pdf, attested by alice@example.com on 2026-01-10) expires 2026-01-15',
      );
      const expired = await renderDigest(store, { label: '2026-W03', from: '2026-01-12', to: '2026-01-18', timeZone: 'UTC' }, setupOf(undefined));
      expect(expired.markdown).toContain('- **EXPIRED** soc2 CC1.1: Code of conduct acknowledged by all staff');
    } finally {
      await store.close();
    }
  });
});

describe('evidence-agent attest', () => {
  const cli = (args: string[]) => {
    return spawnSync(process.execPath, cliArgv(['attest', ...args]), {
      cwd: dir,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
  };

  it('records the attestation (exit 0), and refuses an unknown control (exit 2, nothing written)', () => {
    const db = join(mkdtempSync(join(dir, 'cli-')), 'evidence.db');
    const ok = cli(['--control', 'CC6.2', '--file', review, '--note', 'Q1 access review', '--valid-for', '12w', '--by', 'alice@example.com', '--db', db]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(
      /^recorded: soc2 CC6\.2 attested by alice@example\.com \(q1 access review\.pdf, sha256:[0-9a-f]{16}…, 55 bytes\), valid until \d{4}-\d{2}-\d{2}; run 1\n$/,
    );
    expect(ok.status).toBe(0);
    const bad = cli(['--control', 'CC6.22', '--file', review, '--note', 'x', '--db', join(dir, 'never.db')]);
    expect(bad.stderr).toBe(
      'evidence-agent: --control: unknown control "CC6.22"; did you mean "CC6.2"? (a SOC 2 criterion, a SOC 1 objective or a control of your control sets: evidence-agent controls lists them)\n',
    );
    expect(bad.status).toBe(2);
    expect(existsSync(join(dir, 'never.db'))).toBe(false);
  });
});

describe('attest refuses', () => {
  it('and collect points there: the manual collector is not run on a schedule', () => {
    const loaded = { path: 'x.yaml', config: { collectors: {} }, collectors: builtinCollectors, brokenModules: [], digest: 'd' } as unknown as LoadedConfig;
    expect(() => configuredCollectors(loaded, 'manual')).toThrow(
      '--collector: manual is not collected on a schedule; record its evidence with `evidence-agent attest`',
    );
  });

  it('an unknown control, with the nearest id', () => {
    expect(() => frameworkOfControl(frameworks, 'CC6.l')).toThrow('--control: unknown control "CC6.l"; did you mean "CC6.1"?');
    expect(frameworkOfControl(frameworks, 'ITGC-AC-05').id).toBe('soc1');
  });
  it('a file over the size limit, before reading it', async () => {
    await expect(hashFile(review, 10)).rejects.toThrow(
      /^--file: .+q1 access review\.pdf is 0\.0 MB, over the [\d.]+ MB limit for attested files; attest a smaller file/,
    );
  });
  it('a validity that is not a duration', () => {
    expect(parseValidFor('12w')).toBe(84);
    expect(parseValidFor('3m')).toBe(90);
    expect(() => parseValidFor('90')).toThrow('--valid-for: expected a duration such as 90d, 12w or 3m (1 day to 3650 days), got "90"');
  });
});
