// A bundle's sample drawn again from the bundle itself: the population file under populations/ (the CSV
// that `population` prints for the period, byte for byte) and the seed in samples/seed.txt. What shows an
// auditor that samples/<id> holds the rows the seed draws, not rows picked by hand and proven one by one.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { rowKey } from './draw.js';
import type { PackManifest } from './pack.js';
import { drawSample } from './select.js';

/** The problems of a pack drawn from `populationCsv` (a bundle's population file) with `seed`: none when it is that draw. */
export async function redrawProblems(
  pack: Pick<PackManifest, 'population' | 'populationSha256' | 'populationSize' | 'items'>,
  populationFile: string,
  populationCsv: string,
  populationSha256: string,
  seed: string,
): Promise<string[]> {
  const name = `samples/${pack.population}`;
  if (pack.populationSha256 !== populationSha256) {
    return [`${name}: drawn from a population whose CSV has SHA-256 ${pack.populationSha256}; ${populationFile} has ${populationSha256}`];
  }
  const keys: string[] = [];
  let header: string[] | undefined;
  for await (const record of createReadStream(populationCsv).pipe(parse({ relax_column_count: true }))) {
    const cells = record as string[];
    if (!header) header = cells;
    else keys.push(rowKey(Object.fromEntries(header.map((column, i) => [column, cells[i] ?? '']))));
  }
  if (keys.length !== pack.populationSize) return [`${name}: drawn from a population of ${pack.populationSize} rows; ${populationFile} holds ${keys.length}`];
  const drawn = drawSample(keys, (key) => key, seed, pack.items.length);
  const rows = (items: readonly { rank: number; position: number; key: string }[]) =>
    [...items].sort((a, b) => a.rank - b.rank).map((item) => `${item.rank}:${item.position}:${item.key}`);
  if (rows(drawn).join() === rows(pack.items).join()) return [];
  const positions = (items: readonly { position: number }[]) =>
    items
      .map((item) => item.position)
      .sort((a, b) => a - b)
      .join(', ');
  return [
    `${name}: not the sample ${populationFile} draws with the seed in samples/seed.txt (rows ${positions(drawn)}; the pack holds rows ${positions(pack.items)})`,
  ];
}
