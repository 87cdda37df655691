// Progress of long work on a terminal (demo days, collection runs, export, coverage of long periods): a
// bar on stderr (cli-progress), so stdout stays the command's result. Nothing at all when stderr is not
// a terminal (a pipe, a file, a container's log, CI) or with --quiet: logs and scripts never see it.
import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';

export interface Progress {
  /** Sets how much is done, and what is being done now. */
  update(done: number, item?: string): void;
  /** Adds to the total (work discovered on the way). */
  setTotal(total: number): void;
  /** Removes the bar (before the command prints its result). */
  stop(): void;
}

const silent: Progress = { update: () => undefined, setTotal: () => undefined, stop: () => undefined };

export interface ProgressOptions {
  quiet?: boolean;
  /** Default: stderr is a terminal. */
  interactive?: boolean;
  stream?: NodeJS.WriteStream;
}

// Loaded only when a bar is drawn.
const require = createRequire(import.meta.url);

/** A bar for `total` units of `unit` (days, runs, snapshots). */
export function startProgress(label: string, total: number, unit: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !(options.interactive ?? stream.isTTY === true)) return silent;
  const { SingleBar: Bar, Presets } = require('cli-progress') as typeof CliProgress;
  const bar: CliProgress.SingleBar = new Bar(
    {
      stream,
      format: `${label} [{bar}] {value}/{total}${unit ? ` ${unit}` : ''} | {duration_formatted} elapsed, ETA {eta_formatted} | {item}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
      fps: 5,
      // An ETA of a few runs of very different lengths would mislead: it says only what it can.
      etaAsynchronousUpdate: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { item: '' });
  return {
    update: (done, item) => bar.update(done, item === undefined ? {} : { item }),
    setTotal: (next) => bar.setTotal(next),
    stop: () => bar.stop(),
  };
}
