// How many items to test, by how often the control operates: the table auditors commonly use for tests
// of operating effectiveness (AICPA attestation guidance and the firms' own tables agree on these
// figures). A population smaller than the size is tested whole.

import type { ControlFrequency } from '../collector.js';

export type Frequency = ControlFrequency;
export const FREQUENCIES: readonly Frequency[] = ['annual', 'quarterly', 'monthly', 'weekly', 'daily', 'recurring'];

export interface SampleSize {
  size: number;
  /** One sentence an auditor can put in their workpaper. */
  rationale: string;
}

const FIXED: Record<Exclude<Frequency, 'recurring'>, number> = { annual: 1, quarterly: 2, monthly: 2, weekly: 5, daily: 25 };

/**
 * A control that operates many times a day (each change, each access grant): 25 items up to a
 * population of 250, 40 up to 1,000, 60 beyond: the upper end of the 25–60 range once the population
 * is too large for a small sample to have seen most kinds of item.
 */
export function recurringSize(population: number): number {
  if (population <= 250) return 25;
  if (population <= 1000) return 40;
  return 60;
}

export function sampleSizeFor(frequency: Frequency, population: number): SampleSize {
  const planned = frequency === 'recurring' ? recurringSize(population) : FIXED[frequency];
  const basis =
    frequency === 'recurring'
      ? `a control operating many times a day: 25 items for a population up to 250, 40 up to 1,000, 60 above (population ${population})`
      : `a ${frequency} control: ${planned} item${planned === 1 ? '' : 's'}`;
  if (population <= planned) {
    return { size: population, rationale: `${basis}; the population has ${population} item${population === 1 ? '' : 's'}, so every item is tested` };
  }
  return { size: planned, rationale: basis };
}

export function explicitSize(size: number, population: number): SampleSize {
  if (population <= size) {
    return {
      size: population,
      rationale: `size ${size} requested; the population has ${population} item${population === 1 ? '' : 's'}, so every item is tested`,
    };
  }
  return { size, rationale: `size ${size} requested` };
}
