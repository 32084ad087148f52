// Offline composition: rover.yaml (rover's supergraph config) lists the subgraphs;
// @apollo/composition composes their SDL into the supergraph the gateway serves.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import YAML from 'yaml';
import { projectRoot } from '../shared/config';

export const ROVER_CONFIG = path.join(projectRoot, 'rover.yaml');
export const SUPERGRAPH_FILE = path.join(projectRoot, 'schema/supergraph.graphql');

export interface RoverSubgraph {
  name: string;
  routingUrl: string;
  schemaFile: string;
}

export function readRoverConfig(file = ROVER_CONFIG): RoverSubgraph[] {
  const config = YAML.parse(readFileSync(file, 'utf8')) as {
    subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
  };
  return Object.entries(config.subgraphs).map(([name, entry]) => ({
    name,
    routingUrl: entry.routing_url,
    schemaFile: path.resolve(path.dirname(file), entry.schema.file),
  }));
}

export class CompositionError extends Error {}

export function composeSupergraph(subgraphs = readRoverConfig()): string {
  const result = composeServices(
    subgraphs.map((subgraph) => ({
      name: subgraph.name,
      url: subgraph.routingUrl,
      typeDefs: parse(readFileSync(subgraph.schemaFile, 'utf8')),
    })),
  );
  if (result.errors) {
    throw new CompositionError(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}
