// The import graph of src/, collectors/ and sandbox/: import circles (strongly connected files) and imports that
// run back up the layers below. `tsx scripts/import-graph.ts` prints both; test/architecture/imports
// .test.ts holds them at zero.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The layers, lowest first: a module imports its own layer or those below, never one above. The first
 * prefix that matches a file (relative to the project) decides its layer.
 */
export const LAYERS: readonly { name: string; prefixes: readonly string[] }[] = [
  // What everything may use: the contract, hashing, text, errors, logging, secrets.
  {
    name: 'foundation',
    prefixes: [
      'src/collector.ts',
      'src/contract.ts',
      'src/judging.ts',
      'src/canonical.ts',
      'src/cli-error.ts',
      'src/describe-error.ts',
      'src/glob.ts',
      'src/logging.ts',
      'src/output.ts',
      'src/package-root.ts',
      'src/page-guard.ts',
      'src/redaction.ts',
      'src/suggest.ts',
      'src/terminal-text.ts',
      'src/version.ts',
      'src/schedule.ts',
      'src/progress.ts',
      'src/registry.ts',
      'src/compare-strings.ts',
      'src/attestation.ts',
    ],
  },
  // Parts with one job each: collectors, config, the registry's loading, mappings, the store, exceptions, external modules, the sandbox.
  {
    name: 'parts',
    prefixes: [
      'collectors/',
      'src/config/',
      'src/registry-load.ts',
      'src/mapping/',
      'src/store/',
      'src/exceptions/',
      'src/plugins/',
      'sandbox/',
      'src/aws-credential-sources.ts',
    ],
  },
  // One run, and the views computed from the store.
  { name: 'run and reports', prefixes: ['src/runner.ts', 'src/collect-now.ts', 'src/evaluate-checks.ts', 'src/reports/'] },
  // What is made of runs and reports: the digest, the bundle, attestations, reviews, verify's reports, the daemon, doctor.
  { name: 'products', prefixes: ['src/digest/', 'src/bundle/', 'src/attest/', 'src/review/', 'src/verify/', 'src/daemon/', 'src/demo/', 'src/sampling/'] },
  // The one place that assembles the agent, and `doctor`, which diagnoses that assembly.
  { name: 'assembly', prefixes: ['src/agent.ts', 'src/agent-store.ts', 'src/doctor/'] },
  // The command line.
  { name: 'commands', prefixes: ['src/commands/', 'src/cli.ts', 'src/cli-program.ts', 'src/completion.ts'] },
];

export function layerOf(file: string): number {
  const index = LAYERS.findIndex((layer) => layer.prefixes.some((prefix) => (prefix.endsWith('/') ? file.startsWith(prefix) : file === prefix)));
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** file (relative to the root) -> the project files it imports (type-only imports included: they bind the parts too). */
export function importGraph(root = ROOT, dirs: readonly string[] = ['src', 'collectors', 'sandbox']): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of dirs.filter((d) => existsSync(join(root, d)))) {
    for (const path of sourceFiles(join(root, dir))) {
      const { importedFiles } = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
      const targets = importedFiles
        .map((imported) => imported.fileName)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => relative(root, resolve(dirname(path), spec.replace(/\.js$/, '.ts'))));
      graph.set(relative(root, path), [...new Set(targets)]);
    }
  }
  return graph;
}

/** Import circles: each strongly connected set of two or more files (or a file importing itself), by Tarjan. */
export function importCircles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== file);
      if (members.length > 1 || (graph.get(file) ?? []).includes(file)) circles.push(members.sort());
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return circles;
}

export interface UpwardImport {
  from: string;
  to: string;
  fromLayer: string;
  toLayer: string;
}

/** Imports from a lower layer into a higher one; a file in no layer is reported as one too (layer -1). */
export function upwardImports(graph: ReadonlyMap<string, readonly string[]>): UpwardImport[] {
  const name = (layer: number) => LAYERS[layer]?.name ?? '(no layer)';
  const found: UpwardImport[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (!graph.has(to)) continue;
      const a = layerOf(from);
      const b = layerOf(to);
      if (a === -1 || b === -1 || b > a) found.push({ from, to, fromLayer: name(a), toLayer: name(b) });
    }
  }
  return found.sort((x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const graph = importGraph();
  const inSrc = (files: readonly string[]) => files.some((file) => file.startsWith('src/'));
  const circles = importCircles(graph);
  const upward = upwardImports(graph);
  process.stdout.write(`files: ${graph.size}\n`);
  process.stdout.write(`import circles: ${circles.length} (${circles.filter(inSrc).length} in src/)\n`);
  for (const circle of circles) process.stdout.write(`  ${circle.join(' <-> ')}\n`);
  process.stdout.write(`imports running back up: ${upward.length}\n`);
  for (const u of upward) process.stdout.write(`  ${u.from} (${u.fromLayer}) -> ${u.to} (${u.toLayer})\n`);
}
