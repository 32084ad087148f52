import { readFileSync } from 'node:fs';
import { composeSupergraph, readRoverConfig, SUPERGRAPH_FILE } from '../gateway/compose';
import { DEFAULT_SUBGRAPH_PORTS, SERVICE_NAMES } from '../shared/config';

describe('supergraph composition', () => {
  it('the checked-in schema/supergraph.graphql equals a fresh composition (run `npm run compose`)', () => {
    expect(readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(composeSupergraph());
  });

  it('rover.yaml lists the six subgraphs on their contract ports', () => {
    const subgraphs = readRoverConfig();
    expect(subgraphs.map((s) => s.name).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const subgraph of subgraphs) {
      const url = new URL(subgraph.routingUrl);
      expect(Number(url.port)).toBe(DEFAULT_SUBGRAPH_PORTS[subgraph.name as keyof typeof DEFAULT_SUBGRAPH_PORTS]);
      expect(url.pathname).toBe('/graphql');
      expect(subgraph.schemaFile).toMatch(new RegExp(`subgraphs/${subgraph.name}/schema.graphql$`));
    }
  });

  it('reports composition errors instead of writing a broken supergraph', () => {
    const [patient] = readRoverConfig();
    const broken = { ...patient, name: 'broken', schemaFile: `${__dirname}/fixtures/conflicting-patient.graphql` };
    expect(() => composeSupergraph([patient, broken])).toThrow(/Composition failed/);
  });
});
