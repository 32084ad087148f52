// The MCP server (clients/mcp) driven by the MCP SDK's own client, over both transports, against
// the live test stack: tool discovery, real seeded data, RBAC denials (audited), the biomarker
// catalog resource, and the HTTP transport refusing callers without a token.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { PROTOCOL_STATUSES } from '../shared/tools/protocols';
import { summarizeDailyStats, trendOf } from '../shared/tools/trends';
import { WEARABLE_METRICS } from '../shared/tools/wearable-insights';
import { seededUserId } from '../prisma/seed/identities';
import { authHeaders, seededPatientId, tokenFor } from './support/auth';
import { clientWith, gatewayUrl, gql } from './support/graphql';
import { scrape, total } from './support/metrics';
import { freePort, ROOT, TSX, waitFor } from './support/stack';

const MAIN = path.join(ROOT, 'clients/mcp/main.ts');
const TOOLS = ['get_patient_summary', 'get_lab_results', 'get_biomarker_history', 'list_protocols', 'get_wearable_insights', 'search_content'];

const textOf = (result: CallToolResult) => (result.content[0] as { text: string }).text;

/** A tool call that must succeed; its structured content. */
async function structured(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
  expect(textOf(result).length).toBeGreaterThan(0);
  return result.structuredContent;
}

async function failure(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ text: string; code: unknown; result: CallToolResult }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  return { text: textOf(result), code: result._meta?.errorCode, result };
}

const customerToken = () => tokenFor('customer', { patientIndex: 1 });

