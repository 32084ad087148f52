// Luna turns on the offline model (the test stack has no ANTHROPIC_API_KEY), through the real
// gateway: sendLunaMessage stores first and returns at once; lunaResponse streams the turn
// with typed events, replayable to a late subscriber; the reply, its tool calls and guardrail
// outcomes are stored; RBAC and the audit trail apply to the conversation and to every tool
// call; one turn at a time per conversation.
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { codes, expectBadInput, gql } from '../../../test/support/graphql';
import { wsClient } from '../../../test/support/ws';
import { CONVERSATION, followTurn, send, storedReply, textOf, typesOf } from './turns';

// Patients this file writes to (conversations of their own).
const CUSTOMER_INDEX = 141;
const OTHER_INDEX = 142;
const CUSTOMER = seededPatientId(CUSTOMER_INDEX);
const OTHER = seededPatientId(OTHER_INDEX);

let customer: Record<string, string>;
let admin: Record<string, string>;

beforeAll(async () => {
  customer = await authHeaders('customer', { patientIndex: CUSTOMER_INDEX });
  admin = await authHeaders('admin');
});

describe('a Luna turn on the offline model', () => {
  it('stores the message first, returns at once, and streams the turn from its first event to the stored reply', async () => {
    const sent = await send(customer, { m: 'What do my latest labs show?' });
    expect(sent.errors).toBeUndefined();
    const { conversation, message, reply } = sent.data!.sendLunaMessage;
    expect(conversation).toMatchObject({ title: 'What do my latest labs show?', patient: { id: CUSTOMER } });
    expect(message).toMatchObject({ role: 'USER', status: 'COMPLETE', content: 'What do my latest labs show?' });
    expect(reply).toMatchObject({ role: 'ASSISTANT', status: 'PENDING', content: '' });

    const client = wsClient(customer.authorization);
    try {
      const { events, stream } = await followTurn(client, conversation.id, reply.id);
      stream.dispose();
      // From the first event, in order, whatever the subscription's timing against the turn.
      expect(events.map((event) => event.sequence)).toEqual(events.map((_, i) => i + 1));
      expect(events[0]).toMatchObject({ __typename: 'LunaTurnStarted', messageId: message.id, model: 'offline', conversationId: conversation.id });
      const types = typesOf(events);
      expect(types).toContain('LunaToolCallStarted');
      expect(types.filter((type) => type === 'LunaTextDelta').length).toBeGreaterThan(1);
      expect(types[types.length - 1]).toBe('LunaTurnDone');
      const started = events.find((event) => event.__typename === 'LunaToolCallStarted')!;
      const finished = events.find((event) => event.__typename === 'LunaToolCallFinished')!;
      expect(started).toMatchObject({ name: 'getLabResults' });
      expect(finished).toMatchObject({ callId: started.callId, name: 'getLabResults', ok: true, error: null });
      expect(finished.resultSize).toBeGreaterThan(0);

      const done = events[events.length - 1].message;
      expect(done).toMatchObject({ id: reply.id, status: 'COMPLETE', content: textOf(events).trim() });
      expect(done.toolCalls).toEqual([{ name: 'getLabResults', arguments: expect.any(String), resultSize: finished.resultSize, durationMs: finished.durationMs, error: null }]);
      expect(done.guardrails.map((outcome: any) => outcome.check)).toEqual(['emergency', 'compliance', 'business', 'safety']);
      // The answer is made of the patient's real lab values, as the graph returns them.
      const labs = await gql(`query($id: ID!) { patient(id: $id) { labResults(first: 1) { edges { node { collectedAt readings { name value status } } } } } }`, { id: CUSTOMER }, { headers: customer });
      const latest = labs.data!.patient.labResults.edges[0].node;
      expect(done.content).toContain(latest.collectedAt.slice(0, 10));
      const outOfRange = latest.readings.filter((r: any) => !['OPTIMAL', 'NORMAL', 'UNKNOWN'].includes(r.status));
      for (const reading of outOfRange.slice(0, 3)) expect(done.content).toContain(`${reading.name} ${reading.value}`);

      const stored = await storedReply(customer, conversation.id, reply.id);
      expect(stored.reply).toEqual(done);
      expect(stored.conversation.messages.edges.map((edge: any) => edge.node.id)).toEqual([message.id, reply.id]);
      expect(stored.conversation.clinicalInteractions).toEqual([expect.objectContaining({ kind: 'health_information', severity: 'low' })]);
      expect(JSON.parse(stored.conversation.clinicalInteractions[0].detail)).toMatchObject({ messageId: reply.id, tools: ['getLabResults'], model: 'offline' });
      const listed = await gql(`query($id: ID!) { patient(id: $id) { conversations(first: 1) { edges { node { id } } } } }`, { id: CUSTOMER }, { headers: customer });
      expect(listed.data!.patient.conversations.edges[0].node.id).toBe(conversation.id);
    } finally {
      await client.dispose();
    }
  });

  it('replays a finished turn, from its first event, to a subscriber that arrives after it ended', async () => {
    const { conversation, reply } = (await send(customer, { m: 'How has my sleep been?' })).data!.sendLunaMessage;
    await storedReply(customer, conversation.id, reply.id);
    const client = wsClient(customer.authorization);
    try {
      const { events, stream } = await followTurn(client, conversation.id, reply.id);
      stream.dispose();
      expect(events[0]).toMatchObject({ __typename: 'LunaTurnStarted', sequence: 1 });
      expect(events.find((event) => event.__typename === 'LunaToolCallStarted')).toMatchObject({ name: 'getWearableInsights' });
      expect(events[events.length - 1]).toMatchObject({ __typename: 'LunaTurnDone', message: { id: reply.id, status: 'COMPLETE' } });
    } finally {
      await client.dispose();
    }
  });

  it('keeps answering when the client disconnects mid-stream: the reply is stored and readable later', async () => {
    const { conversation, reply } = (await send(customer, { m: "Give me an overview: my profile, labs and my wearable's trends" })).data!.sendLunaMessage;
    const client = wsClient(customer.authorization);
    const { events, stream } = await followTurn(client, conversation.id, reply.id, { until: (seen) => seen.some((event) => event.__typename === 'LunaToolCallStarted') });
    stream.dispose();
    await client.dispose();
    expect(events.some((event) => event.__typename === 'LunaTurnDone')).toBe(false);
    const { reply: stored } = await storedReply(customer, conversation.id, reply.id);
    expect(stored.status).toBe('COMPLETE');
    expect(stored.toolCalls.map((call: any) => call.name).sort()).toEqual(['getLabResults', 'getPatientProfile', 'getWearableInsights']);
    expect(stored.content.length).toBeGreaterThan(100);
  });

  it('answers an emergency with the emergency guidance, without tools, and logs a critical clinical interaction', async () => {
    const { conversation, reply } = (await send(customer, { m: 'I want to end my life' })).data!.sendLunaMessage;
    const client = wsClient(customer.authorization);
    try {
      const { events, stream } = await followTurn(client, conversation.id, reply.id);
      stream.dispose();
      expect(typesOf(events).slice(0, 2)).toEqual(['LunaTurnStarted', 'LunaEmergencyNotice']);
      expect(events[1]).toMatchObject({ category: 'suicidal_intent', severity: 'critical' });
      expect(typesOf(events)).not.toContain('LunaToolCallStarted');
      const done = events[events.length - 1].message;
      expect(done.content).toContain(events[1].emergencyNumber);
      expect(done.guardrails).toEqual([{ check: 'emergency', action: 'escalated', detail: 'suicidal_intent (critical)' }]);
      const read = (await gql(CONVERSATION, { id: conversation.id }, { headers: customer })).data!.conversation;
      expect(read.clinicalInteractions).toEqual([expect.objectContaining({ kind: 'emergency', severity: 'critical' })]);
      expect(JSON.parse(read.clinicalInteractions[0].detail)).toMatchObject({ category: 'suicidal_intent', modelCalled: false, messageId: reply.id });
    } finally {
      await client.dispose();
    }
  });
});

