// Mappings claim no more than their checks show. Every rationale names what its check shows, by a rule a
// test can check: it uses at least two of the key words of the check's title (one when the title has only
// one), matched by stem, so it speaks of the thing judged and of what is judged about it, not only of the
// control. An entry that only supports a control (`supports`) names that control in its rationale, saying why
// only that. A supporting check fails its control when it fails, but its passes never evidence the control
// alone: `controls` shows it "supported" and coverage "not evidenced" with the cause, until an attestation.
// The overclaims found in review stay removed, and ITGC-CM-05 fails on the sandbox's admin bypass.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinCollectors } from '../collectors/index.js';
import { github } from '../collectors/github/index.js';
import { githubOptionsSchema } from '../collectors/github/schema.js';
import { manual } from '../collectors/manual/index.js';
import { recordAttestation } from '../src/attest/record.js';
import type { Collector } from '../src/collector.js';
import { loadControlSet } from '../src/mapping/control-set.js';
import { loadFramework, loadBuiltinFrameworks, MappingError } from '../src/mapping/load.js';
import type { Framework } from '../src/mapping/load.js';
import { mappingsDocument } from '../src/mapping/stored.js';
import { silentLogger } from '../src/logging.js';
import { buildCoverage } from '../src/reports/coverage.js';
import { controlStatuses, currentState } from '../src/reports/current-state.js';
import { runCollectors } from '../src/runner.js';
import { GitHubSandbox, SANDBOX_ORG } from '../sandbox/github/index.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/types.js';
import { serveGitHubSandbox } from './helpers/github-sandbox-nock.js';
import { historyDay, mfaCheck, runOnDay } from './helpers/period-history.js';
import type { FakeOptions } from './helpers/period-history.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const CHECKS = new Map(builtinCollectors.flatMap((c) => c.checks.map((k) => [k.id, k] as const)));
const SHIPPED = loadBuiltinFrameworks(new Set(CHECKS.keys()));
const soc1 = SHIPPED.find((f) => f.id === 'soc1')!;
const soc2 = SHIPPED.find((f) => f.id === 'soc2')!;

// Words that say nothing of what a check shows: grammar, and the names of the systems every check reads.
const FILLER = new Set(
  'the and for are has have with without from its their every each not any all can cannot was were when only unless other than someone who into does did aws iam github organization repository repositories'.split(
    ' ',
  ),
);
const keyWords = (text: string) => [
  ...new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 3 && !FILLER.has(w)),
  ),
];
/** Same stem: one word starts the other ("log", "logging"), or both share their first five letters ("rotated", "rotation"). */
const sameStem = (a: string, b: string) => a.startsWith(b) || b.startsWith(a) || (a.length >= 5 && b.length >= 5 && a.slice(0, 5) === b.slice(0, 5));

/** The title words a rationale names, and how many it must name. */
function namesWhatItShows(checkTitle: string, rationale: string): { named: string[]; needed: number } {
  const title = keyWords(checkTitle);
  const said = keyWords(rationale);
  return { named: title.filter((t) => said.some((w) => sameStem(t, w))), needed: Math.min(2, title.length) };
}

