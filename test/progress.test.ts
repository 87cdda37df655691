// Progress bars: drawn on stderr when it is a terminal, never into a pipe, a file or a log, nor with
// --quiet. The demo in a real pseudo-terminal (util-linux `script`) shows its bar; the same demo piped
// shows none.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startProgress } from '../src/progress.js';
import { cliArgv } from './helpers/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ea-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A terminal-like stream that keeps what is drawn. */
function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; drawn: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 120, rows: 30, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream, drawn: () => text };
}

describe('progress', () => {
  it('draws a bar with the count and the item on a terminal', () => {
    const { stream, drawn } = terminal(true);
    const progress = startProgress('demo', 30, 'days', { stream });
    progress.update(12, '2026-11-18');
    progress.stop();
    expect(drawn()).toContain('12/30 days');
    expect(drawn()).toContain('2026-11-18');
  });

  it('draws nothing into a pipe or a file, or with --quiet', () => {
    for (const [isTTY, quiet] of [
      [false, false],
      [true, true],
    ] as const) {
      const { stream, drawn } = terminal(isTTY);
      const progress = startProgress('demo', 30, 'days', { stream, quiet });
      progress.update(12, 'x');
      progress.stop();
      expect(drawn()).toBe('');
    }
  });

  const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;
  it.skipIf(!hasScript)(
    'the demo shows its bar in a terminal, and none when piped',
    () => {
      const command = [process.execPath, ...cliArgv(['demo', '--days', '2', '--db', join(dir, 'tty.db')])].map((a) => `'${a}'`).join(' ');
      const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', COLUMNS: '160' };
      const tty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env, timeout: 120_000 });
      expect(tty.status).toBe(0);
      expect(tty.stdout).toMatch(/demo \[[█░]+\] [01]\/2 days/);
      const piped = spawnSync(process.execPath, cliArgv(['demo', '--days', '2', '--db', join(dir, 'pipe.db')]), { encoding: 'utf8', env, timeout: 120_000 });
      expect(piped.status).toBe(0);
      expect(piped.stderr + piped.stdout).not.toMatch(/\/2 days/);
    },
    240_000,
  );
});
