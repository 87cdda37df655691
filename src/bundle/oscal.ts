// OSCAL 1.1 assessment-results for the period. The plan it imports is a back-matter resource (period,
// scope, frameworks, mapping versions); the metadata names the organization and the tool; one
// inventory item per stream (an AWS account, a GitHub org, as read by one collector) is the subject of
// one observation per snapshot; one finding per automated control links the observations it was judged
// from and states satisfied only when every day was evidenced (passing or excepted). A failure
// (reason "fail") is told apart from a gap (reason "other": not evidenced, never judged), and the
// controls that need manual evidence are listed as not assessed (excluded from the reviewed controls).
// UUIDs derive from the store's id and the period: two stores never share them, and a re-export of the
// same period (with more runs) keeps them.
import type { RunRecord } from '../store/types.js';
import type { CoverageReport } from '../reports/coverage.js';
import { stableUuid } from './ids.js';

export const OSCAL_VERSION = '1.1.2';
const NS = 'https://evidence-agent.dev/ns/oscal';

export interface OscalInput {
  title: string;
  agentVersion: string;
  /** The store's id (recorded at creation; `sha256:<genesis run hash>` for an older store): UUIDs are unique per store. */
  storeId: string;
  /** From the config's `organization.name`; the party the results are prepared for. */
  organization?: string;
  period: { from: string; to: string; timeZone: string; start: string; end: string };
  /** When the store last changed within the export: the end of the last exported run. */
  lastModified: string;
  frameworks: { id: string; title: string; version: string }[];
  mappings: { applied: string; versionsAtCollection: string[] };
  snapshots: RunRecord[];
  coverage: CoverageReport[];
  /** The collector that owns a check, and whether the check evidences only its stream's control (attestations). */
  checkOwner: (checkId: string) => { collector: string; controlFromScope: boolean } | undefined;
}

/** A control id as an OSCAL token (NCName): lower case, anything else an underscore, never a leading digit. */
export function controlToken(id: string): string {
  const token = id.toLowerCase().replace(/[^\p{L}\p{N}._-]/gu, '_');
  return /^(\p{L}|_)/u.test(token) ? token : `_${token}`;
}

