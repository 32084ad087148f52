// Luna turns with Claude's API, played by a local server that speaks the streaming Messages
// API (test/support/anthropic-server.ts), driven through the real @anthropic-ai/sdk by a
// second stack started with ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL pointing at it. Every turn
// is followed through that stack's gateway with a real graphql-ws client.
import { signDevToken } from '../../../shared/auth/dev-issuer';
import { seededPatientId, seededUserId } from '../../../prisma/seed/identities';
import { reply, startAnthropicServer, type AnthropicTestServer, type RecordedRequest } from '../../../test/support/anthropic-server';
import { gql } from '../../../test/support/graphql';
import { startStack, type Stack } from '../../../test/support/stack';
import { parseSamples, total } from '../../../test/support/metrics';
import { wsClient } from '../../../test/support/ws';
import { CONVERSATION, followTurn, send, storedReply, textOf, typesOf, type LunaEvent } from './turns';

// A second stack beside the test stack, within the run's own range of ports. (+200 from a base of
// 5800 was 6000: a port fetch() refuses to connect to, as X11's, so the stack never "answered".)
const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400) + 50;
const OTHER = seededPatientId(2);

let server: AnthropicTestServer;
let stack: Stack;
let url: string;
let admin: Record<string, string>;
let customer: Record<string, string>;
/** A seeded customer with lab results and wearable data (found in beforeAll). */
let patientId: string;

const token = async (role: 'admin' | 'customer', index = 1) =>
  ({ authorization: `Bearer ${await signDevToken(stack.env.DATA_DIR!, { sub: role === 'customer' ? seededUserId(index) : 'user_test_admin', role })}` });

beforeAll(async () => {
  server = await startAnthropicServer();
  stack = await startStack({
    portBase: PORT_BASE,
    extraEnv: {
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: server.url,
      LUNA_MODEL: 'claude-test',
      LUNA_MODEL_TIMEOUT_MS: '400',
      LUNA_MODEL_RETRIES: '2',
      LUNA_MODEL_RETRY_BASE_MS: '20',
      // The failures this file provokes are logged as warnings: keep the output to errors.
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      // The jest environment names the first stack's gateway: this stack's Luna calls its own.
      GATEWAY_URL: `http://127.0.0.1:${PORT_BASE}/graphql`,
    },
  });
  url = stack.gatewayUrl;
  admin = await token('admin');
  for (let index = 1; index <= 20 && !patientId; index++) {
    const id = seededPatientId(index);
    const found = await gql(`query($id: ID!) { patient(id: $id) { labResults(first: 1) { totalCount } wearableDailyStats(metric: SLEEP_SCORE) { day } } }`, { id }, { url, headers: admin });
    if (found.data?.patient.labResults.totalCount && found.data.patient.wearableDailyStats.length && id !== OTHER) {
      patientId = id;
      customer = await token('customer', index);
    }
  }
  expect(patientId).toBeDefined();
}, 240_000);

afterAll(async () => {
  await stack?.cleanup();
  await server?.close();
});

/** Sends `message` as the customer and follows the turn to its end. */
async function turn(message: string, headers = customer) {
  const sent = await send(headers, { m: message }, url);
  expect(sent.errors).toBeUndefined();
  const { conversation, message: stored, reply: pending } = sent.data!.sendLunaMessage;
  const client = wsClient(headers.authorization, url);
  try {
    const { events, stream } = await followTurn(client, conversation.id, pending.id);
    stream.dispose();
    return { conversationId: conversation.id, messageId: stored.id, turnId: pending.id, events, end: events[events.length - 1] as LunaEvent };
  } finally {
    await client.dispose();
  }
}

/** The tool results a request carries back to the model, by tool_use id. */
function toolResults(request: RecordedRequest): { tool_use_id: string; content: string; is_error?: boolean }[] {
  const last = request.body.messages[request.body.messages.length - 1];
  return (Array.isArray(last.content) ? last.content : []).filter((block: any) => block.type === 'tool_result');
}

