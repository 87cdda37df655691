// OSCAL 1.1 assessment-results for the period: one result covering the period, one observation per
// snapshot (a collection of a collector on a scope), and one finding per control with its coverage
// state (satisfied only when every day was evidenced and passing or excepted).
import type { RunRecord } from '../store/types.js';
import type { CoverageReport } from '../reports/coverage.js';
import { stableUuid } from './ids.js';

export const OSCAL_VERSION = '1.1.2';

export interface OscalInput {
  title: string;
  agentVersion: string;
  periodStart: string;
  periodEnd: string;
  snapshots: RunRecord[];
  coverage: CoverageReport[];
}

export function assessmentResults(input: OscalInput): unknown {
  const seed = `${input.periodStart}/${input.periodEnd}`;
  const observations = input.snapshots.map((run) => ({
    uuid: stableUuid(seed, 'observation', run.id),
    title: `${run.collector} ${run.scope} snapshot (run ${run.seq})`,
    description: `Automated collection by evidence-agent ${run.agentVersion}: status ${run.status}, ${run.evidenceCount} evidence documents, ${run.apiCalls} API calls; run hash ${run.hash}.`,
    methods: ['TEST'],
    types: ['control-objective'],
    collected: run.finishedAt,
    props: [
      { name: 'run-hash', ns: 'https://evidence-agent.dev/ns/oscal', value: run.hash },
      { name: 'run-status', ns: 'https://evidence-agent.dev/ns/oscal', value: run.status },
    ],
  }));
  const findings = input.coverage.flatMap((report) =>
    report.controls.map((control) => {
      const c = control.counts;
      const satisfied = c.failing === 0 && c.not_evidenced === 0;
      return {
        uuid: stableUuid(seed, 'finding', report.framework, control.id),
        title: `${report.framework.toUpperCase()} ${control.id}: ${control.title}`,
        description:
          `${report.days.length} days: ${c.evidenced} evidenced and passing, ${c.excepted} failing under an accepted exception, ` +
          `${c.failing} failing, ${c.not_evidenced} not evidenced. Checks: ${control.checks.join(', ')}.`,
        target: {
          type: 'objective-id',
          'target-id': control.id.toLowerCase(),
          status: { state: satisfied ? 'satisfied' : 'not-satisfied' },
        },
      };
    }),
  );
  return {
    'assessment-results': {
      uuid: stableUuid(seed, 'assessment-results'),
      metadata: {
        title: input.title,
        'last-modified': input.periodEnd,
        version: input.agentVersion,
        'oscal-version': OSCAL_VERSION,
      },
      'import-ap': { href: '#assessment-plan-not-included' },
      results: [
        {
          uuid: stableUuid(seed, 'result'),
          title: `Automated evidence ${input.periodStart} to ${input.periodEnd}`,
          description: 'Configuration and event evidence collected by evidence-agent, judged by its checks and mapped to the frameworks in scope.',
          start: input.periodStart,
          end: input.periodEnd,
          'reviewed-controls': { 'control-selections': [{ 'include-all': {} }] },
          ...(observations.length > 0 ? { observations } : {}),
          ...(findings.length > 0 ? { findings } : {}),
        },
      ],
    },
  };
}
