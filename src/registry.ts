// The registry: every collector the agent knows (the built-in ones, then the modules the config names),
// and what the core asks of them through the contract, never by a collector's name.
import type { CheckDefinition, Collector, PopulationDefinition } from './collector.js';

export interface Registry {
  /** Built-in collectors (alphabetical, collectors/index.ts), then those loaded from modules. */
  list(): readonly Collector[];
  get(id: string): Collector | undefined;
  /** Loaded from a module the config names (not built in). */
  isExternal(collector: Collector): boolean;
  /** Every check of every collector. */
  checks(): CheckDefinition[];
  /** Every population of every collector (the samples' sources). */
  populations(): PopulationDefinition[];
  /** The collectors whose evidence arrives through a command (`attest`), never on a schedule. */
  onDemand(): readonly Collector[];
  /** The evidence types whose documents are principals (users, collaborators): the export's added/removed population. */
  principalTypes(): string[];
}

/**
 * The evidence types the collectors declare as principals, in registry order (built-in: aws.iam.user,
 * aws.iam.role, aws.iam.group, github.member, github.outside-collaborator), each once.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function principalTypesOf(collectors: readonly Collector<any>[]): string[] {
  return [...new Set(collectors.flatMap((c) => c.principalTypes ?? []))];
}

export function createRegistry(builtin: readonly Collector[], loaded: readonly Collector[] = builtin): Registry {
  const all = [...loaded];
  const builtinSet = new Set(builtin);
  return {
    list: () => all,
    get: (id) => all.find((c) => c.id === id),
    isExternal: (collector) => !builtinSet.has(collector),
    checks: () => all.flatMap((c) => c.checks),
    populations: () => all.flatMap((c) => c.populations ?? []),
    onDemand: () => all.filter((c) => c.recordedOnDemand === true),
    principalTypes: () => principalTypesOf(all),
  };
}
