// The import graph of src/, collectors/ and sandbox/ (scripts/import-graph.ts): no import runs back up the
// layers, and no files import each other in a circle.
import { describe, expect, it } from 'vitest';
import { importCircles, importGraph, layerOf, upwardImports } from '../../scripts/import-graph.js';

describe('the import graph', () => {
  const graph = importGraph();

  it('puts every file of src/ and collectors/ in a layer', () => {
    expect([...graph.keys()].filter((file) => layerOf(file) === -1)).toEqual([]);
  });

  it('has no import running back up a layer', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('finds an import running back up, and a circle, when there is one', () => {
    const planted = new Map(graph);
    planted.set('src/bundle/fixture.ts', ['src/commands/coverage.ts']);
    planted.set('src/digest/a.ts', ['src/digest/b.ts']);
    planted.set('src/digest/b.ts', ['src/digest/a.ts']);
    expect(upwardImports(planted)).toEqual([{ from: 'src/bundle/fixture.ts', to: 'src/commands/coverage.ts', fromLayer: 'products', toLayer: 'commands' }]);
    expect(importCircles(planted)).toContainEqual(['src/digest/a.ts', 'src/digest/b.ts']);
  });

  it('has no import circle, in the core, the collectors or the sandbox', () => {
    expect(importCircles(graph)).toEqual([]);
  });
});
