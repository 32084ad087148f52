// The tool catalogue (shared/tools): one trend rule, and each tool defined once and offered by
// Luna's model and the MCP server from that one definition, with the same summary on both.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createLoopMcpServer } from '../clients/mcp/server';
import { LUNA_TOOLS, runTool } from '../subgraphs/luna/tools';
import { TOOL_CATALOGUE, toolsOf } from '../shared/tools/catalogue';
import { runCatalogueTool, type ToolGraph } from '../shared/tools/tool';
import { MIN_DAYS_FOR_TREND, STEADY_WITHIN_PERCENT, summarizeDailyStats, trendOf } from '../shared/tools/trends';
import { wearableInsights } from '../shared/tools/wearable-insights';
import type { GraphClient } from '../shared/graphql/gateway-client';

const PATIENT = '00000000-0000-4000-8000-000000000001';
const stat = (day: string, metric: string, avg: number) => ({ day, metric, min: avg - 1, max: avg + 1, avg, count: 1, unit: 'ms' });
/** Four days of HRV whose later half is 4 % above the earlier half, and STEPS up 20 %. */
const STATS = [stat('2026-01-01', 'HRV_RMSSD', 50), stat('2026-01-02', 'HRV_RMSSD', 50), stat('2026-01-03', 'HRV_RMSSD', 52), stat('2026-01-04', 'HRV_RMSSD', 52), stat('2026-01-01', 'STEPS', 5000), stat('2026-01-02', 'STEPS', 5000), stat('2026-01-03', 'STEPS', 6000), stat('2026-01-04', 'STEPS', 6000)];
const PATIENT_DATA = { patient: { id: PATIENT, wearableConnections: [{ provider: 'OURA', status: 'ACTIVE' }], wearableDailyStats: STATS } };

describe('the trend rule', () => {
  it('is steady within ±5 % between the halves, up or down beyond, and not computed under 4 days', () => {
    expect(STEADY_WITHIN_PERCENT).toBe(5);
    expect(MIN_DAYS_FOR_TREND).toBe(4);
    expect(trendOf([50, 50, 52, 52])).toEqual({ trend: 'steady', changePercent: 4 });
    expect(trendOf([50, 50, 48, 48])).toEqual({ trend: 'steady', changePercent: -4 });
    expect(trendOf([50, 50, 53, 53])).toEqual({ trend: 'up', changePercent: 6 });
    expect(trendOf([50, 50, 47, 47])).toEqual({ trend: 'down', changePercent: -6 });
    // The middle day of an odd count is in neither half.
    expect(trendOf([50, 50, 90, 53, 53])).toEqual({ trend: 'up', changePercent: 6 });
    expect(trendOf([50, 60, 70])).toEqual({ trend: 'insufficient data', changePercent: null });
    expect(summarizeDailyStats(STATS).map((m) => [m.metric, m.trend])).toEqual([
      ['HRV_RMSSD', 'steady'],
      ['STEPS', 'up'],
    ]);
  });
});

describe('the catalogue', () => {
  it('gives every tool a name and an operation on each surface that offers it, none twice', () => {
    for (const surface of ['luna', 'mcp'] as const) {
      const names = toolsOf(surface).map(({ names }) => names.name);
      expect(new Set(names).size).toBe(names.length);
    }
    const operations = TOOL_CATALOGUE.flatMap((tool) => Object.values(tool.surfaces).map((names) => names.operation));
    expect(new Set(operations).size).toBe(operations.length);
    expect(toolsOf('luna').map(({ names }) => names.name).sort()).toEqual(['getLabResults', 'getPatientProfile', 'getProtocols', 'getWearableInsights', 'searchContent']);
  });

  it("offers Luna's model the catalogue's descriptions and inputs", () => {
    for (const { tool, names } of toolsOf('luna')) {
      const luna = LUNA_TOOLS.find((candidate) => candidate.name === names.name)!;
      expect(luna.description).toBe(tool.description);
      expect(Object.keys((luna.inputSchema as { properties: object }).properties).sort()).toEqual(Object.keys(tool.input).sort());
    }
  });

  it('summarises the same data the same way for Luna and for MCP', async () => {
    const sent: { operationName: string; variables?: Record<string, unknown> }[] = [];
    const graph: ToolGraph = {
      async execute<T>(operationName: string, _query: string, variables?: Record<string, unknown>) {
        sent.push({ operationName, variables });
        return { data: PATIENT_DATA as T, warnings: [] };
      },
    };
    // Luna, through its own runner, its graph client faked at the same boundary.
    const lunaGraph = { request: async <T>(operationName: string, query: string, variables?: Record<string, unknown>) => (await graph.execute<T>(operationName, query, variables)).data } as unknown as GraphClient;
    const fromLuna = await runTool('getWearableInsights', { days: 4 }, { graph: lunaGraph, patientId: PATIENT });
    expect(fromLuna.ok).toBe(true);

    // MCP's surface, the same definition.
    const direct = await runCatalogueTool(wearableInsights, 'mcp', { days: 4, includeDaily: false }, graph, PATIENT);

    expect(JSON.parse(fromLuna.content)).toEqual(direct.structured);
    expect(direct.structured.metrics).toEqual([
      expect.objectContaining({ metric: 'HRV_RMSSD', trend: 'steady', changePercent: 4, mean: 51 }),
      expect.objectContaining({ metric: 'STEPS', trend: 'up', changePercent: 20 }),
    ]);
    expect(direct.text).toContain('HRV_RMSSD: mean 51 ms over 4 day(s)');
    expect(sent.map((request) => request.operationName)).toEqual(['LunaWearableInsights', 'McpWearableInsights']);
    expect(sent[0].variables).toEqual(sent[1].variables);
  });

  it('lists the MCP tools from the same definitions', async () => {
    const server = createLoopMcpServer({ gatewayUrl: 'http://127.0.0.1:9/graphql', gatewayTimeoutMs: 1_000, token: 't', log: { info() {}, warn() {}, error() {}, debug() {} } as never });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'catalogue-test', version: '1' });
    await client.connect(clientSide);
    const { tools } = await client.listTools();
    for (const { tool, names } of toolsOf('mcp')) {
      const listed = tools.find((candidate) => candidate.name === names.name)!;
      expect(listed.description).toBe(tool.description);
      expect(Object.keys(listed.inputSchema.properties ?? {}).sort()).toEqual(Object.keys(tool.input).sort());
    }
    const refused = (await client.callTool({ name: 'get_lab_results', arguments: { count: 50 } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    await client.close();
  });
});
