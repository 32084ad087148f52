// Every GraphQL operation this project ships, as its clients send it: the SDK documents
// (clients/operations, which the web dashboard uses), the persisted-operation manifest, and the
// operations the MCP tools and Luna's tools build at run time, captured by pointing them at a
// recording server and calling each tool with the largest arguments its schema allows.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { buildSchema, isEnumType, isInputObjectType, isListType, isNonNullType, Kind, parse, typeFromAST, type GraphQLInputType, type OperationDefinitionNode } from 'graphql';
import { createLoopMcpServer } from '../../clients/mcp/server';
import { LUNA_TOOLS, runTool } from '../../subgraphs/luna/tools';
import { GraphClient } from '../../shared/graphql/gateway-client';
import { MAX_PAGE_SIZE } from '../../shared/graphql/pagination';
import { ROOT } from './stack';

export interface ShippedOperation {
  source: string;
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
  /** Who sends it: the tier its limits are checked against. */
  tier: 'anonymous' | 'customer' | 'staff';
}

const PATIENT_ID = '00000000-0000-4000-8000-000000000001';

const apiSchema = () => buildSchema(readFileSync(path.join(ROOT, 'schema/api-schema.graphql'), 'utf8'));

/** A value of an input type as a client would send it; `Int`s (page sizes) at the largest page a client may ask for. */
function sample(type: GraphQLInputType): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [sample(inner.ofType)];
  if (isEnumType(inner)) return inner.getValues()[0].value;
  if (isInputObjectType(inner)) {
    return Object.fromEntries(Object.values(inner.getFields()).filter((field) => isNonNullType(field.type)).map((field) => [field.name, sample(field.type)]));
  }
  const samples: Record<string, unknown> = { ID: PATIENT_ID, String: 'sample', Int: MAX_PAGE_SIZE, Float: 1, Boolean: true, Date: '2025-01-01', DateTime: '2025-01-01T00:00:00Z' };
  return samples[inner.name] ?? 'sample';
}

/**
 * Each operation of a document on its own, its variables as its clients leave them: a variable
 * with a default keeps it, any other gets a sample value (page sizes at the maximum).
 */
function operationsOf(source: string, document: string, tier: ShippedOperation['tier']): ShippedOperation[] {
  const schema = apiSchema();
  const operations = parse(document).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operations.map((operation) => {
    const variables: Record<string, unknown> = {};
    for (const definition of operation.variableDefinitions ?? []) {
      if (definition.defaultValue) continue;
      variables[definition.variable.name.value] = sample(typeFromAST(schema, definition.type as never) as GraphQLInputType);
    }
    return { source, query: document, operationName: operation.name?.value, variables, tier };
  });
}

/** The SDK's documents and the persisted-operation manifest (run by partners: staff tier). */
export function documentOperations(): ShippedOperation[] {
  const dir = path.join(ROOT, 'clients/operations');
  const sdk = readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .flatMap((file) => operationsOf(`clients/operations/${file}`, readFileSync(path.join(dir, file), 'utf8'), file === 'content.graphql' ? 'anonymous' : 'customer'));
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'schema/persisted-operations.json'), 'utf8')) as { operations: Record<string, { document: string }> };
  const persisted = Object.values(manifest.operations).flatMap((operation) => operationsOf('schema/persisted-operations.json', operation.document, 'staff'));
  return [...sdk, ...persisted];
}

/** A server that records each GraphQL request and answers with no data. */
async function recorder(): Promise<{ url: string; seen: { query: string; operationName?: string; variables?: Record<string, unknown> }[]; close(): Promise<void> }> {
  const seen: { query: string; operationName?: string; variables?: Record<string, unknown> }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push(JSON.parse(body));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: null, errors: [{ message: 'recorded', extensions: { code: 'NOT_FOUND' } }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

type JsonSchema = { properties?: Record<string, { type?: string; maximum?: number; enum?: unknown[]; items?: { enum?: unknown[] } }> };

/** The largest arguments a tool's input schema allows: numbers at their maximum, every enum value. */
function largestArguments(schema: JsonSchema | undefined): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    if (typeof property.maximum === 'number') args[name] = property.maximum;
    else if (property.type === 'array' && property.items?.enum) args[name] = property.items.enum;
    else if (property.enum) args[name] = property.enum[0];
  }
  return args;
}

/** The operations the MCP tools (as a patient, and as staff naming a patient) and Luna's tools send. */
export async function toolOperations(): Promise<ShippedOperation[]> {
  const graph = await recorder();
  try {
    const mcp = createLoopMcpServer({ gatewayUrl: graph.url, gatewayTimeoutMs: 5_000, token: 'recorded', log: { info() {}, warn() {}, error() {}, debug() {} } as never });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(serverSide);
    const client = new Client({ name: 'limits-test', version: '1' });
    await client.connect(clientSide);
    const { tools } = await client.listTools();
    for (const tool of tools) {
      const args = largestArguments(tool.inputSchema as JsonSchema);
      if (tool.name === 'search_content') args.query = 'bpc';
      if (tool.name === 'get_biomarker_history') args.code = 'LDL_C';
      await client.callTool({ name: tool.name, arguments: args });
      if ('patientId' in ((tool.inputSchema as JsonSchema).properties ?? {})) await client.callTool({ name: tool.name, arguments: { ...args, patientId: PATIENT_ID } });
    }
    await client.readResource({ uri: 'loop://biomarkers' }).catch(() => undefined);
    await client.close();
    const fromMcp = graph.seen.splice(0);

    const luna = new GraphClient({ gatewayUrl: graph.url, authorization: 'Bearer recorded', correlationId: 'limits-test', timeoutMs: 5_000, signal: new AbortController().signal });
    for (const tool of LUNA_TOOLS) {
      const args = largestArguments(tool.inputSchema as JsonSchema);
      if (tool.name === 'searchContent') args.query = 'bpc';
      await runTool(tool.name, args, { graph: luna, patientId: PATIENT_ID });
    }
    const tagged = (source: string, tier: ShippedOperation['tier']) => (request: (typeof graph.seen)[number]): ShippedOperation => ({
      source,
      query: request.query,
      operationName: request.operationName,
      variables: request.variables ?? {},
      tier,
    });
    return [...fromMcp.map(tagged('clients/mcp', 'customer')), ...graph.seen.map(tagged('subgraphs/luna/tools', 'customer'))];
  } finally {
    await graph.close();
  }
}