describe('MCP server over stdio (a patient’s own token in LOOP_TOKEN)', () => {
  let client: Client;
  let token: string;
  let stderr = '';

  beforeAll(async () => {
    token = await customerToken();
    const transport = new StdioClientTransport({
      command: TSX,
      args: [MAIN],
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOOP_TOKEN: token, GATEWAY_URL: `${gatewayUrl()}/graphql`, LOG_LEVEL: 'info' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'loop-mcp-test', version: '1.0.0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
  });

  test('lists the six read-only tools with described input schemas and the catalog resource', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([...TOOLS].sort());
    for (const tool of tools) {
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      expect(tool.description?.length).toBeGreaterThan(20);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      for (const property of Object.values(tool.inputSchema.properties ?? {})) expect((property as { description?: string }).description).toBeTruthy();
    }
    const labs = tools.find((tool) => tool.name === 'get_lab_results')!;
    expect(labs.inputSchema.properties).toMatchObject({
      patientId: { type: 'string', format: 'uuid' },
      count: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
      outOfRangeOnly: { type: 'boolean' },
    });
    expect(tools.find((tool) => tool.name === 'search_content')!.inputSchema.required).toEqual(['query']);
    expect(tools.find((tool) => tool.name === 'get_biomarker_history')!.inputSchema.required).toEqual(['code']);

    const { resources } = await client.listResources();
    expect(resources).toEqual([expect.objectContaining({ uri: 'loop://biomarkers', mimeType: 'application/json' })]);
  });

  test('the tools’ enums are the supergraph’s', () => {
    const document = parse(readFileSync(path.join(ROOT, 'schema/supergraph.graphql'), 'utf8'));
    const values = (name: string) =>
      (document.definitions.find((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === name) as EnumTypeDefinitionNode).values!.map((v) => v.name.value);
    expect([...PROTOCOL_STATUSES]).toEqual(values('ProtocolStatus'));
    expect([...WEARABLE_METRICS]).toEqual(values('WearableMetric'));
  });

  test('the patient summary and lab results are the patient’s own seeded data, as the graph returns them', async () => {
    const graph = clientWith(() => ({ authorization: `Bearer ${token}` }));
    const { me } = await graph.data('{ me { id firstName healthScore { score } labResults(first: 1) { totalCount edges { node { id readings { code status } } } } } }');

    const summary = await structured(client, 'get_patient_summary');
    expect(summary.patient).toMatchObject({ id: seededPatientId(1), firstName: me.firstName });
    expect(summary.healthScore?.score ?? null).toBe(me.healthScore?.score ?? null);

    const labs = await structured(client, 'get_lab_results');
    const latest = me.labResults.edges[0].node;
    expect(labs.totalCount).toBe(me.labResults.totalCount);
    expect(labs.results.map((r: { id: string }) => r.id)).toEqual([latest.id]);
    expect(labs.results[0].readings.map((r: { code: string }) => r.code)).toEqual(latest.readings.map((r: { code: string }) => r.code));

    const outOfRange = await structured(client, 'get_lab_results', { outOfRangeOnly: true });
    const expected = latest.readings.filter((r: { status: string }) => ['CRITICAL_LOW', 'LOW', 'HIGH', 'CRITICAL_HIGH'].includes(r.status));
    expect(outOfRange.results[0].readings.map((r: { code: string }) => r.code)).toEqual(expected.map((r: { code: string }) => r.code));

    const code = latest.readings.find((r: { code: string | null }) => r.code).code as string;
    const history = await structured(client, 'get_biomarker_history', { code: code.toLowerCase() });
    expect(history.code).toBe(code);
    expect(history.points.length).toBeGreaterThan(0);
    expect(history.points.map((p: { labResultId: string }) => p.labResultId)).toContain(latest.id);
  });

  test('protocols, wearable insights and content search return seeded data', async () => {
    const protocols = await structured(client, 'list_protocols');
    expect(protocols.patientId).toBe(seededPatientId(1));
    expect(protocols.protocols.length).toBeGreaterThan(0);
    // Other suites add item-less protocols to patient 1: look at one from the seed, with items.
    const seeded = protocols.protocols.find((protocol: { items: unknown[] }) => protocol.items.length > 0);
    expect(seeded.items[0]).toEqual(expect.objectContaining({ doseAmount: expect.any(Number), doseUnit: expect.any(String) }));

    const wearables = await structured(client, 'get_wearable_insights', { days: 14, includeDaily: true });
    expect(wearables.metrics.length).toBeGreaterThan(0);
    expect(wearables.daily.length).toBeGreaterThan(0);
    for (const day of wearables.daily) expect(day.day >= wearables.from && day.day <= wearables.to).toBe(true);
    const steps = await structured(client, 'get_wearable_insights', { days: 14, metric: 'STEPS' });
    expect(steps.metrics.map((m: { metric: string }) => m.metric)).toEqual(['STEPS']);

    const search = await structured(client, 'search_content', { query: 'sleep', first: 3 });
    expect(search.hits.length).toBeGreaterThan(0);
    expect(search.hits.length).toBeLessThanOrEqual(3);
  });

  test('another patient’s labs are refused (FORBIDDEN) and the denial is in the audit trail under the tool’s operation', async () => {
    const denied = await failure(client, 'get_lab_results', { patientId: seededPatientId(2) });
    expect(denied.code).toBe('FORBIDDEN');
    expect(denied.text).toMatch(/^Not allowed: .*\(FORBIDDEN\)/);

    const { data } = await gql(
      'query($f: AuditLogFilter) { auditLog(filter: $f, first: 50) { edges { node { operationName } } } }',
      { f: { actor: seededUserId(1), patient: seededPatientId(2), decision: 'DENY' } },
      { headers: await authHeaders('admin') },
    );
    expect(data!.auditLog.edges.map((edge: { node: { operationName: string } }) => edge.node.operationName)).toContain('McpLabResults');
  });

  test('bad input is a tool error naming the problem', async () => {
    const unknown = await failure(client, 'get_biomarker_history', { code: 'NOT_A_BIOMARKER' });
    expect(unknown.code).toBe('BAD_USER_INPUT');
    expect(unknown.text).toContain('NOT_A_BIOMARKER');
    // Input that breaks the schema is refused by the SDK before anything reaches the graph.
    const invalid = await failure(client, 'get_lab_results', { count: 50 });
    expect(invalid.text).toMatch(/Input validation error/);
  });

  test('the biomarker catalog resource is the graph’s catalog as JSON', async () => {
    const { contents } = await client.readResource({ uri: 'loop://biomarkers' });
    expect(contents[0].mimeType).toBe('application/json');
    const catalog = JSON.parse((contents[0] as { text: string }).text) as { code: string; unit: string; referenceRanges: unknown[] }[];
    expect(catalog.length).toBeGreaterThan(50);
    expect(catalog.find((b) => b.code === 'LDL_C')).toEqual(expect.objectContaining({ unit: 'mg/dL', referenceRanges: expect.any(Array) }));
  });

  test('logs name the tools but never the token', () => {
    expect(stderr).toContain('get_lab_results');
    expect(stderr).not.toContain(token);
  });
});

describe('MCP server over streamable HTTP (each request’s own bearer token)', () => {
  let server: ChildProcess;
  let url: URL;
  const open: Client[] = [];

  async function connect(token: string | null): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(url, token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : undefined);
    const client = new Client({ name: 'loop-mcp-test', version: '1.0.0' });
    await client.connect(transport);
    open.push(client);
    return client;
  }

  beforeAll(async () => {
    const port = await freePort();
    server = spawn(TSX, [MAIN, '--http'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', MCP_PORT: String(port), GATEWAY_URL: `${gatewayUrl()}/graphql`, NODE_ENV: 'test' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitFor(`http://127.0.0.1:${port}/healthz`, 30_000, server);
    url = new URL(`http://127.0.0.1:${port}/mcp`);
  });

  afterAll(async () => {
    for (const client of open) await client.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  });

  test('a request without a bearer token is refused with 401, before any MCP handling', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    // The SDK's own client gets the same answer.
    await expect(connect(null)).rejects.toMatchObject({ code: 401 });
  });

  test('a staff token reads the patient it names; without a patientId it is told to name one', async () => {
    const client = await connect(await tokenFor('provider'));
    const summary = await structured(client, 'get_patient_summary', { patientId: seededPatientId(2) });
    expect(summary.patient.id).toBe(seededPatientId(2));
    const missing = await failure(client, 'get_lab_results');
    expect(missing.code).toBe('BAD_USER_INPUT');
    expect(missing.text).toContain('patientId is required');
  });

  test('each request acts as its own caller: a customer is refused another patient, a forged token is not signed in', async () => {
    const customer = await connect(await customerToken());
    expect((await structured(customer, 'get_patient_summary')).patient.id).toBe(seededPatientId(1));
    expect((await failure(customer, 'list_protocols', { patientId: seededPatientId(2) })).code).toBe('FORBIDDEN');

    const forged = await connect('not-a-real-token');
    const refused = await failure(forged, 'get_patient_summary');
    expect(refused.code).toBe('UNAUTHENTICATED');
    expect(refused.text).toMatch(/^Not signed in/);
  });

  test('the catalog resource reads over HTTP too', async () => {
    const client = await connect(await tokenFor('support'));
    const { contents } = await client.readResource({ uri: 'loop://biomarkers' });
    expect(JSON.parse((contents[0] as { text: string }).text).length).toBeGreaterThan(50);
  });

  test('serves its own metrics: tool calls by tool and outcome, tool errors by code, answers by status, and the process', async () => {
    // The tests above made ok calls, a FORBIDDEN and an UNAUTHENTICATED one, and 401s.
    const { samples } = await scrape(url.origin);
    expect(total(samples, 'mcp_tool_call_duration_seconds_count', { service: 'mcp', tool: 'get_patient_summary', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(total(samples, 'mcp_tool_errors_total', { tool: 'list_protocols', code: 'FORBIDDEN' })).toBe(1);
    expect(total(samples, 'mcp_tool_errors_total', { tool: 'get_patient_summary', code: 'UNAUTHENTICATED' })).toBe(1);
    expect(total(samples, 'mcp_tool_call_duration_seconds_count', { tool: 'get_patient_summary', outcome: 'error' })).toBe(1);
    expect(total(samples, 'mcp_http_requests_total', { status: '401' })).toBeGreaterThanOrEqual(2);
    expect(total(samples, 'mcp_http_requests_total', { status: '200' })).toBeGreaterThan(0);
    expect(total(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  test('is ready while the gateway answers, and says which dependency it checked', async () => {
    const response = await fetch(`${url.origin}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', dependencies: { gateway: 'up' } });
  });
});

describe('wearable trends', () => {
  test('compares the later half of the window with the earlier half', () => {
    expect(trendOf([50, 50, 60, 60])).toEqual({ trend: 'up', changePercent: 20 });
    expect(trendOf([60, 60, 50, 50])).toEqual({ trend: 'down', changePercent: -16.7 });
    expect(trendOf([100, 101, 99, 102, 100])).toEqual({ trend: 'steady', changePercent: 0.5 });
    expect(trendOf([1, 2, 3])).toEqual({ trend: 'insufficient data', changePercent: null });
  });

  test('summarizes each metric separately, latest day last', () => {
    const day = (d: string, metric: string, avg: number) => ({ day: d, metric, min: avg - 1, max: avg + 1, avg, count: 1, unit: 'u' });
    const [steps, hrv] = summarizeDailyStats([day('2026-01-01', 'STEPS', 100), day('2026-01-01', 'HRV', 40), day('2026-01-02', 'STEPS', 300)]);
    expect(steps).toMatchObject({ metric: 'STEPS', daysWithData: 2, mean: 200, min: 99, max: 301, latest: { day: '2026-01-02', avg: 300 } });
    expect(hrv).toMatchObject({ metric: 'HRV', daysWithData: 1, trend: 'insufficient data' });
  });
});
