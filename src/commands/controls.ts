// `evidence-agent controls`: every control of a framework with the state its checks show now.
import { openAgent, pickFramework } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { latestAttestations } from '../reports/attestations.js';
import { controlStatuses, currentState, summarizeControls } from '../reports/current-state.js';
import { lifecycleOf } from '../reports/event-findings.js';
import { renderTable } from '../reports/table.js';
import { print, printJson, printWarnings } from './print.js';

export interface ControlsOptions extends GlobalOptions {
  framework?: string;
  json?: boolean;
}

export async function controlsCommand(options: ControlsOptions): Promise<number> {
  const agent = await openAgent(options, 'read');
  const frameworks = pickFramework(agent.frameworks, options.framework);
  const store = await agent.openStore('read');
  try {
    const { findings, warnings } = await currentState(store, undefined, lifecycleOf(agent));
    const attestations = await latestAttestations(store, agent.collectors);
    printWarnings(warnings, options.json);
    const report = frameworks.map((framework) => ({
      framework: framework.id,
      title: framework.title,
      version: framework.version,
      controls: controlStatuses(framework, findings, attestations),
    }));
    if (options.json) {
      printJson(options.framework ? report[0]!.controls : report);
      return 0;
    }
    for (const { framework, title, controls } of report) {
      print(`${title} (${framework})`);
      print(
        renderTable(
          ['control', 'state', 'pass', 'fail', 'error', 'checks', 'title'],
          controls.map((c) => [
            c.id,
            `${c.state === 'supported' ? 'supported only (needs manual evidence)' : c.state.replace('_', ' ')}${c.stale ? ' (stale)' : ''}${c.attestation ? ` (attested, ${Date.parse(c.attestation.validUntil) > Date.now() ? 'until' : 'expired'} ${c.attestation.validUntil.slice(0, 10)})` : ''}`,
            String(c.counts.pass),
            String(c.counts.fail),
            String(c.counts.error),
            c.supportingChecks ? `${c.checks.length} (${c.supportingChecks.length} supporting)` : String(c.checks.length),
            c.owner ? `${c.title} (owner: ${c.owner})` : c.title,
          ]),
        ),
      );
      const s = summarizeControls(controls);
      print(
        `\n${controls.length} controls: ${s.passing} passing, ${s.failing} failing, ${s.error} with errors, ` +
          `${s.supported} supported only (their checks pass but only support them: they need manual evidence too), ` +
          `${s.not_evidenced} not evidenced, ${s.manual} need manual evidence (no automated check).\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}
