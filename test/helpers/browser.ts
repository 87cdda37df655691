// Where the browser tests find a Chromium, and what they do when there is none. `npm test` on a machine
// without one reports them as skipped with the reason; CI sets EVIDENCE_AGENT_REQUIRE_BROWSER=1 so that a
// missing browser fails the run instead of quietly skipping what it is there to check.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian's package first (what .ci/run installs), then the names other distributions use. */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

export type ChromiumLookup = { found: true; path: string } | { found: false; reason: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const chosen = env['CHROMIUM_PATH'];
  if (chosen) {
    return executable(chosen) ? { found: true, path: chosen } : { found: false, reason: `CHROMIUM_PATH=${chosen} is not an executable file` };
  }
  const folders = [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), '/usr/bin'];
  for (const name of NAMES) {
    for (const folder of folders) {
      const path = join(folder, name);
      if (executable(path)) return { found: true, path };
    }
  }
  return { found: false, reason: `no Chromium found (${NAMES.join(', ')} on PATH, or CHROMIUM_PATH): apt-get install chromium to run it` };
}

/** True when a missing browser must fail the tests rather than skip them (CI). */
export function browserRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['EVIDENCE_AGENT_REQUIRE_BROWSER'] === '1';
}

/**
 * The Chromium a browser test launches. Without one: the test is skipped with the reason (`skip` is
 * vitest's context.skip), or fails with it when the browser is required.
 */
export function chromiumOrSkip(skip: (note: string) => never, env: NodeJS.ProcessEnv = process.env): string {
  const lookup = findChromium(env);
  if (lookup.found) return lookup.path;
  if (browserRequired(env)) throw new Error(`EVIDENCE_AGENT_REQUIRE_BROWSER=1 but ${lookup.reason}`);
  // The default reporter counts skips but does not print their notes: say why where it shows.
  console.warn(`browser test skipped: ${lookup.reason}`);
  return skip(lookup.reason);
}
