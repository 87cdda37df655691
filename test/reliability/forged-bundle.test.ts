// A bundle edited after export (issue 15, findings 1 and 3). An attacker unpacks it, turns
// `"mfaActive":false` into `true`, fixes manifest.json and SHA256SUMS, puts a new Ed25519 key in
// public-key.pem with its fingerprint, re-signs and repacks: `verify` refuses it unless the signer is a
// key the verifier trusts, in text and in --json. Someone holding the real key (or an exporter bug)
// cannot make the records disagree with their names or the indexes with the records either.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCollectors } from '../../collectors/index.js';
import { listFiles } from '../../src/bundle/archive.js';
import { fingerprint, generateSigningKey } from '../../src/bundle/signing.js';
import { encodeEvent } from '../../src/store/blob-codec.js';
import type { EventItem } from '../../src/collector.js';
import { openStore } from '../../src/store/index.js';
import type { EvidenceStore } from '../../src/store/types.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { ACCOUNT, editFile, exportPeriod, fillStore, ORG, PERIOD, renameToContent, repack, resign, unpacked } from '../helpers/bundle-fixtures.js';
import { tempDbPath } from '../helpers/store-fixtures.js';

const genuine = generateSigningKey();
let store: EvidenceStore;
let dbPath: string;
let bundle: string;
let workDir: string;
let keyFile: string;
let genuineFingerprint: string;

beforeAll(async () => {
  dbPath = tempDbPath();
  workDir = join(dbPath, '..');
  store = openStore(dbPath);
  await fillStore(store);
  bundle = join(workDir, 'bundle.tar.gz');
  genuineFingerprint = (await exportPeriod(store, genuine.privateKey, bundle)).fingerprint;
  keyFile = join(workDir, 'genuine.pub');
  writeFileSync(keyFile, genuine.publicKey);
}, 60_000);
afterAll(async () => {
  await store.close();
});

/** The evidence file of alice, the user without MFA. */
function aliceFile(dir: string): string {
  return listFiles(dir).find((f) => f.startsWith('evidence/') && readFileSync(join(dir, f), 'utf8').includes('"mfaActive":false'))!;
}

/** The attack, step by step; `renamed` also moves the file to its new hash and fixes the index. */
async function forge(name: string, renamed = false): Promise<string> {
  const dir = await unpacked(bundle);
  const file = aliceFile(dir);
  editFile(dir, file, (text) => text.replace('"mfaActive":false', '"mfaActive":true'));
  if (renamed) {
    const moved = renameToContent(dir, file);
    editFile(dir, 'evidence-index.csv', (text) =>
      text.replaceAll(file.slice('evidence/'.length, -'.json'.length), moved.slice('evidence/'.length, -'.json'.length)),
    );
  }
  const attacker = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  writeFileSync(join(dir, 'public-key.pem'), attacker.publicKey);
  resign(dir, attacker.privateKey, (manifest) => {
    (manifest['signature'] as { fingerprint: string }).fingerprint = fingerprint(attacker.publicKey);
  });
  return repack(dir, join(workDir, `${name}.tar.gz`));
}

