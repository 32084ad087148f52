// Which subgraphs a composed supergraph names and where it routes them: the gateway can serve
// any composed supergraph file (SUPERGRAPH_PATH), not only this project's. Each subgraph is
// reached at the URL this process's settings give for it (SUBGRAPH_<NAME>_URL, ports) when it is
// one of ours, else at the routing URL composition wrote into the file.
import { readFileSync } from 'node:fs';
import { Kind, parse, type ConstArgumentNode } from 'graphql';

/** The routing URL of each subgraph, by name, from the `join__Graph` enum of a composed supergraph. */
export function routingUrlsOf(supergraphSdl: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((directive) => directive.name.value === 'join__graph');
      const arg = (name: string) => (graph?.arguments as ConstArgumentNode[] | undefined)?.find((a) => a.name.value === name)?.value;
      const name = arg('name');
      const url = arg('url');
      if (name?.kind === Kind.STRING && url?.kind === Kind.STRING) urls[name.value] = url.value;
    }
  }
  if (!Object.keys(urls).length) throw new Error('not a composed supergraph: it has no join__Graph enum naming its subgraphs');
  return urls;
}

/** Where the gateway reaches each subgraph of this supergraph: `known` (our settings) where it names one, else the file's URL. */
export function subgraphUrlsFor(supergraphSdl: string, known: Readonly<Record<string, string>>): Record<string, string> {
  const routed = routingUrlsOf(supergraphSdl);
  // Ours first, in our settings' order (readiness lists them so), then the file's others.
  const names = [...Object.keys(known).filter((name) => name in routed), ...Object.keys(routed).filter((name) => !(name in known))];
  return Object.fromEntries(names.map((name) => [name, known[name] ?? routed[name]]));
}

/** The supergraph file's text and where each of its subgraphs is reached. */
export function loadSupergraph(file: string, known: Readonly<Record<string, string>>): { supergraphSdl: string; subgraphUrls: Record<string, string> } {
  const supergraphSdl = readFileSync(file, 'utf8');
  return { supergraphSdl, subgraphUrls: subgraphUrlsFor(supergraphSdl, known) };
}
