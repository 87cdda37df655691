// The shipped framework mappings, and the loader's refusal of every kind of bad mapping file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MappingError, loadBuiltinFrameworks, loadFramework, mappingVersion, uncitedChecks } from '../src/mapping/load.js';
import type { Framework } from '../src/mapping/load.js';
import { builtinCollectors } from '../collectors/index.js';

// Every check the registered collectors define: each must be mapped in both shipped files.
// Attestation checks evidence the control they were recorded for, so no file maps them.
const CHECK_IDS = builtinCollectors.flatMap((collector) => collector.checks.filter((check) => !check.controlFromScope).map((check) => check.id));
const KNOWN = new Set(builtinCollectors.flatMap((collector) => collector.checks.map((check) => check.id)));

const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const SOC2_IDS = [
  ...range('CC1.', 5),
  ...range('CC2.', 3),
  ...range('CC3.', 4),
  ...range('CC4.', 2),
  ...range('CC5.', 3),
  ...range('CC6.', 8),
  ...range('CC7.', 5),
  'CC8.1',
  ...range('CC9.', 2),
  ...range('A1.', 3),
  ...range('C1.', 2),
  ...range('PI1.', 5),
  'P1.1',
  'P2.1',
  ...range('P3.', 2),
  ...range('P4.', 3),
  ...range('P5.', 2),
  ...range('P6.', 7),
  'P7.1',
  'P8.1',
];
const pad = (n: number): string => String(n).padStart(2, '0');
const ITGC_IDS = [
  ...Array.from({ length: 12 }, (_, i) => `ITGC-AC-${pad(i + 1)}`),
  ...Array.from({ length: 7 }, (_, i) => `ITGC-CM-${pad(i + 1)}`),
  ...Array.from({ length: 4 }, (_, i) => `ITGC-PD-${pad(i + 1)}`),
  ...Array.from({ length: 8 }, (_, i) => `ITGC-OPS-${pad(i + 1)}`),
];

const repoMappings = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'mappings');

