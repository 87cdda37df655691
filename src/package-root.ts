// Locates the package's own folder (the one holding package.json) by walking up from this module, so the
// shipped mappings/ folder is found from src/mapping/ (vitest, tsx) and from dist/src/mapping/ (after tsc).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}; is the package installed intact?`);
    dir = parent;
  }
}