describe('the rationale rule', () => {
  it('accepts a rationale naming the subject and the property, refuses one that speaks only of the control', () => {
    const title = 'Outside collaborators are on the allow-list';
    expect(namesWhatItShows(title, 'Each outside collaborator is on the configured allow-list, so their access is approved.').named).toEqual([
      'outside',
      'collaborators',
      'allow',
      'list',
    ]);
    expect(namesWhatItShows(title, 'Access held by non-members can be reviewed with the periodic access review.').named).toEqual([]);
    expect(namesWhatItShows('Trails validate their log files', 'Signed digests make logging tamper-evident.').named).toEqual(['log']);
  });

  it('holds for every shipped mapping, and every supported control is named in its rationale', () => {
    const problems: string[] = [];
    for (const framework of SHIPPED) {
      for (const mapping of framework.mappings) {
        const check = CHECKS.get(mapping.checkId)!;
        const { named, needed } = namesWhatItShows(check.title, mapping.rationale);
        if (named.length < needed)
          problems.push(`${framework.id} ${mapping.checkId}: names ${named.length} of "${check.title}" (${needed} needed): ${mapping.rationale}`);
        for (const control of mapping.supports ?? []) {
          if (!mapping.rationale.includes(control)) problems.push(`${framework.id} ${mapping.checkId}: supports ${control} without naming it in the rationale`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the overclaims found in review', () => {
  const evidences = (f: Framework, check: string) => f.mappings.find((m) => m.checkId === check)?.controlIds ?? [];
  const supports = (f: Framework, check: string) => f.mappings.find((m) => m.checkId === check)?.supports ?? [];
  const cites = (f: Framework, check: string) => f.controlsByCheck.get(check) ?? [];

  it('stay removed or weakened to supports', () => {
    // A static allow-list is no periodic access review.
    expect(cites(soc1, 'github_org_outside_collaborators_approved')).not.toContain('ITGC-AC-04');
    // Webhook TLS says nothing of an interface's completeness; delivery errors of a trail are no failed job;
    // Dependabot switched on is no incident management.
    expect(cites(soc1, 'github_org_webhooks_secure')).not.toContain('ITGC-OPS-06');
    expect(cites(soc1, 'aws_cloudtrail_trail_delivery_errors_absent')).not.toContain('ITGC-OPS-02');
    expect(cites(soc1, 'github_repo_dependabot_alerts_enabled')).not.toContain('ITGC-OPS-05');
    // No direct user policies shows access comes by group, not that a request was approved.
    expect(evidences(soc1, 'aws_iam_user_no_direct_policies')).not.toContain('ITGC-AC-01');
    expect(supports(soc1, 'aws_iam_user_no_direct_policies')).toContain('ITGC-AC-01');
    // Emergency changes: the checks that find bypasses only support ITGC-CM-05, and nothing evidences it alone.
    expect(soc1.checksByControl.get('ITGC-CM-05')!.sort()).toEqual(['github_pull_request_independently_approved', 'github_repo_direct_pushes_absent']);
    expect([...soc1.supportingChecks!.get('ITGC-CM-05')!].sort()).toEqual(['github_pull_request_independently_approved', 'github_repo_direct_pushes_absent']);
    // Logging stopped is a monitoring event (CC7.2, CC7.3), not a change-management failure (CC8.1).
    expect(cites(soc2, 'aws_cloudtrail_logging_not_stopped')).toEqual(['CC7.2', 'CC7.3']);
  });
});

const tmp = mkdtempSync(join(tmpdir(), 'evidence-agent-supports-'));
const fileWith = (content: string) => {
  const file = join(mkdtempSync(join(tmp, 'case-')), 'mapping.yaml');
  writeFileSync(file, content);
  return file;
};
const FILE = (mappings: string) => `framework: demo
title: Demo
version: 1.0.0
controls:
  - { id: X1, group: G, title: Evidenced by the check }
  - { id: X2, group: G, title: Only supported by the check }
mappings:
${mappings}`;
const KNOWN = new Set(['test_hr_user_mfa_enabled']);

describe('the supports relation in a mapping file', () => {
  it('loads supports apart from controls, and an entry that only supports', () => {
    const f = loadFramework(
      fileWith(FILE('  - check: test_hr_user_mfa_enabled\n    controls: [X1]\n    supports: [X2]\n    rationale: users have MFA; supports X2 only\n')),
      KNOWN,
    );
    expect(f.mappings).toEqual([{ checkId: 'test_hr_user_mfa_enabled', controlIds: ['X1'], supports: ['X2'], rationale: 'users have MFA; supports X2 only' }]);
    expect(f.checksByControl.get('X2')).toEqual(['test_hr_user_mfa_enabled']);
    expect(f.controlsByCheck.get('test_hr_user_mfa_enabled')).toEqual(['X1', 'X2']);
    expect(f.supportingChecks!.get('X2')).toEqual(new Set(['test_hr_user_mfa_enabled']));
    expect(f.supportingChecks!.has('X1')).toBe(false);
    const only = loadFramework(
      fileWith(FILE('  - check: test_hr_user_mfa_enabled\n    supports: [X2]\n    rationale: users have MFA; supports X2 only\n')),
      KNOWN,
    );
    expect(only.mappings[0]).toMatchObject({ controlIds: [], supports: ['X2'] });
    // Stored with each run, so a period judged "as collected" knows what only supported then.
    expect(mappingsDocument([f]).data).toEqual({
      versions: { demo: '1.0.0' },
      checksByControl: { demo: { X1: ['test_hr_user_mfa_enabled'], X2: ['test_hr_user_mfa_enabled'] } },
      supportsByControl: { demo: { X2: ['test_hr_user_mfa_enabled'] } },
    });
  });

  it('refuses a control both evidenced and supported, an unknown one, and an entry with neither', () => {
    const refused = (mappings: string) => {
      try {
        loadFramework(fileWith(FILE(mappings)), KNOWN);
      } catch (error) {
        expect(error).toBeInstanceOf(MappingError);
        return (error as Error).message;
      }
      throw new Error('loaded');
    };
    expect(refused('  - check: test_hr_user_mfa_enabled\n    controls: [X1]\n    supports: [X1]\n    rationale: users have MFA\n')).toMatch(
      /mappings\[0\]\.supports\[0\].*control "X1" is listed twice in this entry \(first at controls\[0\]\); a check either evidences a control or supports it: keep one/,
    );
    expect(refused('  - check: test_hr_user_mfa_enabled\n    supports: [X9]\n    rationale: users have MFA\n')).toMatch(
      /mappings\[0\]\.supports\[0\].*unknown control id "X9"/,
    );
    expect(refused('  - check: test_hr_user_mfa_enabled\n    rationale: users have MFA\n')).toMatch(
      /mappings\[0\]\.controls.*name at least one control id \(under controls, or under supports\)/,
    );
  });
});

describe('a custom control mapped to criteria', () => {
  it('inherits a check as supporting only when each criterion it comes from only supports it', () => {
    const file = fileWith(`framework: acme
title: Acme controls
version: "1.0.0"
controls:
  - id: CH-09
    title: Emergency changes approved afterwards
    criteria: [ITGC-CM-05]
  - id: CH-10
    title: Changes approved and emergencies handled
    criteria: [ITGC-CM-03, ITGC-CM-05]
  - id: CH-11
    title: Emergency pushes named
    checks: [github_repo_direct_pushes_absent]
    criteria: [ITGC-CM-05]
`);
    const acme = loadControlSet(file, new Set(CHECKS.keys()), SHIPPED);
    expect([...acme.supportingChecks!.get('CH-09')!].sort()).toEqual(['github_pull_request_independently_approved', 'github_repo_direct_pushes_absent']);
    // ITGC-CM-03 is evidenced by the approval check: through it, the check evidences CH-10.
    expect([...acme.supportingChecks!.get('CH-10')!].sort()).toEqual([
      'github_repo_codeowners_present',
      'github_repo_default_branch_protected',
      'github_repo_direct_pushes_absent',
    ]);
    // Named under checks, a check evidences the control whatever the criteria say.
    expect([...acme.supportingChecks!.get('CH-11')!]).toEqual(['github_pull_request_independently_approved']);
  });
});

/** Day n: every user has MFA until day 3, when carol loses it. */
const hr: Collector<FakeOptions> = {
  id: 'test-hr',
  title: 'Test HR',
  optionsSchema: z.object({ timeoutSeconds: z.number() }),
  permissions: ['hr:Read'],
  checks: [mfaCheck()],
  defaultSchedule: '0 6 * * *',
  scopes: () => [{ key: 'org-1', settings: {} }],
  collect: async (ctx) => {
    const n = Math.round((ctx.now().getTime() - historyDay(0).getTime()) / 86_400_000);
    return {
      evidence: [
        { type: 'test.user', resourceId: 'alice', schemaVersion: 1, data: { mfa: true } },
        { type: 'test.user', resourceId: 'carol', schemaVersion: 1, data: { mfa: n < 3 } },
      ],
      errors: [],
    };
  },
};

describe('a control its checks only support', () => {
  const framework = () =>
    loadFramework(
      fileWith(FILE('  - check: test_hr_user_mfa_enabled\n    controls: [X1]\n    supports: [X2]\n    rationale: users have MFA; supports X2 only\n')),
      KNOWN,
    );

  it('is "supported" in controls while its checks pass, failing when one fails, passing once attested', async () => {
    const f = framework();
    const store = openStore(tempDbPath());
    try {
      for (let n = 0; n <= 2; n++) await runOnDay(store, hr, n);
      const passing = controlStatuses(f, (await currentState(store)).findings);
      expect(passing.map((c) => [c.id, c.state, c.supportingChecks ?? []])).toEqual([
        ['X1', 'passing', []],
        ['X2', 'supported', ['test_hr_user_mfa_enabled']],
      ]);
      const attestation = {
        control: 'X2',
        framework: 'demo',
        note: 'reviewed by hand',
        attestedBy: 'ciso',
        attestedAt: '2026-01-03T07:00:00.000Z',
        validUntil: '2026-04-03T07:00:00.000Z',
        file: { name: 'r.pdf', sha256: 'ab', bytes: 1 },
        runSeq: 9,
      };
      expect(controlStatuses(f, (await currentState(store)).findings, [attestation], new Date('2026-01-04T00:00:00Z'))[1]!.state).toBe('passing');
      await runOnDay(store, hr, 3);
      const failing = controlStatuses(f, (await currentState(store)).findings);
      expect(failing.map((c) => [c.id, c.state])).toEqual([
        ['X1', 'failing'],
        ['X2', 'failing'],
      ]);
    } finally {
      await store.close();
    }
  });

  it('is not evidenced in coverage on the days its checks pass (with the cause), failing when one fails, evidenced when attested', async () => {
    const f = framework();
    const store = openStore(tempDbPath());
    try {
      for (let n = 0; n <= 3; n++) await runOnDay(store, hr, n, { mappings: [f] });
      const evidence = join(tmp, 'review.txt');
      writeFileSync(evidence, 'X2 reviewed by hand\n');
      await recordAttestation(
        { control: 'X2', framework: 'demo', file: evidence, note: 'X2 reviewed', validDays: 1, attestedBy: 'ciso@example.com' },
        {
          store,
          logger: silentLogger(),
          mappingVersion: 'test',
          configDigest: 'test',
          mappings: [f],
          collectors: builtinCollectors,
          now: () => new Date('2026-01-02T07:00:00Z'),
        },
      );
      for (const asCollected of [false, true]) {
        const report = await buildCoverage(store, f, { from: '2026-01-01', to: '2026-01-04', timeZone: 'UTC', collectors: [hr, manual], asCollected });
        const day = (id: string) => report.controls.find((c) => c.id === id)!.days;
        expect(day('X1').map((d) => d.state)).toEqual(['evidenced', 'evidenced', 'evidenced', 'failing']);
        // Attested for one day from 01-02 07:00: 01-02 and 01-03 (until 07:00) are evidenced.
        expect(
          day('X2').map((d) => d.state),
          `asCollected ${asCollected}`,
        ).toEqual(['not_evidenced', 'evidenced', 'evidenced', 'failing']);
        expect(day('X2')[0]!.causes).toContain(
          'only checks that support X2 passed (test_hr_user_mfa_enabled); they do not evidence it alone: record manual evidence (evidence-agent attest --control X2)',
        );
      }
    } finally {
      await store.close();
    }
  });
});

describe('ITGC-CM-05 emergency changes over the sandbox organization', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('fails on the admin bypass "Emergency rollback", which no other mapping of CM-05 hides', async () => {
    const END = new Date('2026-03-31T00:00:00Z');
    const sandbox = new GitHubSandbox({ historyEnd: END, historyDays: 30 });
    const at = new Date(END.getTime() - 7 * 86_400_000 + 6 * 3_600_000);
    serveGitHubSandbox(sandbox, () => at);
    const store: EvidenceStore = openStore(tempDbPath());
    try {
      const batch = await runCollectors(
        [
          {
            collector: github as Collector<unknown>,
            options: githubOptionsSchema.parse({ auth: { token: 'sandbox-token' }, orgs: [SANDBOX_ORG], changes: { backfillDays: 10 } }),
          },
        ],
        {
          store,
          logger: silentLogger(),
          agentVersion: 'test',
          mappingVersion: 'test',
          configDigest: 'test',
          now: () => at,
          clientEnvironment: { github: { baseUrl: 'https://api.github.com', retryAfterBaseMs: 1, unlimitedRate: true } },
        },
      );
      expect(batch.runs[0]!.status).toBe('ok');
      const cm05 = controlStatuses(soc1, (await currentState(store)).findings).find((c) => c.id === 'ITGC-CM-05')!;
      expect(cm05.state).toBe('failing');
      expect(
        cm05.failing.some(
          (f) => f.checkId === 'github_pull_request_independently_approved' && /Emergency rollback/.test(f.message) && /protection bypassed/.test(f.message),
        ),
      ).toBe(true);
    } finally {
      await store.close();
    }
  });
});