describe('a forged and re-signed bundle (finding 1)', () => {
  it('is refused without a trusted key, in text and --json, and with the genuine key', async () => {
    const forged = await forge('forged');
    const text = await cliInProcess(['verify', forged]);
    expect(text.code).not.toBe(0);
    expect(text.stdout).toMatch(/^FAILED: /);
    expect(text.stdout).toMatch(/signed by SHA256:[A-Za-z0-9+/]{43}, which is not a trusted key; pass --public-key or --fingerprint/);
    expect(text.stdout).not.toMatch(/^ok/m);

    const json = await cliInProcess(['verify', forged, '--json']);
    expect(json.code).not.toBe(0);
    const report = JSON.parse(json.stdout) as { ok: boolean; trusted: boolean; problems: string[] };
    expect(report.ok).toBe(false);
    expect(report.trusted).toBe(false);
    expect(report.problems).toContainEqual(expect.stringMatching(/which is not a trusted key/));
    // The edited document no longer matches the hash in its name (finding 3 catches it too).
    expect(report.problems).toContainEqual(expect.stringMatching(/^evidence\/[0-9a-f]{64}\.json: content does not match the SHA-256 in its name/));

    for (const trust of [
      ['--public-key', keyFile],
      ['--fingerprint', genuineFingerprint],
      ['--db', dbPath],
    ]) {
      const withKey = await cliInProcess(['verify', forged, ...trust]);
      expect(withKey.code, trust[0]).toBe(1);
      expect(withKey.stdout, trust[0]).toMatch(/^FAILED: /);
    }
  });

  it('is refused with its own exit code when the forger also renames the file and fixes the index: only the signer tells', async () => {
    const forged = await forge('forged-renamed', true);
    const text = await cliInProcess(['verify', forged]);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/^FAILED: manifest\.sig: signed by SHA256:[A-Za-z0-9+/]{43}, which is not a trusted key; pass --public-key or --fingerprint\n/);
    const json = JSON.parse((await cliInProcess(['verify', forged, '--json'])).stdout) as {
      ok: boolean;
      intact: boolean;
      trusted: boolean;
      signer: { fingerprint: string };
    };
    expect(json).toMatchObject({ ok: false, intact: true, trusted: false });
    expect(json.signer.fingerprint).not.toBe(genuineFingerprint);
    // With the genuine signer pinned, the signature is by the wrong key.
    const pinned = await cliInProcess(['verify', forged, '--fingerprint', genuineFingerprint]);
    expect(pinned.code).toBe(3);
    expect(pinned.stdout).toContain(`(trusted here: ${genuineFingerprint} from --fingerprint)`);
  });

  it('verifies untouched with the right trusted key, and says when no key is trusted', async () => {
    for (const trust of [
      ['--public-key', keyFile],
      ['--fingerprint', genuineFingerprint],
    ]) {
      const result = await cliInProcess(['verify', bundle, ...trust]);
      expect(result.code, trust[0]).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^ok: .*the manifest signature \\(key ${genuineFingerprint.replace(/[+/]/g, '\\$&')}, trusted by ${trust[0]}`));
    }
    const untrusted = await cliInProcess(['verify', bundle]);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stdout).toBe(
      `FAILED: manifest.sig: signed by ${genuineFingerprint}, which is not a trusted key; pass --public-key or --fingerprint\n` +
        'the files, records, indexes and chain are intact, but that proves only that the holder of this key made the bundle\n',
    );
  });
});

describe('records against their names, indexes against the records (finding 3)', () => {
  // Re-signed with the genuine key: the signature is trusted, so only these checks can tell.
  async function edited(name: string, edit: (dir: string) => void): Promise<{ code: number; problems: string[] }> {
    const dir = await unpacked(bundle);
    edit(dir);
    resign(dir, genuine.privateKey);
    const out = await repack(dir, join(workDir, `${name}.tar.gz`));
    const result = await cliInProcess(['verify', out, '--public-key', keyFile, '--json']);
    return { code: result.code, problems: (JSON.parse(result.stdout) as { problems: string[] }).problems };
  }

  it('names an evidence file whose content is not the SHA-256 in its name', async () => {
    let file = '';
    const { code, problems } = await edited('content', (dir) => {
      file = aliceFile(dir);
      editFile(dir, file, (text) => text.replace('"mfaActive":false', '"mfaActive":true'));
    });
    expect(code).toBe(1);
    expect(problems[0]).toMatch(new RegExp(`^${file}: content does not match the SHA-256 in its name \\(it hashes to [0-9a-f]{64}\\)$`));
  });

  it('names an evidence-index.csv row that points at another document', async () => {
    const { code, problems } = await edited('index', (dir) => {
      const rows = parse(readFileSync(join(dir, 'evidence-index.csv'))) as string[][];
      const alice = rows.findIndex((r) => r[4]!.endsWith('user/alice'));
      const bob = rows.find((r) => r[4]!.endsWith('user/bob'))!;
      // alice's row now names bob's document (who has MFA).
      editFile(dir, 'evidence-index.csv', (text) =>
        text
          .split('\r\n')
          .map((line, i) => (i === alice ? line.replace(/[0-9a-f]{64}$/, bob[5]!) : line))
          .join('\r\n'),
      );
    });
    expect(code).toBe(1);
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^evidence-index\.csv: line \d+: says aws\.iam\.user arn:aws:iam::111122223333:user\/alice, but evidence\/[0-9a-f]{64}\.json holds aws\.iam\.user arn:aws:iam::111122223333:user\/bob$/,
      ),
    );
  });

  it('names a population row whose source record is missing, and a source record changed', async () => {
    const row = await edited('population', (dir) => {
      editFile(dir, 'populations/access-changes.csv', (text) => text.replace(/,[0-9a-f]{64}\r\n/, `,${'0'.repeat(64)}\r\n`));
    });
    expect(row.code).toBe(1);
    expect(row.problems).toContainEqual(
      `populations/access-changes.csv: line 2: its source record sources/${'0'.repeat(64)}.json is not in the bundle (or does not match its name)`,
    );
    const source = await edited('source', (dir) => {
      const file = listFiles(dir).find((f) => f.startsWith('sources/') && readFileSync(join(dir, f), 'utf8').includes('AttachRolePolicy'))!;
      editFile(dir, file, (text) => text.replace('AdministratorAccess', 'ReadOnlyAccess'));
    });
    expect(source.problems[0]).toMatch(/^sources\/[0-9a-f]{64}\.json: content does not match the SHA-256 in its name/);
  });

  it('names a runs.csv row whose hash differs from the chain in runs.jsonl', async () => {
    const { code, problems } = await edited('runs', (dir) => {
      editFile(dir, 'runs.csv', (text) => text.replace(/,([0-9a-f]{64})\r\n/, `,${'f'.repeat(64)}\r\n`));
    });
    expect(code).toBe(1);
    expect(problems).toContainEqual(expect.stringMatching(/^runs\.csv: line 2: run \d+'s hash or link differs from runs\.jsonl$/));
  });
});

describe('population rows trace to their source records offline (finding 3)', () => {
  it('gives every row the SHA-256 of the stored event, and carries that event under sources/', async () => {
    const dir = await unpacked(bundle);
    const stored = new Map<string, EventItem>();
    for (const [collector, scope] of [
      ['aws-cloudtrail', ACCOUNT],
      ['github', ORG],
    ] as const) {
      for (const event of await store.eventsOf(collector, scope, new Date(`${PERIOD.from}T00:00:00Z`), new Date('2026-01-12T00:00:00Z'))) {
        stored.set(encodeEvent(event).hash, event);
      }
    }
    for (const [file, populationId, expected] of [
      ['populations/access-changes.csv', 'aws-access-changes', 4],
      ['populations/changes.csv', 'github-changes', 2],
    ] as const) {
      const rows = parse(readFileSync(join(dir, file)), { columns: true }) as Record<string, string>[];
      expect(rows, file).toHaveLength(expected);
      const population = builtinCollectors.flatMap((c) => c.populations ?? []).find((p) => p.id === populationId)!;
      for (const row of rows) {
        // The hash is the store's own address of the event (which `verify` recomputes)...
        expect(stored.has(row['sourceSha256']!), file).toBe(true);
        // ...the bundle holds that record byte for byte...
        const record = readFileSync(join(dir, 'sources', `${row['sourceSha256']}.json`), 'utf8');
        expect(record).toBe(`${encodeEvent(stored.get(row['sourceSha256']!)!).canonical}\n`);
        // ...and the row is what the population derives from it.
        const { scope: _scope, sourceSha256: _hash, ...columns } = row;
        const derived = population.rowOf(JSON.parse(record) as EventItem)!;
        for (const [name, value] of Object.entries(columns)) expect(value.replace(/^'/, ''), `${file} ${name}`).toBe(derived[name] ?? '');
      }
    }
  });
});