describe('Luna’s conversations, permissions and audit', () => {
  it('runs every tool call as the user: audited under their identity with the turn’s request id', async () => {
    const { conversation, reply } = (await send(customer, { m: 'What is in my protocol?' })).data!.sendLunaMessage;
    const { reply: stored } = await storedReply(customer, conversation.id, reply.id);
    expect(stored.toolCalls.map((call: any) => call.name)).toEqual(['getProtocols']);
    const audit = await gql(
      `query($r: String!) { auditLog(filter: { correlationId: $r }, first: 50) { edges { node { actorRole resource action patientId decision operationName } } } }`,
      { r: `luna-${reply.id}` },
      { headers: admin },
    );
    const rows = audit.data!.auditLog.edges.map((edge: any) => edge.node);
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ actorRole: 'customer', resource: 'protocols', action: 'read', patientId: CUSTOMER, decision: 'ALLOW', operationName: 'LunaProtocols' })]));
    expect(rows.every((row: any) => row.actorRole === 'customer' && row.patientId === CUSTOMER)).toBe(true);
  });

  it("refuses a customer another patient's conversation: no sending, no stream (FORBIDDEN, audited)", async () => {
    const other = await authHeaders('customer', { patientIndex: OTHER_INDEX });
    const theirs = (await send(other, { m: 'Hello Luna' })).data!.sendLunaMessage;
    const sending = await send(customer, { m: 'Let me in', c: theirs.conversation.id });
    expect(codes(sending)).toEqual(['FORBIDDEN']);
    expect(sending.data).toBeNull();
    const starting = await send(customer, { m: 'For them', p: OTHER });
    expect(codes(starting)).toEqual(['FORBIDDEN']);

    const client = wsClient(customer.authorization);
    try {
      await expect(followTurn(client, theirs.conversation.id, theirs.reply.id, { timeoutMs: 3_000 })).rejects.toThrow(/FORBIDDEN/);
    } finally {
      await client.dispose();
    }
    const audit = await gql(
      `query($p: ID!) { auditLog(filter: { patient: $p, resource: "conversations", decision: DENY }, first: 20) { edges { node { actorRole action } } } }`,
      { p: OTHER },
      { headers: admin },
    );
    expect(audit.data!.auditLog.edges.map((edge: any) => edge.node)).toEqual(expect.arrayContaining([{ actorRole: 'customer', action: 'read' }, { actorRole: 'customer', action: 'create' }]));
    await storedReply(other, theirs.conversation.id, theirs.reply.id);
  });

  it('lets staff chat for a patient they name, refuses read-only roles, and asks staff for the patient', async () => {
    const staff = await authHeaders('staff');
    const forPatient = await send(staff, { m: 'Summarize recent wearable trends', p: OTHER });
    expect(forPatient.errors).toBeUndefined();
    expect(forPatient.data!.sendLunaMessage.conversation.patient.id).toBe(OTHER);
    // The record says who wrote it: staff, not the patient; Luna's reply has no author.
    expect(forPatient.data!.sendLunaMessage.message.authorRole).toBe('staff');
    expect(forPatient.data!.sendLunaMessage.reply.authorRole).toBeNull();
    await storedReply(staff, forPatient.data!.sendLunaMessage.conversation.id, forPatient.data!.sendLunaMessage.reply.id);
    expectBadInput(await send(staff, { m: 'Hello' }), 'patientId');
    const support = await authHeaders('support');
    expect(codes(await send(support, { m: 'Hello', p: OTHER }))).toEqual(['FORBIDDEN']);
  });

  it('takes one message at a time per conversation (RATE_LIMITED while Luna answers) and keeps the order', async () => {
    const first = (await send(customer, { m: 'How are my labs?' })).data!.sendLunaMessage;
    expect(first.message.authorRole).toBe('customer');
    const [again, other] = await Promise.all([send(customer, { m: 'And my sleep?', c: first.conversation.id }), send(customer, { m: 'Hello?', c: first.conversation.id })]);
    expect([...codes(again), ...codes(other)]).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    await storedReply(customer, first.conversation.id, first.reply.id);
    const next = await send(customer, { m: 'And my sleep?', c: first.conversation.id });
    expect(next.errors).toBeUndefined();
    const { conversation } = await storedReply(customer, first.conversation.id, next.data!.sendLunaMessage.reply.id);
    expect(conversation.messages.edges.map((edge: any) => [edge.node.role, edge.node.status])).toEqual([
      ['USER', 'COMPLETE'],
      ['ASSISTANT', 'COMPLETE'],
      ['USER', 'COMPLETE'],
      ['ASSISTANT', 'COMPLETE'],
    ]);
  });

  it('refuses an empty or overlong message, an archived or unknown conversation, storing nothing', async () => {
    const { conversation, reply } = (await send(customer, { m: 'Hi' })).data!.sendLunaMessage;
    await storedReply(customer, conversation.id, reply.id);
    expectBadInput(await send(customer, { m: '   ', c: conversation.id }), 'message');
    expectBadInput(await send(customer, { m: 'x'.repeat(4001), c: conversation.id }), 'message');
    expectBadInput(await send(admin, { m: 'Hi', c: 'not-an-id' }), 'conversationId');
    expect(codes(await send(admin, { m: 'Hi', c: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    await gql('mutation($id: ID!) { archiveConversation(id: $id) { id } }', { id: conversation.id }, { headers: customer });
    expectBadInput(await send(customer, { m: 'Still there?', c: conversation.id }), 'conversationId');
    const read = await gql(CONVERSATION, { id: conversation.id }, { headers: customer });
    expect(read.data!.conversation.messages.totalCount).toBe(2);
  });
});
