// A user's control set: loaded as a framework whose controls are evidenced by their checks and by the
// checks of the criteria they are mapped to; every mistake is refused naming the file, path and line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCheckIds } from '../src/agent.js';
import { loadControlSet } from '../src/mapping/control-set.js';
import { loadBuiltinFrameworks } from '../src/mapping/load.js';

const checkIds = allCheckIds();
const builtin = loadBuiltinFrameworks(checkIds);
const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-controls-'));

function load(yaml: string) {
  const file = join(dir, `set-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return () => loadControlSet(file, checkIds, builtin);
}

const header = 'framework: acme\ntitle: Acme controls\nversion: "1.0.0"\ncontrols:\n';

describe('a custom control set', () => {
  it('maps each control to its checks and to the checks of its criteria', () => {
    const framework = load(`${header}  - id: AC-01
    title: Root account protected
    owner: security@acme.example
    description: The root user has MFA.
    checks: [aws_iam_root_mfa_enabled]
  - id: AC-03
    title: Quarterly access review
    criteria: [CC6.2, ITGC-AC-05]
  - id: PO-01
    title: Policies acknowledged
`)();
    const soc2 = builtin.find((f) => f.id === 'soc2')!;
    const soc1 = builtin.find((f) => f.id === 'soc1')!;
    expect(framework).toMatchObject({ id: 'acme', title: 'Acme controls', custom: true });
    expect(framework.checksByControl.get('AC-01')).toEqual(['aws_iam_root_mfa_enabled']);
    expect(framework.checksByControl.get('AC-03')).toEqual(
      [...new Set([...soc2.checksByControl.get('CC6.2')!, ...soc1.checksByControl.get('ITGC-AC-05')!])].sort(),
    );
    expect(framework.checksByControl.get('PO-01')).toEqual([]);
    expect(framework.controls[0]).toMatchObject({ id: 'AC-01', owner: 'security@acme.example', group: 'Acme controls', criteria: [] });
  });

  it.each([
    [
      'an unknown check id',
      `${header}  - id: AC-01\n    title: Root\n    checks: [aws_iam_root_mfa_enable]\n`,
      /set-\w+\.yaml: controls\[0\]\.checks\[0\] \(line 7\): unknown check id "aws_iam_root_mfa_enable"; did you mean "aws_iam_root_mfa_enabled"\?/,
    ],
    [
      'an unknown criterion',
      `${header}  - id: AC-01\n    title: Root\n    criteria: [CC6.9]\n`,
      /controls\[0\]\.criteria\[0\] \(line 7\): unknown criterion "CC6\.9"; use a SOC 2 criterion/,
    ],
    [
      'a duplicate control id',
      `${header}  - { id: AC-01, title: A }\n  - { id: AC-01, title: B }\n`,
      /controls\[1\]\.id \(line 6\): duplicate control id "AC-01" \(first at controls\[0\]\)/,
    ],
    ['a control id of a built-in framework', `${header}  - { id: CC6.2, title: A }\n`, /controls\[0\]\.id \(line 5\): "CC6\.2" is already a control of soc2/],
    ['a built-in framework id', header.replace('acme', 'soc2') + '  - { id: AC-01, title: A }\n', /framework \(line 1\): "soc2" is already the id of SOC 2/],
    ['a misspelt key', `${header}  - { id: AC-01, title: A, owenr: me }\n`, /controls\[0\]\.owenr \(line 5\): unknown key "owenr"; did you mean "owner"\?/],
    ['no title', `${header}  - { id: AC-01 }\n`, /controls\[0\]\.title \(line 5\): missing required key; write the title as one line of text/],
  ])('with %s is refused naming the file, the path and the line', (_, yaml, message) => {
    expect(load(yaml)).toThrow(message);
  });
});
