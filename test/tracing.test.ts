// OpenTelemetry across real processes: a stack started with OTEL_EXPORTER_OTLP_ENDPOINT pointing
// at a collector in this test process (OTLP JSON over HTTP, as a real collector takes it). One
// dashboard request must be ONE trace, rooted at the gateway's HTTP span, reaching every subgraph
// the plan fetched from, down to DataLoader batches and SQL; a client's `traceparent` is
// honoured; the trace follows Luna's turn to the model's HTTP API and through the job queue; no
// seeded patient's name or email appears anywhere in what was exported. The job queue's metrics
// are checked on the same stack (its jobs are the ones traced here).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { signDevToken } from '../shared/auth/dev-issuer';
import { seededUserId } from '../prisma/seed/identities';
import { reply, startAnthropicServer, type AnthropicTestServer } from './support/anthropic-server';
import { gql } from './support/graphql';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { freePort, ROOT, startStack, TSX, waitFor, type Stack } from './support/stack';
import { scrape, total } from './support/metrics';
import { CARE_ALERT_RAISE_QUEUE } from '../shared/domain/care-alerts';
import { lastWeek, operation } from './support/operations';

// A stack of this file's own, within the run's ports (+150..+164).
const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400) + 150;
const SUBGRAPHS = ['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'];
const SERVER = 2;
const CONSUMER = 5;

let receiver: OtlpReceiver;
let model: AnthropicTestServer;
let stack: Stack;
let url: string;

const headersFor = async (role: 'admin' | 'customer', index = 1) => ({
  authorization: `Bearer ${await signDevToken(stack.env.DATA_DIR!, { sub: role === 'customer' ? seededUserId(index) : 'user_test_admin', role })}`,
});

/** A W3C traceparent a client would send: a fresh trace id and parent span id. */
function clientTraceparent(): { header: string; traceId: string; spanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { header: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

const inTrace = (spans: ReceivedSpan[], traceId: string) => spans.filter((span) => span.traceId === traceId);

/** The span's ancestors' names, nearest first (within the spans received). */
function ancestors(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((one) => [one.spanId, one]));
  const chain: ReceivedSpan[] = [];
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) chain.push(parent);
  return chain;
}

/** Which subgraph's operation a span ran under (its nearest `graphql.operation` span's service). */
const subgraphOf = (span: ReceivedSpan, spans: ReceivedSpan[]) => ancestors(span, spans).find((one) => one.attributes['loop.service'] && one.scope === 'loop-health')?.attributes['loop.service'];

/**
 * Waits until a span of the trace that `isSpan` picks has an ancestor named `name`, and returns
 * that span and the trace. A parent ends, and is exported, after its child: under load it comes
 * in a later batch, so the child alone is not yet the whole chain.
 */
async function spanUnder(traceId: string, isSpan: (span: ReceivedSpan) => boolean, name: string) {
  const found = (all: ReceivedSpan[]) => {
    const trace = inTrace(all, traceId);
    const span = trace.find(isSpan);
    return span && ancestors(span, trace).some((one) => one.name === name) ? { span, trace } : undefined;
  };
  await receiver.waitFor((all) => found(all) !== undefined);
  return found(receiver.spans)!;
}

const DASHBOARD_VARIABLES = { first: 3, ...lastWeek() };

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  model = await startAnthropicServer();
  stack = await startStack({
    portBase: PORT_BASE,
    extraEnv: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      TRACING_EXPORT_DELAY_MS: '200',
      // Every resolver gets a span here, so the test sees them (and scans them for PHI).
      TRACING_RESOLVER_THRESHOLD_MS: '0',
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: model.url,
      LUNA_MODEL: 'claude-test',
      GATEWAY_URL: `http://127.0.0.1:${PORT_BASE}/graphql`,
    },
  });
  url = stack.gatewayUrl;
}, 240_000);

afterAll(async () => {
  await stack?.cleanup();
  await model?.close();
  await receiver?.close();
});

