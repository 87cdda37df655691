// Collectors the user ships: a config section with `module:` names an ES module (a path relative to the
// config file, or an npm package resolved from the config's folder). It is imported at start, checked
// against the collector contract and against the ids already taken, and then runs like a built-in one.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { defineCollector } from '../collector.js';
import type { Collector } from '../collector.js';
import { collectorViolations } from '../contract.js';
import { describeError } from '../describe-error.js';
import { agentVersion } from '../version.js';
import { evidenceOf, finding } from '../judging.js';

/**
 * What a module's default export may be called with: the agent's own zod (no second copy, no version
 * skew), the helpers checks use, and the folder of the config file (resolve option paths against it).
 */
export function collectorKit(configDir: string) {
  return { z, defineCollector, evidenceOf, finding, agentVersion: agentVersion(), configDir };
}
export type CollectorKit = ReturnType<typeof collectorKit>;

/** A module that could not be used, and why (one line). */
export class ExternalModuleError extends Error {
  override name = 'ExternalModuleError';
}

export interface ExternalCollector {
  id: string;
  /** As written in the config. */
  module: string;
  /** The file imported. */
  file: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collector: Collector<any>;
}

/** A path (starts with `.` or `/`) is relative to the config's folder; anything else is a package name. */
export function resolveModule(specifier: string, configDir: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const file = resolve(configDir, specifier);
    if (!existsSync(file)) throw new ExternalModuleError(`module ${specifier}: no file at ${file}`);
    return file;
  }
  const require = createRequire(join(configDir, 'evidence-agent.config.js'));
  try {
    return require.resolve(specifier);
  } catch (error) {
    // An ESM-only package exports only an `import` condition, which require.resolve does not follow.
    const file = importEntryOf(specifier, configDir);
    if (file) return file;
    throw new ExternalModuleError(
      `module ${specifier}: package not found from ${configDir} (${(error as NodeJS.ErrnoException).code ?? 'unresolvable'}); install it there with npm, or give a path starting with ./`,
    );
  }
}

function importEntryOf(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string };
      const root = typeof pkg.exports === 'object' && pkg.exports !== null && '.' in pkg.exports ? (pkg.exports as Record<string, unknown>)['.'] : pkg.exports;
      const entry =
        typeof root === 'string'
          ? root
          : typeof root === 'object' && root !== null
            ? ((root as Record<string, unknown>).import ?? (root as Record<string, unknown>).default)
            : pkg.main;
      return typeof entry === 'string' ? join(dirname(manifest), entry) : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export interface TakenIds {
  collectors: ReadonlySet<string>;
  /** Check id → the collector that defines it. */
  checks: ReadonlyMap<string, string>;
  populations: ReadonlyMap<string, string>;
}

/** Imports and checks one module; every problem is one ExternalModuleError naming the module. */
export async function loadExternalCollector(id: string, specifier: string, configDir: string, taken: TakenIds): Promise<ExternalCollector> {
  const file = resolveModule(specifier, configDir);
  let exported: Record<string, unknown>;
  try {
    exported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ExternalModuleError(`module ${specifier}: failed to load: ${describeError(error)}`);
  }
  let candidate = exported.default ?? exported.collector;
  if (candidate === undefined) {
    throw new ExternalModuleError(
      `module ${specifier}: exports no collector; write \`export default { id, title, optionsSchema, … }\` (or a function of the kit returning it)`,
    );
  }
  if (typeof candidate === 'function') {
    try {
      candidate = (candidate as (kit: CollectorKit) => unknown)(collectorKit(configDir));
    } catch (error) {
      throw new ExternalModuleError(`module ${specifier}: its default export threw: ${describeError(error)}`);
    }
  }
  if (typeof candidate !== 'object' || candidate === null) {
    throw new ExternalModuleError(`module ${specifier}: its default export is a ${typeof candidate}, not a collector object`);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const collector = candidate as Collector<any>;
  const problems = collectorViolations(collector);
  if (collector.id !== id) problems.unshift(`its id "${String(collector.id)}" is not its config key "${id}"; make them the same`);
  if (taken.collectors.has(collector.id)) problems.push(`collector id "${collector.id}" is already taken by a built-in collector`);
  for (const check of Array.isArray(collector.checks) ? collector.checks : []) {
    const owner = taken.checks.get(check?.id);
    if (owner) problems.push(`check id "${check.id}" is already defined by ${owner}`);
  }
  for (const population of collector.populations ?? []) {
    const owner = taken.populations.get(population?.id);
    if (owner) problems.push(`population id "${population.id}" is already defined by ${owner}`);
  }
  if (problems.length > 0) {
    throw new ExternalModuleError(`module ${specifier}: does not meet the collector contract: ${problems.join('; ')}`);
  }
  return { id, module: specifier, file, collector };
}

/** The ids the given collectors take, so the next module may not reuse them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function takenIds(collectors: readonly Collector<any>[]): TakenIds {
  return {
    collectors: new Set(collectors.map((c) => c.id)),
    checks: new Map(collectors.flatMap((c) => c.checks.map((check) => [check.id, c.id] as const))),
    populations: new Map(collectors.flatMap((c) => (c.populations ?? []).map((p) => [p.id, c.id] as const))),
  };
}

export interface BrokenModule {
  id: string;
  module: string;
  problem: string;
}

/**
 * Stands in for a module that could not be loaded (in the daemon): every run of it fails with the load
 * error, so the gap and its cause show in runs, coverage, the digest and /readyz, and the other
 * collectors go on. Its streams are those it had (`scopes`), else one named `module`.
 */
export function brokenCollector(broken: BrokenModule, scopes: readonly string[], schedule: string | undefined): Collector<unknown> {
  return {
    id: broken.id,
    title: `${broken.id} (module ${broken.module} failed to load)`,
    optionsSchema: z.unknown(),
    permissions: [],
    checks: [],
    defaultSchedule: schedule ?? '0 3 * * *',
    scopes: () => (scopes.length > 0 ? scopes : ['module']).map((key) => ({ key, settings: {} })),
    collect: async () => {
      throw new ExternalModuleError(broken.problem);
    },
  };
}
