// `evidence-agent doctor [--json] [--send-test]`: checks a deployment before it collects (src/doctor/);
// exit 1 on any problem. Writes nothing to the store.
import { renderDoctor } from '../doctor/render.js';
import { runDoctor } from '../doctor/run.js';
import type { DoctorOptions } from '../doctor/run.js';
import { print, printJson } from './print.js';

export async function doctorCommand(options: DoctorOptions & { json?: boolean }): Promise<number> {
  const report = await runDoctor(options);
  if (options.json) printJson(report);
  else print(renderDoctor(report));
  return report.ok ? 0 : 1;
}