/** A statement's span: Prisma's, or for the reads sent past Prisma's model layer (ReadSql) the pg driver's or, on PGlite, our own. */
const isSql = (span: ReceivedSpan) => span.name === 'prisma:client:db_query' || span.name.startsWith('pg.query:') || span.name === 'pglite.query';

describe('tracing across the gateway and the subgraphs', () => {
  let traceId: string;

  it('makes one dashboard request ONE trace: the gateway, every subgraph it fetched from, DataLoader batches and SQL', async () => {
    const response = await gql(operation('dashboard'), DASHBOARD_VARIABLES, { url, headers: await headersFor('admin') });
    expect(response.errors).toBeUndefined();
    const isDashboardRequest = (span: ReceivedSpan) => span.name === 'gateway.request' && span.attributes['graphql.operation.name'] === 'PatientDashboard';
    const request = (await receiver.waitFor((spans) => spans.some(isDashboardRequest))).find(isDashboardRequest)!;
    traceId = request.traceId;
    // Every fetch of the plan, then each fetched subgraph's operation with its SQL, have arrived.
    const fetchedServices = () => new Set(inTrace(receiver.spans, traceId).filter((span) => span.name === 'gateway.fetch').map((span) => String(span.attributes.service)));
    // (Not every subgraph sends SQL for it: some answer from a cache. The dashboard's lists are read
    // past Prisma's model layer, on the pg driver: isSql takes either's statement spans.)
    const complete = (spans: ReceivedSpan[]) => {
      const trace = inTrace(spans, traceId);
      const fetched = fetchedServices();
      // Each fetched subgraph ran an operation in this trace: the dashboard's own, or (content) the
      // catalog rules protocols read through the graph on a cold cache, named as its sender named it.
      const answered = new Set(trace.filter((span) => /^(query|mutation) /.test(span.name) && span.attributes['loop.service']).map((span) => span.attributes['loop.service']));
      const batchSql = trace.some((span) => isSql(span) && subgraphOf(span, trace) && ancestors(span, trace).some((one) => one.name.startsWith('dataloader.batch ')));
      return fetched.size > 0 && [...fetched].every((service) => answered.has(service)) && batchSql;
    };
    await receiver.waitFor(complete);
    // The gateway's HTTP span ends last, with the response.
    await receiver.waitFor((spans) => inTrace(spans, traceId).some((span) => !span.parentSpanId));
    const trace = inTrace(receiver.spans, traceId);
    // The plan reached five or six subgraphs (the dashboard's own comment: patient, labs, protocols, content, wearables, luna).
    const fetched = fetchedServices();
    expect(fetched.size).toBeGreaterThanOrEqual(5);
    for (const service of fetched) expect(SUBGRAPHS).toContain(service);
    // One root: the gateway's HTTP server span; every other span's parent is in the same trace.
    const roots = trace.filter((span) => !span.parentSpanId);
    expect(roots.map((span) => [span.kind, span.attributes['http.request.method'] ?? span.attributes['http.method']])).toEqual([[SERVER, 'POST']]);
    const ids = new Set(trace.map((span) => span.spanId));
    expect(trace.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId)).map((span) => span.name)).toEqual([]);
    // The gateway's own spans: the operation, its plan, one fetch per subgraph call.
    for (const name of ['gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch']) expect(trace.map((span) => span.name)).toContain(name);
    // Each fetched subgraph answered in this trace with an operation span; the gateway's own fetches
    // carry the client's operation name (content may be reached only by protocols' catalog read).
    const operations = trace.filter((span) => span.scope === 'loop-health' && /^(query|mutation) /.test(span.name));
    expect(new Set(operations.map((span) => span.attributes['loop.service']))).toEqual(fetched);
    expect(new Set(operations.filter((span) => span.name === 'query PatientDashboard').map((span) => span.attributes['loop.service'])).size).toBeGreaterThanOrEqual(5);
    // DataLoader batches, resolvers (threshold 0 here) and SQL with its text (placeholders, no values).
    const batches = trace.filter((span) => span.name.startsWith('dataloader.batch '));
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((span) => typeof span.attributes['dataloader.batch.size'] === 'number')).toBe(true);
    expect(trace.some((span) => span.name === 'graphql.resolve Patient.labResults')).toBe(true);
    const sql = trace.filter(isSql);
    expect(sql.some((span) => /^SELECT /i.test(String(span.attributes['db.query.text'])))).toBe(true);
    // A batch's statement is the batch span's descendant.
    expect(sql.some((span) => ancestors(span, trace).some((one) => one.name.startsWith('dataloader.batch ')))).toBe(true);
    expect(receiver.otherPaths).toEqual([]);
  });

  it("honours a client's traceparent: the gateway continues the client's trace into the subgraphs", async () => {
    const client = clientTraceparent();
    const response = await gql(operation('dashboard'), DASHBOARD_VARIABLES, { url, headers: { ...(await headersFor('admin')), traceparent: client.header } });
    expect(response.errors).toBeUndefined();
    // The gateway's HTTP span ends last, with the response.
    const spans = await receiver.waitFor((all) => inTrace(all, client.traceId).some((span) => span.parentSpanId === client.spanId));
    const trace = inTrace(spans, client.traceId);
    // The gateway's HTTP span is the client's span's child; nothing else in the trace lacks a parent.
    const root = trace.find((span) => span.parentSpanId === client.spanId)!;
    expect(root.kind).toBe(SERVER);
    expect(trace.filter((span) => span.parentSpanId === client.spanId)).toHaveLength(1);
    expect(trace.some((span) => span.name === 'gateway.fetch')).toBe(true);
    expect(trace.filter((span) => !span.parentSpanId)).toEqual([]);
  });

  it('follows a Luna turn from the client through the turn to the model API, with the trace id in the request Claude receives', async () => {
    model.route('TRACE-MARKER', [reply.text('Here is what I can tell you about sleep.')]);
    const client = clientTraceparent();
    const customer = await headersFor('customer', 1);
    const sent = await gql(`mutation($m: String!) { sendLunaMessage(message: $m) { conversation { id } reply { id } } }`, { m: 'TRACE-MARKER how did I sleep?' }, { url, headers: { ...customer, traceparent: client.header } });
    expect(sent.errors).toBeUndefined();
    // The model's HTTP call (the turn runs after the mutation answers), below the turn: spanUnder
    // fails, naming what came, if it never is.
    await spanUnder(client.traceId, (span) => span.scope.startsWith('com.anthropic.sdk'), 'luna.turn');
    const [request] = model.requestsFor('TRACE-MARKER');
    expect(String(request.headers.traceparent)).toMatch(new RegExp(`^00-${client.traceId}-[0-9a-f]{16}-01$`));
  });

  it("carries the trace through the job queue: a care alert an emergency message raises is worked in the sender's trace", async () => {
    const client = clientTraceparent();
    const customer = await headersFor('customer', 2);
    const sent = await gql(`mutation($m: String!) { sendLunaMessage(message: $m) { reply { id } } }`, { m: "I can't breathe and my chest hurts" }, { url, headers: { ...customer, traceparent: client.header } });
    expect(sent.errors).toBeUndefined();
    const isJob = (span: ReceivedSpan) => span.name === `job ${CARE_ALERT_RAISE_QUEUE}`;
    // Queued by the turn (inside sendLunaMessage's trace), worked by the patient service: its SQL under the job.
    const { span: job } = await spanUnder(client.traceId, isJob, 'luna.turn');
    expect(job.kind).toBe(CONSUMER);
    expect(job.attributes['messaging.destination.name']).toBe(CARE_ALERT_RAISE_QUEUE);
    await receiver.waitFor((all) => inTrace(all, client.traceId).some((span) => span.name === 'prisma:client:db_query' && ancestors(span, all).includes(job)));
  });

  it('counts the job queue\'s jobs by queue and outcome, and reports its depth, on /metrics', async () => {
    const { samples } = await scrape(url);
    expect(total(samples, 'job_queue_jobs_total', { queue: CARE_ALERT_RAISE_QUEUE, outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(total(samples, 'job_queue_job_duration_seconds_count', { queue: CARE_ALERT_RAISE_QUEUE })).toBeGreaterThanOrEqual(1);
    // Depth: the care-alert queue, worked in this process, with both states (nothing waits now).
    const depth = samples.filter((sample) => sample.name === 'job_queue_jobs' && sample.labels.queue === CARE_ALERT_RAISE_QUEUE);
    expect(depth.map((sample) => sample.labels.state).sort()).toEqual(['active', 'queued']);
    expect(depth.every((sample) => sample.value >= 0)).toBe(true);
  });

  it("traces the MCP server too: an agent's traceparent goes on through the tool's call into the gateway", async () => {
    const port = await freePort();
    const mcp = spawn(TSX, [path.join(ROOT, 'clients/mcp/main.ts'), '--http'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', MCP_PORT: String(port), GATEWAY_URL: `${url}/graphql`, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', TRACING_EXPORT_DELAY_MS: '200' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const client = clientTraceparent();
    const agent = new Client({ name: 'loop-tracing-test', version: '1.0.0' });
    try {
      // tsx compiles the server and loads the OpenTelemetry SDK: slow on a busy machine.
      await waitFor(`http://127.0.0.1:${port}/healthz`, 120_000, mcp);
      const { authorization } = await headersFor('customer', 1);
      await agent.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { authorization, traceparent: client.header } } }));
      const result = await agent.callTool({ name: 'get_patient_summary', arguments: {} });
      expect(result.isError).toBeFalsy();
      const isGatewayRequest = (span: ReceivedSpan) => span.name === 'gateway.request' && span.attributes['graphql.operation.name'] === 'McpPatientSummary';
      // The gateway's request, below the MCP server's spans (its fetch's span ends, and arrives, after the gateway's).
      const mcpAbove = (all: ReceivedSpan[]) => {
        const trace = inTrace(all, client.traceId);
        const request = trace.find(isGatewayRequest);
        return request !== undefined && ancestors(request, trace).some((span) => span.service === 'loop-health-mcp');
      };
      await receiver.waitFor(mcpAbove);
      // Each of the MCP server's HTTP spans (initialize, the tool call…: every request carried the header) is the agent's span's child.
      const mcpServer = inTrace(receiver.spans, client.traceId).filter((span) => span.service === 'loop-health-mcp' && span.kind === SERVER);
      expect(mcpServer.length).toBeGreaterThan(0);
      expect(mcpServer.every((span) => span.parentSpanId === client.spanId)).toBe(true);
    } finally {
      await agent.close().catch(() => {});
      const exited = new Promise((resolve) => mcp.once('exit', resolve));
      mcp.kill('SIGTERM');
      await exited;
    }
  }, 180_000);

  it("exports no seeded patient's name or email, and no query values from URLs", async () => {
    const admin = await headersFor('admin');
    const people = await gql(`{ patients(first: 3) { edges { node { firstName lastName email } } } }`, {}, { url, headers: admin });
    const patients = people.data!.patients.edges.map((edge: any) => edge.node) as { firstName: string; lastName: string; email: string }[];
    expect(patients).toHaveLength(3);
    // A search by a last name, in a URL's query string (GET) and in variables (POST).
    const lastName = patients[0].lastName;
    await fetch(`${url}/graphql?query=${encodeURIComponent('query($s: String) { patients(search: $s) { totalCount } }')}&variables=${encodeURIComponent(JSON.stringify({ s: lastName }))}`, { headers: { ...admin, 'apollo-require-preflight': 'true' } });
    const searched = await gql('query Patients($search: String) { patients(search: $search) { totalCount } }', { search: lastName }, { url, headers: admin });
    expect(searched.errors).toBeUndefined();
    // Wait for the search's spans, so they are part of what is scanned.
    await receiver.waitFor((all) => all.filter((span) => span.name === 'gateway.request').length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const exported = receiver.bodies.join('\n');
    expect(exported.length).toBeGreaterThan(10_000);
    for (const patient of patients) {
      for (const value of [patient.firstName, patient.lastName, patient.email]) expect([value, exported.includes(value)]).toEqual([value, false]);
    }
    expect(exported).toContain('REDACTED');
  });
});
