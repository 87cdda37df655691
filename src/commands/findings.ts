// `evidence-agent findings`: the findings of the latest snapshots (or as of --at), with every event
// failure not yet reviewed, filterable by status (`reviewed`: event failures someone reviewed), framework
// and control; --fail-on turns failing findings into exit code 1 for pipelines.
import { openAgent, pickFramework } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { currentState } from '../reports/current-state.js';
import { lifecycleOf } from '../reports/event-findings.js';
import { breaches, findingRows, findingsSummary, findingsTable } from '../reports/findings.js';
import { FINDING_STATUSES, SEVERITIES, parseAsOf, parseChoice } from './options.js';
import { print, printJson, printWarnings } from './print.js';

export interface FindingsOptions extends GlobalOptions {
  status?: string;
  framework?: string;
  control?: string;
  at?: string;
  json?: boolean;
  failOn?: string;
}

export async function findingsCommand(options: FindingsOptions): Promise<number> {
  const status = options.status ? parseChoice('--status', options.status, FINDING_STATUSES) : undefined;
  const failOn = options.failOn ? parseChoice('--fail-on', options.failOn, SEVERITIES) : undefined;
  const at = options.at ? parseAsOf('--at', options.at) : undefined;
  const agent = await openAgent(options, 'read');
  const frameworks = pickFramework(agent.frameworks, options.framework);
  if (options.control && !frameworks.some((f) => f.checksByControl.has(options.control!))) {
    throw new CliError(`--control: "${options.control}" is not a control of ${frameworks.map((f) => f.id).join(' or ')} (see \`evidence-agent controls\`)`);
  }

  const store = await agent.openStore('read');
  try {
    const state = await currentState(store, at, lifecycleOf(agent));
    printWarnings(state.warnings, options.json);
    const rows = findingRows(state.findings, { collectors: agent.collectors, frameworks }, { status, framework: options.framework, control: options.control });
    if (options.json) printJson(rows);
    else if (rows.length === 0) print('No findings match.');
    else {
      print(findingsTable(rows));
      print(findingsSummary(rows));
    }
    return breaches(rows, failOn).length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}