describe('shipped mappings', () => {
  const frameworks = loadBuiltinFrameworks(KNOWN);
  const byId = new Map(frameworks.map((f) => [f.id, f]));
  const soc2 = byId.get('soc2');
  const soc1 = byId.get('soc1');

  it('loads both frameworks from the package mappings/ folder by default', () => {
    expect([...byId.keys()].sort()).toEqual(['soc1', 'soc2']);
    for (const f of frameworks) {
      expect(path.dirname(path.resolve(f.file))).toBe(repoMappings);
      expect(f.version).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('soc2 lists exactly the 61 criteria in order, grouped by category', () => {
    expect(soc2?.controls.map((c) => c.id)).toEqual(SOC2_IDS);
    expect(SOC2_IDS).toHaveLength(61);
    expect(new Set(soc2?.controls.map((c) => c.group))).toEqual(
      new Set([
        'Control environment',
        'Information and communication',
        'Risk assessment',
        'Monitoring activities',
        'Control activities',
        'Logical and physical access',
        'System operations',
        'Change management',
        'Risk mitigation',
        'Availability',
        'Confidentiality',
        'Processing integrity',
        'Privacy',
      ]),
    );
    expect(soc2?.controls.find((c) => c.id === 'CC6.1')?.group).toBe('Logical and physical access');
  });

  it('soc1 lists exactly the 31 objectives in four domains', () => {
    expect(soc1?.controls.map((c) => c.id)).toEqual(ITGC_IDS);
    expect(new Set(soc1?.controls.map((c) => c.group))).toEqual(new Set(['Logical access', 'Change management', 'Program development', 'Computer operations']));
  });

  it('every check is cited in SOC 2 and, but two on purpose, in SOC 1; every control is a key of checksByControl', () => {
    // SOC 1 has no objective that webhook TLS or Dependabot alerts evidence (see the comment in soc1-itgc.yaml).
    const notInSoc1 = ['github_org_webhooks_secure', 'github_repo_dependabot_alerts_enabled'];
    for (const f of [soc2, soc1]) {
      expect(f).toBeDefined();
      if (!f) continue;
      const expected = CHECK_IDS.filter((id) => f.id === 'soc2' || !notInSoc1.includes(id));
      expect(uncitedChecks([f], CHECK_IDS)).toEqual(f.id === 'soc2' ? [] : notInSoc1);
      expect([...f.controlsByCheck.keys()].sort()).toEqual([...expected].sort());
      expect([...f.checksByControl.keys()]).toEqual(f.controls.map((c) => c.id));
      for (const m of f.mappings) {
        expect(m.rationale.trim().length).toBeGreaterThan(20);
        for (const c of [...m.controlIds, ...(m.supports ?? [])]) expect(f.checksByControl.get(c)).toContain(m.checkId);
      }
    }
    // Manual-evidence controls exist and are empty, not missing.
    expect(soc2?.checksByControl.get('CC1.1')).toEqual([]);
    expect(soc2?.controlsByCheck.get('aws_iam_root_mfa_enabled')).toEqual(['CC6.1', 'CC6.6']);
  });

  it('titles are unique within each catalog', () => {
    for (const f of frameworks) expect(new Set(f.controls.map((c) => c.title)).size).toBe(f.controls.length);
  });

  it('mappingVersion names every framework and a short hash, independent of load order', () => {
    const v = mappingVersion(frameworks);
    expect(v).toMatch(/^soc1@\d+\.\d+\.\d+\+soc2@\d+\.\d+\.\d+;sha256:[0-9a-f]{16}$/);
    expect(mappingVersion([...frameworks].reverse())).toBe(v);
  });
});

describe('uncitedChecks', () => {
  it('returns, in order and without repeats, the checks no framework maps', () => {
    const frameworks = loadBuiltinFrameworks(KNOWN);
    expect(uncitedChecks(frameworks, ['new_check', 'aws_iam_root_mfa_enabled', 'new_check', 'other'])).toEqual(['new_check', 'other']);
    expect(uncitedChecks([], ['a'])).toEqual(['a']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Validation: each bad file is refused with a one-line message naming the file and the path.

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-agent-mappings-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

const TEST_KNOWN = new Set(['c_one', 'c_two']);

const VALID = `# a minimal valid file
framework: demo
title: Demo framework
version: 1.0.0
controls:
  - id: X1
    group: Group A
    title: First control
  - id: X2
    group: Group A
    title: Second control
mappings:
  - check: c_one
    controls: [X1, X2]
    rationale: because it shows X
`;

let counter = 0;
function writeFile(content: string | Buffer, name?: string): string {
  const dir = fs.mkdtempSync(path.join(tmpRoot, 'case-'));
  const file = path.join(dir, name ?? `file-${++counter}.yaml`);
  fs.writeFileSync(file, content);
  return file;
}

function refusal(load: () => unknown): MappingError {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(MappingError);
    return err as MappingError;
  }
  throw new Error('expected a MappingError, but the file loaded');
}

function expectRefused(content: string | Buffer, where: string, ...fragments: string[]): string {
  const file = writeFile(content);
  const { message } = refusal(() => loadFramework(file, TEST_KNOWN));
  expect(message.startsWith(`${file}: ${where}`), message).toBe(true);
  expect(message).not.toMatch(/[\r\n]/);
  for (const f of fragments) expect(message).toContain(f);
  return message;
}

describe('loadFramework validation', () => {
  it('accepts the minimal valid file', () => {
    const f = loadFramework(writeFile(VALID), TEST_KNOWN);
    expect(f.id).toBe('demo');
    expect(f.controls).toEqual([
      { id: 'X1', group: 'Group A', title: 'First control' },
      { id: 'X2', group: 'Group A', title: 'Second control' },
    ]);
    expect(f.mappings).toEqual([{ checkId: 'c_one', controlIds: ['X1', 'X2'], rationale: 'because it shows X' }]);
    expect(f.checksByControl.get('X2')).toEqual(['c_one']);
  });

  it('refuses malformed YAML with its line number', () => {
    expectRefused(VALID.replace('controls: [X1, X2]', 'controls: [X1, X2'), 'line ', 'invalid YAML');
    const msg = expectRefused('framework: demo\n  title: [oops\n', 'line ');
    expect(msg).toMatch(/line \d+, column \d+/);
  });

  it('refuses more than one YAML document', () => {
    expectRefused(`${VALID}---\nframework: other\n`, 'line 16', 'more than one document', 'one YAML document per file');
  });

  it('refuses anchors and aliases', () => {
    const aliased = VALID.replace('    group: Group A\n    title: First', '    group: &g Group A\n    title: First').replace(
      '    group: Group A\n    title: Second',
      '    group: *g\n    title: Second',
    );
    expectRefused(aliased, 'line 7', 'anchor "&g"', 'not allowed');
    // An alias bomb is refused before anything is expanded.
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      bomb.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    expectRefused(bomb.join('\n') + '\n', 'line 1', 'anchors and aliases are refused');
  });

  it('refuses files over 1 MiB', () => {
    const big = VALID + `# ${'x'.repeat(1024 * 1024)}\n`;
    expectRefused(big, '(file)', 'over the 1 MiB limit');
  });

  it('refuses a file that is not UTF-8', () => {
    expectRefused(Buffer.from([0x66, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), '(file)', 'UTF-8');
  });

  it('refuses duplicate keys', () => {
    expectRefused(VALID.replace('version: 1.0.0\n', 'version: 1.0.0\nversion: 1.0.1\n'), 'line 5', 'must be unique');
    expectRefused(VALID.replace('    rationale: because it shows X\n', '    rationale: a\n    rationale: b\n'), 'line 16', 'remove or rename the repeat');
  });

  it('refuses unknown top-level keys', () => {
    expectRefused(`${VALID}extra: 1\n`, 'extra (line 16)', 'unknown key "extra"', 'framework, title, version, controls, mappings');
  });

  it('refuses unknown keys in entries', () => {
    expectRefused(
      VALID.replace('rationale: because', 'rationle: because'),
      'mappings[0].rationle',
      'unknown key "rationle"; did you mean "rationale"?',
      'check, controls, rationale',
      '(and 1 more problem)',
    );
    expectRefused(VALID.replace('    title: Second control\n', '    title: Second control\n    owner: me\n'), 'controls[1].owner', 'id, group, title');
  });

  it('refuses missing fields', () => {
    expectRefused(VALID.replace('    rationale: because it shows X\n', ''), 'mappings[0].rationale', 'missing required key "rationale"');
    expectRefused(VALID.replace('version: 1.0.0\n', ''), 'version', 'missing required key "version"');
    expectRefused(VALID.replace('    group: Group A\n    title: First', '    title: First'), 'controls[0].group', 'missing');
    expectRefused('', '(top level)', 'empty');
  });

  it('refuses values of the wrong type or form', () => {
    expectRefused(VALID.replace('version: 1.0.0', 'version: 1.5'), 'version (line 4)', '1.5', '2026.11.0');
    expectRefused(VALID.replace('controls: [X1, X2]', 'controls: X1'), 'mappings[0].controls', '"X1"', 'is not a list');
    expectRefused(VALID.replace('controls: [X1, X2]', 'controls: []'), 'mappings[0].controls', 'at least one');
    expectRefused(VALID.replace('framework: demo', 'framework: Demo Framework'), 'framework', '"Demo Framework"', 'lowercase');
    expectRefused('- just\n- a list\n', '(top level)', 'is not a mapping file');
  });

  it('refuses a duplicate control id in the catalog', () => {
    expectRefused(VALID.replace('  - id: X2', '  - id: X1'), 'controls[1].id (line 9)', 'duplicate control id "X1"', 'controls[0]');
  });

  it("refuses a control id that does not fit the framework's pattern", () => {
    const soc2 = VALID.replace('framework: demo', 'framework: soc2').replaceAll('X1', 'CC6.1').replaceAll('X2', 'CC6.l');
    expectRefused(soc2, 'controls[1].id', '"CC6.l"', 'soc2 control id', 'CC6.1');
    const itgc = VALID.replace('framework: demo', 'framework: soc1').replaceAll('X1', 'ITGC-AC-01').replaceAll('X2', 'ITGC-AC-5');
    expectRefused(itgc, 'controls[1].id', '"ITGC-AC-5"', 'ITGC-AC-05');
    expectRefused(VALID.replaceAll('X2', 'X 2'), 'controls[1].id', '"X 2"');
  });

  it('refuses a mapping to a control the catalog does not list', () => {
    expectRefused(
      VALID.replace('controls: [X1, X2]', 'controls: [X1, X3]'),
      'mappings[0].controls[1] (line 14)',
      'unknown control id "X3"',
      'add the control to the catalog',
    );
  });

  it('refuses an unknown check id', () => {
    expectRefused(VALID.replace('check: c_one', 'check: c_onee'), 'mappings[0].check', 'unknown check id "c_onee"', 'did you mean "c_one"');
  });

  it('refuses the same check mapped twice', () => {
    const twice = `${VALID}  - check: c_one\n    controls: [X2]\n    rationale: again\n`;
    expectRefused(twice, 'mappings[1].check (line 16)', '"c_one" is already mapped at mappings[0]', 'merge');
  });

  it('refuses the same control listed twice in one entry', () => {
    expectRefused(VALID.replace('controls: [X1, X2]', 'controls: [X2, X1, X2]'), 'mappings[0].controls[2]', 'listed twice', 'controls[0]');
  });

  it('refuses an empty or multi-line rationale', () => {
    expectRefused(VALID.replace('rationale: because it shows X', 'rationale: "   "'), 'mappings[0].rationale', 'empty rationale');
    expectRefused(VALID.replace('rationale: because it shows X', 'rationale: ""'), 'mappings[0].rationale', 'empty rationale');
    expectRefused(VALID.replace('rationale: because it shows X', 'rationale: |\n      one\n      two'), 'mappings[0].rationale', 'one line');
  });

  it('reports a missing file as a MappingError', () => {
    const file = path.join(tmpRoot, 'does-not-exist.yaml');
    expect(refusal(() => loadFramework(file, TEST_KNOWN)).message).toContain(`${file}: (file): cannot be read (ENOENT)`);
  });
});

describe('loadBuiltinFrameworks', () => {
  it('loads every *.yaml of a folder in name order and ignores other files', () => {
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'dir-'));
    fs.writeFileSync(path.join(dir, 'b.yaml'), VALID);
    fs.writeFileSync(path.join(dir, 'a.yaml'), VALID.replace('framework: demo', 'framework: alpha'));
    fs.writeFileSync(path.join(dir, 'notes.md'), '# not a mapping');
    const frameworks = loadBuiltinFrameworks(TEST_KNOWN, dir);
    expect(frameworks.map((f) => f.id)).toEqual(['alpha', 'demo']);
  });

  it('refuses duplicate framework ids across files', () => {
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'dir-'));
    fs.writeFileSync(path.join(dir, 'one.yaml'), VALID);
    fs.writeFileSync(path.join(dir, 'two.yaml'), VALID);
    const { message } = refusal(() => loadBuiltinFrameworks(TEST_KNOWN, dir));
    expect(message).toBe(
      `${path.join(dir, 'two.yaml')}: framework: duplicate framework id "demo", also used by ${path.join(dir, 'one.yaml')}; give each file its own framework id`,
    );
  });

  it('propagates the first bad file with its name', () => {
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'dir-'));
    fs.writeFileSync(path.join(dir, 'bad.yaml'), VALID.replace('check: c_one', 'check: nope'));
    expect(refusal(() => loadBuiltinFrameworks(TEST_KNOWN, dir)).message).toContain(`${path.join(dir, 'bad.yaml')}: mappings[0].check`);
  });
});

describe('mappingVersion', () => {
  const load = (content: string): Framework => loadFramework(writeFile(content), TEST_KNOWN);

  it('is deterministic and ignores comments and formatting', () => {
    const a = load(VALID);
    const b = load(VALID.replace('# a minimal valid file\n', '').replace('controls: [X1, X2]', 'controls:\n      - X1\n      - X2'));
    expect(mappingVersion([a])).toBe(mappingVersion([b]));
    expect(mappingVersion([a])).toMatch(/^demo@1\.0\.0;sha256:[0-9a-f]{16}$/);
  });

  it('changes when a rationale, a mapping or a title changes, even without a version bump', () => {
    const base = mappingVersion([load(VALID)]);
    expect(mappingVersion([load(VALID.replace('because it shows X', 'because it shows Y'))])).not.toBe(base);
    expect(mappingVersion([load(VALID.replace('controls: [X1, X2]', 'controls: [X1]'))])).not.toBe(base);
    expect(mappingVersion([load(VALID.replace('title: First control', 'title: First'))])).not.toBe(base);
  });
});
