// Whom `verify <bundle>` trusts: --public-key, --fingerprint, the config's signing.trustedFingerprints,
// and with --db the keys the store recorded with its exports (each export a run of the export stream).
// The fingerprint is OpenSSH's, and the openssl commands docs/security.md gives check a bundle as written.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordExport, recordedSigners } from '../src/bundle/export-record.js';
import { fingerprint, generateSigningKey } from '../src/bundle/signing.js';
import { setupOf } from '../src/agent.js';
import { renderDigest } from '../src/digest/compose.js';
import { APPEND_ONLY_TRIGGERS } from '../src/store/migrations.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/types.js';
import { cliInProcess } from './helpers/cli-in-process.js';
import { exportPeriod, fillStore, PERIOD, unpacked } from './helpers/bundle-fixtures.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const keys = generateSigningKey();
const stranger = generateSigningKey();
let dbPath: string;
let dir: string;
let bundle: string;
let signer: string;

function hasOpenssl(): boolean {
  try {
    return /^OpenSSL 3\./.test(execFileSync('openssl', ['version'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dbPath = tempDbPath();
  dir = join(dbPath, '..');
  const store = openStore(dbPath);
  try {
    await fillStore(store);
    bundle = join(dir, 'bundle.tar.gz');
    const result = await exportPeriod(store, keys.privateKey, bundle);
    signer = result.fingerprint;
    await recordExport(store, result, { at: new Date('2026-01-12T08:00:00Z'), agentVersion: 'test', mappingVersion: 'test', configDigest: 'test' });
  } finally {
    await store.close();
  }
}, 60_000);

describe('the fingerprint', () => {
  it("is OpenSSH's: SHA256 of the key's SSH wire form, unpadded base64", () => {
    const der = Buffer.from(keys.publicKey.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    // SPKI DER of an Ed25519 key ends with the 32-byte key; the wire form is two length-prefixed strings.
    const wire = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), der.subarray(-32)]);
    const line = `ssh-ed25519 ${wire.toString('base64')} test`;
    expect(fingerprint(keys.publicKey)).toBe(`SHA256:${createHash('sha256').update(wire).digest('base64').replace(/=+$/, '')}`);
    expect(fingerprint(keys.publicKey)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    let sshKeygen: string | undefined;
    try {
      sshKeygen = execFileSync('ssh-keygen', ['-l', '-f', '-'], { input: line, encoding: 'utf8' });
    } catch {
      // ssh-keygen is not everywhere; the computation above is the definition.
    }
    if (sshKeygen !== undefined) expect(sshKeygen).toContain(` ${fingerprint(keys.publicKey)} test (ED25519)`);
  });

  it.skipIf(!hasOpenssl())('is what the openssl commands of docs/security.md print, and they verify the signature (skipped without OpenSSL 3)', async () => {
    const doc = readFileSync('docs/security.md', 'utf8');
    const block = /<!-- openssl-check[^>]*-->\n```sh\n([\s\S]*?)```\n<!-- \/openssl-check -->/.exec(doc);
    expect(block, 'the openssl block of docs/security.md').not.toBeNull();
    const output = execFileSync('sh', ['-e', '-c', block![1]!], { cwd: await unpacked(bundle), encoding: 'utf8' });
    expect(output).toBe(`${signer}\nSignature Verified Successfully\n`);
  });
});

describe('trusted signers', () => {
  it('takes signing.trustedFingerprints from a config that holds nothing else', async () => {
    const config = join(dir, 'auditor.yaml');
    writeFileSync(config, `signing:\n  trustedFingerprints: [${signer}]\n`);
    const result = await cliInProcess(['verify', bundle, '--config', config]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`(key ${signer}, trusted by ${config} signing.trustedFingerprints)`);
    const other = join(dir, 'other.yaml');
    writeFileSync(other, `signing:\n  trustedFingerprints: [${fingerprint(stranger.publicKey)}]\n`);
    expect((await cliInProcess(['verify', bundle, '--config', other])).code).toBe(3);
  });

  it('with --db, trusts the keys the store recorded with its exports, and says which export made this bundle', async () => {
    const result = await cliInProcess(['verify', bundle, '--db', dbPath]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/trusted by the store \S+ \(export run 7\)\) verified\nnote: the store recorded exporting this very bundle: export run 7\n$/);
    const json = JSON.parse((await cliInProcess(['verify', bundle, '--db', dbPath, '--json'])).stdout) as {
      ok: boolean;
      trustedKeys: unknown[];
      notes: string[];
    };
    expect(json).toMatchObject({ ok: true, trustedKeys: [{ fingerprint: signer, source: expect.stringMatching(/^the store /) }] });
    // Another store, whose exports were signed by someone else, vouches for nothing here.
    const otherDb = tempDbPath();
    const other = openStore(otherDb);
    try {
      await fillStore(other);
      const foreign = await exportPeriod(other, stranger.privateKey, join(dir, 'foreign.tar.gz'));
      await recordExport(other, foreign, { at: new Date('2026-01-12T08:00:00Z'), agentVersion: 'test', mappingVersion: 'test', configDigest: 'test' });
    } finally {
      await other.close();
    }
    const refused = await cliInProcess(['verify', bundle, '--db', otherDb]);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain(`(trusted here: ${fingerprint(stranger.publicKey)} from the store ${otherDb} (export run 7))`);
  });

  it('does not trust a key from an export run whose row was edited in the store', async () => {
    const copy = tempDbPath();
    execFileSync('cp', [dbPath, copy]);
    const db = new Database(copy);
    try {
      for (const name of APPEND_ONLY_TRIGGERS.keys()) db.exec(`DROP TRIGGER ${name}`);
      const meta = JSON.parse((db.prepare('SELECT meta FROM runs WHERE collector = ?').get('export') as { meta: string }).meta) as { fingerprint: string };
      meta.fingerprint = fingerprint(stranger.publicKey);
      db.prepare('UPDATE runs SET meta = ? WHERE collector = ?').run(JSON.stringify(meta), 'export');
      for (const trigger of APPEND_ONLY_TRIGGERS.values()) db.exec(trigger);
    } finally {
      db.close();
    }
    const store = openStore(copy, { readonly: true });
    try {
      expect(await recordedSigners(store)).toEqual({
        signers: [],
        problems: ['export run 7: its fields do not match its hash; its key is not trusted (run `evidence-agent verify --db`)'],
      });
    } finally {
      await store.close();
    }
    const result = await cliInProcess(['verify', bundle, '--db', copy]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('note: export run 7: its fields do not match its hash');
  });

  it('refuses a malformed fingerprint, or one given without a bundle, with exit 2', async () => {
    const malformed = await cliInProcess(['verify', bundle, '--fingerprint', 'SHA256:63:fb:ee:85']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe(
      'evidence-agent: --fingerprint: expected a key fingerprint as keygen and export print it (SHA256: and 43 base64 characters), got "SHA256:63:fb:ee:85"\n',
    );
    const noBundle = await cliInProcess(['verify', '--db', dbPath, '--fingerprint', signer]);
    expect(noBundle.code).toBe(2);
    expect(noBundle.stderr).toMatch(/^evidence-agent: --fingerprint: only with a bundle/);
  });
});

describe('where the fingerprint is printed and kept', () => {
  let store: EvidenceStore;
  afterAll(async () => store?.close());

  it('export prints it and records the export in the chain; keygen prints it', async () => {
    const db = tempDbPath();
    const seeded = openStore(db);
    await fillStore(seeded);
    await seeded.close();
    const keyFile = join(dir, 'signing.pem');
    const keygen = await cliInProcess(['keygen', '--out', keyFile]);
    expect(keygen.code).toBe(0);
    const printed = /fingerprint (SHA256:[A-Za-z0-9+/]{43})\n/.exec(keygen.stdout)![1]!;
    expect(printed).toBe(fingerprint(readFileSync(`${keyFile}.pub`, 'utf8')));

    const out = join(dir, 'cli-export.tar.gz');
    const exported = await cliInProcess(['export', '--db', db, '--from', PERIOD.from, '--to', PERIOD.to, '--out', out, '--signing-key', keyFile]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`signed with Ed25519 key ${printed}; recorded in ${db} as run 7`);
    expect(exported.stdout).toContain(`verify offline: evidence-agent verify ${out} --fingerprint ${printed}`);
    store = openStore(db, { readonly: true });
    const [run] = await store.listRuns({ collector: 'export' });
    expect(run).toMatchObject({
      seq: 7,
      scope: 'bundles',
      status: 'ok',
      meta: { fingerprint: printed, period: { from: PERIOD.from, to: PERIOD.to, timeZone: 'UTC' }, lastRun: { seq: 6 } },
    });
    expect((await store.verify()).ok).toBe(true);
    expect((await cliInProcess(['verify', out, '--db', db])).code).toBe(0);
  });

  it('the digest names the signing keys next to the chain head', async () => {
    const rendered = await renderDigest(store, { label: '2026-W02', from: '2026-01-05', to: '2026-01-11', timeZone: 'UTC' }, setupOf(undefined));
    expect(rendered.digest.signingKeys).toEqual([{ fingerprint: expect.stringMatching(/^SHA256:/), lastExportRun: 7, lastExportAt: expect.any(String) }]);
    const key = rendered.digest.signingKeys![0]!.fingerprint;
    expect(rendered.markdown).toMatch(
      new RegExp(
        `Chain head when this digest was made: run 7, sha256:[0-9a-f]{64}\\. .* Export bundles of this store are signed by ${key.replace(/[+/]/g, '\\$&')} \\(last used by export run 7\\)`,
      ),
    );
    expect(rendered.json).toContain(key);
  });
});