describe('a Luna turn with Claude (a local Messages API server)', () => {
  it('streams a turn with two tool calls through the gateway subscription and stores everything', async () => {
    server.route('[m-two-tools]', (request, n) => {
      if (n === 0) {
        return reply.tools(
          [
            { name: 'getLabResults', input: { results: 1 } },
            { name: 'getWearableInsights', input: { metrics: ['SLEEP_SCORE'], days: 7 } },
          ],
          'Let me check your labs and your sleep. ',
        );
      }
      // The answer is built from what the tools returned: the patient's real data.
      const [labs, sleep] = toolResults(request).map((result) => JSON.parse(result.content));
      const first = labs.results[0].readings[0];
      return reply.text(`Your ${first.name} was ${first.value} ${first.unit}. Your sleep score averaged ${sleep.metrics[0].mean} this week. Nice work keeping it steady!`);
    });
    const { events, end, turnId, messageId, conversationId } = await turn('How are my labs and my sleep? [m-two-tools]');

    expect(events.map((event) => event.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({ __typename: 'LunaTurnStarted', messageId, model: 'claude-test' });
    const types = typesOf(events);
    expect(types.filter((type) => type === 'LunaToolCallStarted')).toHaveLength(2);
    expect(types.filter((type) => type === 'LunaToolCallFinished')).toHaveLength(2);
    expect(types.filter((type) => type === 'LunaTextDelta').length).toBeGreaterThanOrEqual(3);
    // Text before the tools, tools, then the answer.
    expect(types.indexOf('LunaTextDelta')).toBeLessThan(types.indexOf('LunaToolCallStarted'));
    expect(types.lastIndexOf('LunaTextDelta')).toBeGreaterThan(types.lastIndexOf('LunaToolCallFinished'));
    expect(end.__typename).toBe('LunaTurnDone');

    const requests = server.requestsFor('[m-two-tools]');
    expect(requests).toHaveLength(2);
    expect(requests[0].body.tools.map((tool: any) => tool.name).sort()).toEqual(['getLabResults', 'getPatientProfile', 'getProtocols', 'getWearableInsights', 'searchContent']);
    expect(requests[0].body.system).toMatch(/at most 5 tools/);
    // The tool results that went back to the model are the graph's own answer for this patient.
    const [labsResult, sleepResult] = toolResults(requests[1]);
    expect(labsResult.tool_use_id).toBe(events.find((event) => event.__typename === 'LunaToolCallStarted')!.callId);
    const graphLabs = await gql(`query($id: ID!) { patient(id: $id) { labResults(first: 1) { edges { node { collectedAt readings { name value } } } } } }`, { id: patientId }, { url, headers: admin });
    const latest = graphLabs.data!.patient.labResults.edges[0].node;
    expect(JSON.parse(labsResult.content).results[0]).toMatchObject({ collectedAt: latest.collectedAt, readings: expect.arrayContaining([expect.objectContaining(latest.readings[0])]) });
    expect(JSON.parse(sleepResult.content).metrics[0].metric).toBe('SLEEP_SCORE');

    const message = end.message;
    expect(message).toMatchObject({ id: turnId, status: 'COMPLETE', content: textOf(events).trim() });
    expect(message.content).toContain(`Your ${latest.readings[0].name} was ${latest.readings[0].value}`);
    expect(message.toolCalls.map((call: any) => [call.name, JSON.parse(call.arguments)])).toEqual([
      ['getLabResults', { results: 1 }],
      ['getWearableInsights', { metrics: ['SLEEP_SCORE'], days: 7 }],
    ]);
    expect(message.toolCalls.every((call: any) => call.resultSize > 0 && call.durationMs >= 0 && call.error === null)).toBe(true);
    const stored = await storedReply(customer, conversationId, turnId, url);
    expect(stored.reply).toEqual(message);
    expect(stored.conversation.messages.edges.map((edge: any) => edge.node.role)).toEqual(['USER', 'ASSISTANT']);
  });

  it('cuts off a model that keeps asking for tools at 5 calls, then makes it answer', async () => {
    server.route('[m-loop]', (request) =>
      reply.tools(
        [
          { name: 'getProtocols', input: {} },
          { name: 'searchContent', input: { query: 'sleep' } },
        ],
        // It asks for more even when told it may not: the limit is enforced, not requested.
        request.body.tool_choice?.type === 'none' ? 'Here is what I found about your protocols.' : undefined,
      ),
    );
    const { events, end } = await turn('Tell me everything about my protocols [m-loop]');
    const requests = server.requestsFor('[m-loop]');
    expect(requests.map((request) => request.body.tool_choice?.type)).toEqual(['auto', 'auto', 'auto', 'none']);
    expect(typesOf(events).filter((type) => type === 'LunaToolCallStarted')).toHaveLength(5);
    // The sixth call asked for was answered with an error, not run.
    const refused = toolResults(requests[3]).filter((result) => result.is_error);
    expect(refused).toHaveLength(1);
    expect(refused[0].content).toMatch(/limit of 5 tool calls/);
    expect(end.__typename).toBe('LunaTurnDone');
    expect(end.message.toolCalls).toHaveLength(5);
    expect(end.message.content).toMatch(/^Here is what I found about your protocols\./);
    const read = (await gql(CONVERSATION, { id: end.conversationId }, { url, headers: customer })).data!.conversation;
    expect(JSON.parse(read.clinicalInteractions[0].detail)).toMatchObject({ refusedToolCalls: 3, model: 'claude-test' });
  });

  it("measures each turn at the luna subgraph's /metrics: outcome, and the tokens the model reported", async () => {
    const lunaMetrics = async () => parseSamples(await (await fetch(`http://127.0.0.1:${PORT_BASE + 6}/metrics`)).text());
    const before = await lunaMetrics();
    server.route('[m-usage]', (_request, n) => (n === 0 ? reply.tools([{ name: 'getProtocols', input: {} }]) : reply.text('You have protocols on file.')));
    const { end } = await turn('What are my protocols? [m-usage]');
    expect(end.__typename).toBe('LunaTurnDone');
    await turn('I want to kill myself [m-usage-emergency]');
    const after = await lunaMetrics();
    const delta = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);

    expect(delta('luna_turns_total', { service: 'luna', model: 'claude-test', outcome: 'complete' })).toBe(1);
    expect(delta('luna_turns_total', { model: 'none', outcome: 'emergency' })).toBe(1);
    // Two model steps (tool call, answer): the input tokens the server reported for each, 12 output tokens each.
    const requests = server.requestsFor('[m-usage]');
    expect(requests).toHaveLength(2);
    const input = requests.reduce((sum, request) => sum + Math.ceil(JSON.stringify(request.body.messages).length / 4), 0);
    expect(delta('luna_turn_tokens_sum', { model: 'claude-test', direction: 'input' })).toBe(input);
    expect(delta('luna_turn_tokens_sum', { model: 'claude-test', direction: 'output' })).toBe(24);
    expect(delta('luna_turn_tokens_count', { model: 'claude-test', direction: 'output' })).toBe(1);
    // claude-test has no price: its turns are measured without a cost.
    expect(total(after, 'luna_turn_cost_usd_count', { model: 'claude-test' })).toBe(0);
  });

  it('never sends an emergency to the model server', async () => {
    const before = server.requests.length;
    const { events, end } = await turn('I took too many pills and feel dizzy [m-emergency]');
    expect(typesOf(events).slice(0, 2)).toEqual(['LunaTurnStarted', 'LunaEmergencyNotice']);
    expect(events[0].model).toBe('none');
    expect(events[1]).toMatchObject({ category: 'overdose', severity: 'critical' });
    expect(end.__typename).toBe('LunaTurnDone');
    expect(end.message.content).toContain(events[1].emergencyNumber);
    expect(server.requestsFor('[m-emergency]')).toEqual([]);
    expect(server.requests.length).toBe(before);
    const read = (await gql(CONVERSATION, { id: end.conversationId }, { url, headers: customer })).data!.conversation;
    expect(read.clinicalInteractions).toEqual([expect.objectContaining({ kind: 'emergency', severity: 'critical' })]);
  });

  it("never lets a dose outside the catalog's range through, even the patient's own protocol's, whatever the model says", async () => {
    const provider = { authorization: `Bearer ${await signDevToken(stack.env.DATA_DIR!, { sub: 'user_test_provider', role: 'provider' })}` };
    const bpc = (await gql('{ peptide(slug: "bpc-157") { id dosing { doseUnit minDose maxDose maxDailyDose routes frequencies source } } }', {}, { url, headers: admin })).data!.peptide;
    const created = await gql(
      'mutation($p: ID!, $i: ProtocolInput!) { createProtocol(patientId: $p, input: $i) { id } }',
      { p: patientId, i: { name: 'Tendon repair', status: 'ACTIVE', items: [{ peptideId: bpc.id, doseAmount: 500, doseUnit: 'mcg', frequency: 'daily' }] } },
      { url, headers: provider },
    );
    expect(created.errors).toBeUndefined();
    const DOSING = 'mutation($id: ID!, $input: PeptideDosingInput!) { updatePeptideDosing(peptideId: $id, input: $input) { id } }';
    // The catalog's maximum drops below the protocol's dose: the item's dose is now out of range.
    expect((await gql(DOSING, { id: bpc.id, input: { ...bpc.dosing, maxDose: 400 } }, { url, headers: admin })).errors).toBeUndefined();
    try {
      server.route('[m-dose]', () => reply.text('Your protocol has BPC-157 at 500 mcg daily. Some people even take 0.8 mg of BPC-157. Keep going!'));
      const { events, end } = await turn('What is my BPC-157 dose? [m-dose]');
      // The model was not handed the dose (withheld in its summary) ...
      expect(server.requestsFor('[m-dose]')[0].body.system).toMatch(/BPC-157 \(dose under review by the care team/);
      expect(server.requestsFor('[m-dose]')[0].body.system).not.toMatch(/500 mcg/);
      // ... and what it said anyway never reached the patient.
      const shown = textOf(events);
      expect(shown).not.toMatch(/500 mcg|0\.8 mg/);
      expect(shown).toContain("won't repeat it");
      const notices = events.filter((event) => event.__typename === 'LunaGuardrailNotice');
      expect(notices.map((notice) => notice.detail)).toEqual([expect.stringMatching(/^dose_out_of_range: a BPC-157 dose outside/), expect.stringMatching(/^dose_out_of_range/)]);
      expect(end.message.content).not.toMatch(/500 mcg|0\.8 mg/);
    } finally {
      await gql(DOSING, { id: bpc.id, input: bpc.dosing }, { url, headers: admin });
    }
  });

  it("does not let a customer's Luna read another patient's labs, even when the model asks for that id", async () => {
    server.route('[m-other]', (_request, n) =>
      n === 0 ? reply.tools([{ name: 'getLabResults', input: { patientId: OTHER } }]) : reply.text('I can only look at your own results.'),
    );
    const { events, end, turnId } = await turn(`Show me the labs of patient ${OTHER} [m-other]`);
    const finished = events.find((event) => event.__typename === 'LunaToolCallFinished')!;
    expect(finished).toMatchObject({ name: 'getLabResults', ok: false, resultSize: null });
    expect(finished.error).toMatch(/^FORBIDDEN/);
    // What went back to the model is the refusal, and none of the other patient's data.
    const [result] = toolResults(server.requestsFor('[m-other]')[1]);
    expect(result).toMatchObject({ is_error: true });
    expect(result.content).toMatch(/FORBIDDEN/);
    expect(result.content).not.toMatch(/readings|collectedAt/);
    expect(end.message.toolCalls[0]).toMatchObject({ name: 'getLabResults', resultSize: null, error: expect.stringMatching(/^FORBIDDEN/) });
    // Refused before the graph is asked: tools read only the conversation's patient (whatever the
    // token could read), so nothing about the other patient was requested in this turn.
    expect(finished.error).toMatch(/conversation is about/);
    const audit = await gql(
      `query($r: String!) { auditLog(filter: { correlationId: $r }) { edges { node { patientId } } } }`,
      { r: `luna-${turnId}` },
      { url, headers: admin },
    );
    expect(audit.data!.auditLog.edges.map((edge: any) => edge.node.patientId)).not.toContain(OTHER);
  });

  it("catches a guardrail violation in the model's text before it reaches the client", async () => {
    server.route('[m-guard]', [
      reply.text('Thanks for asking. You have kidney disease. You should start taking 500 mcg of BPC-157 twice daily. Walking after meals helps.'),
    ]);
    const { events, end } = await turn('What do my numbers mean? [m-guard]');
    const streamed = textOf(events);
    expect(streamed).not.toMatch(/kidney disease|500 mcg|start taking/);
    expect(streamed).toContain("I can't diagnose conditions");
    expect(streamed).toContain('Walking after meals helps.');
    const notices = events.filter((event) => event.__typename === 'LunaGuardrailNotice');
    expect(notices.map((notice) => [notice.check, notice.action])).toEqual([
      ['compliance', 'rewritten'],
      ['compliance', 'rewritten'],
    ]);
    // Each notice comes before the text that replaced the sentence.
    expect(typesOf(events).indexOf('LunaGuardrailNotice')).toBeLessThan(events.findIndex((event) => event.text?.includes("can't diagnose")));
    expect(end.message.content).toBe(streamed.trim());
    expect(end.message.guardrails).toEqual([
      { check: 'emergency', action: 'passed', detail: null },
      { check: 'compliance', action: 'rewritten', detail: 'diagnosis ×1; prescribing ×1' },
      { check: 'business', action: 'passed', detail: null },
      { check: 'safety', action: 'passed', detail: null },
    ]);
    const read = (await gql(CONVERSATION, { id: end.conversationId }, { url, headers: customer })).data!.conversation;
    expect(read.clinicalInteractions).toEqual([expect.objectContaining({ kind: 'guardrail_intervention', severity: 'medium' })]);
  });
});

describe('model failures', () => {
  it('retries an overloaded, failing or silent model and then answers', async () => {
    server.route('[m-recover]', [reply.overloaded(), { kind: 'stream-error', errorType: 'overloaded_error' }, reply.text('Back online. How can I help?')]);
    server.route('[m-late]', [reply.hang(), reply.text('Sorry for the wait. How can I help?')]);
    const recovered = await turn('Hello [m-recover]');
    expect(server.requestsFor('[m-recover]')).toHaveLength(3);
    expect(recovered.end).toMatchObject({ __typename: 'LunaTurnDone', message: { status: 'COMPLETE', content: 'Back online. How can I help?' } });
    const late = await turn('Hello [m-late]');
    expect(server.requestsFor('[m-late]')).toHaveLength(2);
    expect(late.end).toMatchObject({ __typename: 'LunaTurnDone', message: { status: 'COMPLETE', content: 'Sorry for the wait. How can I help?' } });
  });

  it.each([
    ['[m-overloaded]', reply.overloaded(), 'MODEL_OVERLOADED'],
    ['[m-timeout]', reply.hang(), 'MODEL_TIMEOUT'],
  ])('gives up on %s after the retries with an error event, keeping the user’s message', async (marker, failure, code) => {
    server.route(marker, [failure]);
    const { events, end, messageId, turnId, conversationId } = await turn(`Are you there? ${marker}`);
    expect(typesOf(events)).toEqual(['LunaTurnStarted', 'LunaTurnError']);
    expect(end).toMatchObject({ code, attempts: 3, message: { id: turnId, status: 'FAILED' } });
    expect(end.message.content).toMatch(/Your message is saved/);
    expect(server.requestsFor(marker)).toHaveLength(3);
    const { conversation } = await storedReply(customer, conversationId, turnId, url);
    expect(conversation.messages.edges.map((edge: any) => [edge.node.id, edge.node.role, edge.node.status])).toEqual([
      [messageId, 'USER', 'COMPLETE'],
      [turnId, 'ASSISTANT', 'FAILED'],
    ]);
    expect(conversation.messages.edges[0].node.content).toBe(`Are you there? ${marker}`);
  });

  it('does not retry once part of the answer reached the client: the turn fails with what was said', async () => {
    server.route('[m-stall]', [{ kind: 'stall', text: 'Let me think about your question. Your' }]);
    const { events, end } = await turn('Why am I tired? [m-stall]');
    expect(server.requestsFor('[m-stall]')).toHaveLength(1);
    expect(textOf(events)).toBe('Let me think about your question. ');
    expect(end).toMatchObject({ __typename: 'LunaTurnError', code: 'MODEL_TIMEOUT', attempts: 1 });
    expect(end.message.content).toMatch(/^Let me think about your question\.\n\nSorry, I couldn't finish this answer/);
  });

  it('finishes and stores the answer when the client disconnects mid-stream', async () => {
    const answer = 'Sleep is a big part of recovery. A steady bedtime helps. So does a cool, dark room. Caffeine after noon can make it harder to fall asleep. Light exercise during the day helps too.';
    server.route('[m-slow]', [reply.text(answer, 40)]);
    const sent = (await send(customer, { m: 'Any sleep tips? [m-slow]' }, url)).data!.sendLunaMessage;
    const client = wsClient(customer.authorization, url);
    const { events, stream } = await followTurn(client, sent.conversation.id, sent.reply.id, { until: (seen) => seen.some((event) => event.__typename === 'LunaTextDelta') });
    stream.dispose();
    await client.dispose();
    expect(events.some((event) => event.__typename === 'LunaTurnDone')).toBe(false);
    const { reply: stored } = await storedReply(customer, sent.conversation.id, sent.reply.id, url);
    expect(stored.status).toBe('COMPLETE');
    expect(stored.content.startsWith(answer)).toBe(true);
  });
});