export function assessmentResults(input: OscalInput): unknown {
  const store = input.storeId;
  const periodSeed = `${store}/${input.period.start}/${input.period.end}`;
  const prop = (name: string, value: string) => ({ name, ns: NS, value });

  // Subjects: one inventory item per stream, the same UUID in every period of this store.
  const streams = new Map<string, { uuid: string; collector: string; scope: string }>();
  for (const run of input.snapshots) {
    const key = `${run.collector}\u0000${run.scope}`;
    if (!streams.has(key)) streams.set(key, { uuid: stableUuid(store, 'stream', run.collector, run.scope), collector: run.collector, scope: run.scope });
  }
  const inventoryItems = [...streams.values()].map((s) => ({
    uuid: s.uuid,
    description: `${s.scope} as read by the ${s.collector} collector of evidence-agent.`,
    props: [prop('collector', s.collector), prop('scope', s.scope)],
  }));

  const observationUuid = (run: RunRecord) => stableUuid(periodSeed, 'observation', run.id);
  const observations = input.snapshots.map((run) => ({
    uuid: observationUuid(run),
    title: `${run.collector} ${run.scope} snapshot (run ${run.seq})`,
    description: `Automated collection by evidence-agent ${run.agentVersion}: status ${run.status}, ${run.evidenceCount} evidence documents, ${run.apiCalls} API calls; run hash ${run.hash}.`,
    props: [prop('run-seq', String(run.seq)), prop('run-hash', run.hash), prop('run-status', run.status)],
    methods: ['TEST'],
    types: ['control-objective'],
    subjects: [{ 'subject-uuid': streams.get(`${run.collector}\u0000${run.scope}`)!.uuid, type: 'inventory-item', title: `${run.collector} ${run.scope}` }],
    'relevant-evidence': [
      {
        href: 'evidence-index.csv',
        description: `The documents of this snapshot: the rows of evidence-index.csv with run ${run.seq}; each under evidence/<sha256>.json.`,
      },
    ],
    collected: run.finishedAt,
  }));
  const runsByCollector = new Map<string, RunRecord[]>();
  for (const run of input.snapshots) runsByCollector.set(run.collector, [...(runsByCollector.get(run.collector) ?? []), run]);

  const findings = input.coverage.flatMap((report) =>
    report.controls.map((control) => {
      const c = control.counts;
      const state = c.failing === 0 && c.not_evidenced === 0 ? 'satisfied' : 'not-satisfied';
      // A failure is a finding against the control; a gap is the absence of a judgement.
      const reason = c.failing > 0 ? 'fail' : c.not_evidenced > 0 ? 'other' : 'pass';
      const related = relatedRuns(control.id, control.checks, input.checkOwner, runsByCollector);
      return {
        uuid: stableUuid(periodSeed, 'finding', report.framework, control.id),
        title: `${report.framework.toUpperCase()} ${control.id}: ${control.title}`,
        description:
          `${report.days.length} days: ${c.evidenced} evidenced and passing, ${c.excepted} failing under an accepted exception, ` +
          `${c.failing} failing, ${c.not_evidenced} not evidenced. Checks: ${control.checks.join(', ')}.`,
        props: [
          prop('framework', report.framework),
          prop('days-evidenced', String(c.evidenced)),
          prop('days-excepted', String(c.excepted)),
          prop('days-failing', String(c.failing)),
          prop('days-not-evidenced', String(c.not_evidenced)),
          prop('coverage', c.failing > 0 ? 'failing' : c.not_evidenced > 0 ? 'not-evidenced' : 'evidenced'),
        ],
        links: [
          {
            href: `controls/${report.framework}/${control.id}/findings.csv`,
            rel: 'reference',
            'media-type': 'text/csv',
            text: 'every finding behind every day of this control',
          },
        ],
        target: {
          type: 'objective-id',
          'target-id': controlToken(control.id),
          status: {
            state,
            reason,
            ...(reason === 'other'
              ? {
                  remarks: `Not evidenced on ${c.not_evidenced} of ${report.days.length} days (no valid snapshot, an event gap or a check that could not judge): not a failure, and not a pass.`,
                }
              : {}),
          },
        },
        ...(related.length > 0 ? { 'related-observations': related.map((run) => ({ 'observation-uuid': observationUuid(run) })) } : {}),
      };
    }),
  );

  const manual = input.coverage.flatMap((report) => report.manual.map((m) => ({ framework: report.framework, id: m.id })));
  const planUuid = stableUuid(periodSeed, 'assessment-plan');
  const toolUuid = stableUuid('evidence-agent', 'tool');
  const organizationUuid = input.organization ? stableUuid(store, 'organization', input.organization) : undefined;
  const frameworkList = input.frameworks.map((f) => `${f.id} (${f.title}, version ${f.version})`).join('; ');
  const scope = [...streams.values()].map((s) => `${s.collector} ${s.scope}`).join(', ') || 'no snapshot in the period';

  return {
    'assessment-results': {
      uuid: stableUuid(periodSeed, 'assessment-results'),
      metadata: {
        title: input.title,
        'last-modified': input.lastModified,
        version: input.agentVersion,
        'oscal-version': OSCAL_VERSION,
        props: [prop('store-id', store)],
        roles: [...(organizationUuid ? [{ id: 'prepared-for', title: 'Prepared For' }] : []), { id: 'prepared-by', title: 'Prepared By' }],
        parties: [
          ...(organizationUuid ? [{ uuid: organizationUuid, type: 'organization', name: input.organization! }] : []),
          {
            uuid: toolUuid,
            type: 'organization',
            name: 'evidence-agent',
            remarks: `The open-source evidence collector that gathered, judged and exported this evidence (version ${input.agentVersion}).`,
          },
        ],
        'responsible-parties': [
          ...(organizationUuid ? [{ 'role-id': 'prepared-for', 'party-uuids': [organizationUuid] }] : []),
          { 'role-id': 'prepared-by', 'party-uuids': [toolUuid] },
        ],
      },
      'import-ap': { href: `#${planUuid}` },
      results: [
        {
          uuid: stableUuid(periodSeed, 'result'),
          title: `Automated evidence ${input.period.from} to ${input.period.to} (${input.period.timeZone})`,
          description: 'Configuration and event evidence collected by evidence-agent, judged by its checks and mapped to the frameworks in scope.',
          start: input.period.start,
          end: input.period.end,
          ...(inventoryItems.length > 0 ? { 'local-definitions': { 'inventory-items': inventoryItems } } : {}),
          'reviewed-controls': {
            'control-selections': [
              {
                description:
                  manual.length === 0
                    ? 'Every control of the frameworks in scope, each judged from automated checks.'
                    : 'Every control of the frameworks in scope that automated checks evidence. The excluded controls need manual evidence: evidence-agent did not assess them (attestations recorded for them are observations, and their files are under attestations/).',
                'include-all': {},
                ...(manual.length > 0 ? { 'exclude-controls': manual.map((m) => ({ 'control-id': controlToken(m.id) })) } : {}),
              },
            ],
            ...(manual.length > 0
              ? { remarks: `Not assessed (manual evidence): ${manual.map((m) => `${m.framework.toUpperCase()} ${m.id}`).join(', ')}.` }
              : {}),
          },
          ...(observations.length > 0 ? { observations } : {}),
          ...(findings.length > 0 ? { findings } : {}),
        },
      ],
      'back-matter': {
        resources: [
          {
            uuid: planUuid,
            title: `Assessment plan: evidence-agent period ${input.period.from} to ${input.period.to}`,
            description:
              `Period ${input.period.from} to ${input.period.to} in ${input.period.timeZone} (${input.period.start} to ${input.period.end}). ` +
              `Scope: ${scope}. Frameworks: ${frameworkList}. Mappings applied: ${input.mappings.applied}; mapping versions recorded at collection: ` +
              `${input.mappings.versionsAtCollection.join(', ') || 'none'}. Store ${store}.`,
            props: [
              prop('period-start', input.period.start),
              prop('period-end', input.period.end),
              prop('time-zone', input.period.timeZone),
              ...input.frameworks.map((f) => prop('framework', `${f.id} ${f.version}`)),
              prop('mappings-applied', input.mappings.applied),
              ...input.mappings.versionsAtCollection.map((v) => prop('mapping-version', v)),
              ...[...streams.values()].map((s) => prop('stream', `${s.collector} ${s.scope}`)),
            ],
            rlinks: [{ href: 'manifest.json', 'media-type': 'application/json' }],
          },
        ],
      },
    },
  };
}

/**
 * The snapshots a control's finding was judged from: the runs of the collectors owning its checks (for a
 * check that evidences only its stream's control, an attestation, the runs of that control's stream).
 */
function relatedRuns(controlId: string, checks: string[], checkOwner: OscalInput['checkOwner'], runsByCollector: Map<string, RunRecord[]>): RunRecord[] {
  const runs = new Map<number, RunRecord>();
  for (const check of checks) {
    const owner = checkOwner(check);
    if (!owner) continue;
    for (const run of runsByCollector.get(owner.collector) ?? []) {
      if (!owner.controlFromScope || run.scope === controlId) runs.set(run.seq, run);
    }
  }
  return [...runs.values()].sort((a, b) => a.seq - b.seq);
}
