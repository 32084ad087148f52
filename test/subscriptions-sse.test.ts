// Subscriptions over SSE at /graphql/stream with the real graphql-sse client, in both of its
// modes, through the gateway to the subgraphs: the same token rule, RBAC, partner access and
// caps as graphql-ws, and a stream that ends when its token expires.
import { randomUUID } from 'node:crypto';
import { PERSISTED_OPERATION_HASHES } from '../clients/sdk/generated/persisted';
import { DEFAULT_SUBSCRIPTIONS_PER_CONNECTION, DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL } from '../shared/config';
import { authHeaders, seededPatientId, tokenFor } from './support/auth';
import { gatewayUrl, gql, stackSubgraphBase } from './support/graphql';
import { partnerToken } from './support/partners';
import { collectSse, sseClient } from './support/sse';
import { collect, eventually, metric, wsClient } from './support/ws';

const OWN = 21;
const PATIENT = seededPatientId(OWN);
const OTHER = seededPatientId(22);
const READINGS = 'subscription($p: ID!) { wearableReadingAdded(patientId: $p) { metric value patient { id firstName } } }';
const upstream = () => metric(stackSubgraphBase('wearables'), 'subgraph_ws_active_subscriptions', 'service="wearables"');
/** The upstream count once the previous test's subscriptions have finished ending (two equal reads apart). */
async function settledUpstream(): Promise<number> {
  for (let previous = -1; ; ) {
    const now = await upstream();
    if (now === previous) return now;
    previous = now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

let admin: Record<string, string>;
beforeAll(async () => {
  admin = await authHeaders('admin');
});

async function recordReading(patientId: string, value: number): Promise<void> {
  const response = await gql(
    'mutation($p: ID!, $r: String!, $at: DateTime!, $v: Float!) { recordWearableReadings(patientId: $p, readings: [{ provider: OURA, metric: RESTING_HR, value: $v, unit: "bpm", recordedAt: $at, providerReadingId: $r }]) { inserted } }',
    { p: patientId, r: `sse-${randomUUID()}`, at: new Date(Date.now() - 60_000).toISOString(), v: value },
    { headers: admin },
  );
  expect(response.errors).toBeUndefined();
}

const codeOf = (event: { errors?: readonly unknown[] } | undefined) => (event?.errors?.[0] as { extensions?: Record<string, unknown> } | undefined)?.extensions;

describe.each([
  ['distinct connections', false],
  ['a single connection', true],
])('wearableReadingAdded over SSE (%s)', (_mode, singleConnection) => {
  it('delivers a reading with fields of two subgraphs, and ends the upstream when the client stops', async () => {
    const before = await settledUpstream();
    const client = sseClient(admin.authorization, { singleConnection });
    const stream = collectSse(client, { query: READINGS, variables: { p: PATIENT } });
    try {
      await eventually(async () => (await upstream()) === before + 1, 10_000, 'the upstream subscription');
      await recordReading(PATIENT, singleConnection ? 71 : 70);
      const [event] = await stream.waitFor(1);
      expect(event.errors).toBeUndefined();
      expect(event.data).toMatchObject({ wearableReadingAdded: { metric: 'RESTING_HR', value: singleConnection ? 71 : 70, patient: { id: PATIENT } } });
      expect(typeof (event.data as any).wearableReadingAdded.patient.firstName).toBe('string');
    } finally {
      stream.dispose();
      client.dispose();
    }
    await eventually(async () => (await upstream()) === before, 10_000, 'the upstream to end');
  });

  it("refuses a customer another patient's readings with FORBIDDEN and lets them follow their own", async () => {
    const customer = await authHeaders('customer', { patientIndex: OWN });
    const client = sseClient(customer.authorization, { singleConnection });
    const other = collectSse(client, { query: READINGS, variables: { p: OTHER } });
    const own = collectSse(client, { query: READINGS, variables: { p: PATIENT } });
    try {
      const [refused] = await other.waitFor(1);
      expect(codeOf(refused)).toMatchObject({ code: 'FORBIDDEN' });
      expect(refused.data ?? null).toBeNull();
      for (let value = 80; own.events.length === 0 && value < 90; value++) {
        await recordReading(PATIENT, value);
        await own.waitFor(1, 1_000).catch(() => undefined);
      }
      expect((own.events[0].data as any).wearableReadingAdded.patient.id).toBe(PATIENT);
    } finally {
      other.dispose();
      own.dispose();
      client.dispose();
    }
  });

  it('ends the stream when its token expires: one UNAUTHENTICATED error, then complete, and the upstream ends', async () => {
    const before = await settledUpstream();
    const token = await tokenFor('customer', { patientIndex: OWN, ttl: '8s' });
    const client = sseClient(`Bearer ${token}`, { singleConnection });
    const stream = collectSse(client, { query: READINGS, variables: { p: PATIENT } });
    try {
      await eventually(async () => (await upstream()) === before + 1, 7_000, 'the upstream subscription');
      await stream.ended(20_000);
      expect(stream.events).toHaveLength(1);
      expect(codeOf(stream.events[0])).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(stream.events[0].errors![0].message).toMatch(/expired/);
      await eventually(async () => (await upstream()) === before, 10_000, 'the upstream to end');
    } finally {
      stream.dispose();
      client.dispose();
    }
  }, 60_000);
});

describe('/graphql/stream refusals', () => {
  const post = (headers: Record<string, string>, body: unknown = { query: READINGS, variables: { p: PATIENT } }) =>
    fetch(`${gatewayUrl()}/graphql/stream`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers }, body: JSON.stringify(body) });

  it('answers 401 without a token or with a forged one, before anything runs', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const response = await post(headers);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(body)).not.toMatch(/stack|\.ts:\d+/);
    }
  });

  it("does not let one principal use another's reserved stream", async () => {
    const reserve = await fetch(`${gatewayUrl()}/graphql/stream`, { method: 'PUT', headers: admin });
    expect(reserve.status).toBe(201);
    const streamToken = await reserve.text();
    const someoneElse = await authHeaders('customer', { patientIndex: OWN });
    const operation = await fetch(`${gatewayUrl()}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-graphql-event-stream-token': streamToken, ...someoneElse },
      body: JSON.stringify({ query: READINGS, variables: { p: PATIENT }, extensions: { operationId: '1' } }),
    });
    expect(operation.status).toBe(404);
  });

  it('keeps the operation limits of the caller\'s tier', async () => {
    const customer = await authHeaders('customer', { patientIndex: OWN });
    const client = sseClient(customer.authorization);
    const deep = `subscription($p: ID!) { wearableReadingAdded(patientId: $p) { ${Array.from({ length: 120 }, (_, i) => `a${i}: value`).join(' ')} } }`;
    const stream = collectSse(client, { query: deep, variables: { p: PATIENT } });
    try {
      const [refused] = await stream.waitFor(1);
      expect(codeOf(refused)).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'aliases' });
    } finally {
      stream.dispose();
      client.dispose();
    }
  });
});

describe('partner credentials over SSE and graphql-ws', () => {
  const persisted = { query: '', operationName: 'WearableReadingAdded', extensions: { persistedQuery: { version: 1, sha256Hash: PERSISTED_OPERATION_HASHES.WearableReadingAdded } } };

  it('subscribe by persisted hash to what their scopes allow, and receive the events', async () => {
    const { access_token } = await partnerToken({ name: 'SSE wearables partner', role: 'SUPPORT', scopes: ['profile', 'wearables'] });
    const client = sseClient(`Bearer ${access_token}`);
    const stream = collectSse(client, { ...persisted, variables: { patientId: OTHER } });
    try {
      for (let value = 60; stream.events.length === 0 && value < 70; value++) {
        await recordReading(OTHER, value);
        await stream.waitFor(1, 1_000).catch(() => undefined);
      }
      expect(stream.events[0].errors).toBeUndefined();
      expect((stream.events[0].data as any).wearableReadingAdded.metric).toBe('RESTING_HR');
    } finally {
      stream.dispose();
      client.dispose();
    }
  });

  it('are refused free-form operations and subscriptions outside their scopes, on both transports', async () => {
    const { access_token } = await partnerToken({ name: 'SSE labs partner', role: 'SUPPORT', scopes: ['profile', 'lab_results'] });
    const sse = sseClient(`Bearer ${access_token}`);
    const freeForm = collectSse(sse, { query: READINGS, variables: { p: OTHER } });
    const outsideScopes = collectSse(sse, { ...persisted, variables: { patientId: OTHER } });
    const ws = wsClient(`Bearer ${access_token}`);
    const wsFreeForm = collect(ws, READINGS, { p: OTHER });
    try {
      expect(codeOf((await freeForm.waitFor(1))[0])).toMatchObject({ code: 'FORBIDDEN' });
      const [refused] = await outsideScopes.waitFor(1);
      expect(codeOf(refused)).toMatchObject({ code: 'FORBIDDEN' });
      expect(refused.errors![0].message).toMatch(/scopes/);
      await wsFreeForm.waitFor(1).catch(() => undefined);
      expect(wsFreeForm.error ?? wsFreeForm.events[0]?.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    } finally {
      freeForm.dispose();
      outsideScopes.dispose();
      sse.dispose();
      wsFreeForm.dispose();
      await ws.dispose();
    }
  });
});

describe('subscription caps', () => {
  it('refuses the subscription over the per-connection cap, and the one over the per-principal cap across both transports', async () => {
    const headers = await authHeaders('admin', { sub: `user_caps_${randomUUID()}` });
    const before = await upstream();
    const single = sseClient(headers.authorization, { singleConnection: true });
    const first = Array.from({ length: DEFAULT_SUBSCRIPTIONS_PER_CONNECTION + 1 }, () => collectSse(single, { query: READINGS, variables: { p: PATIENT } }));
    const ws = wsClient(headers.authorization);
    const others: { dispose(): void; events: { errors?: readonly unknown[] }[] }[] = [];
    try {
      await eventually(async () => first.some((stream) => stream.events.length > 0), 5_000, 'the refusal');
      await eventually(async () => (await upstream()) === before + DEFAULT_SUBSCRIPTIONS_PER_CONNECTION, 5_000, 'the accepted subscriptions');
      const refused = first.filter((stream) => stream.events.length > 0);
      expect(refused).toHaveLength(1);
      expect(codeOf(refused[0].events[0])).toEqual({ code: 'OPERATION_LIMIT', limit: 'subscriptionsPerConnection', allowed: DEFAULT_SUBSCRIPTIONS_PER_CONNECTION, measured: DEFAULT_SUBSCRIPTIONS_PER_CONNECTION + 1 });
      // Up to the principal's cap over graphql-ws and more SSE streams…
      let held = DEFAULT_SUBSCRIPTIONS_PER_CONNECTION;
      while (held < DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL) {
        others.push(held % 2 ? collect(ws, READINGS, { p: PATIENT }) : collectSse(sseClient(headers.authorization), { query: READINGS, variables: { p: PATIENT } }));
        held++;
      }
      await eventually(async () => (await upstream()) === before + DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL, 10_000, 'the principal at its cap');
      // …then one more, on a fresh connection, is over it.
      const over = collectSse(sseClient(headers.authorization), { query: READINGS, variables: { p: PATIENT } });
      others.push(over);
      const [event] = await over.waitFor(1);
      expect(codeOf(event)).toEqual({ code: 'OPERATION_LIMIT', limit: 'subscriptionsPerPrincipal', allowed: DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL, measured: DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL + 1 });
      // A slot given back is a slot to take again.
      first.find((stream) => stream.events.length === 0)!.dispose();
      await eventually(async () => (await upstream()) === before + DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL - 1, 3_000, 'a released slot');
      const again = collect(ws, READINGS, { p: PATIENT });
      others.push(again);
      await eventually(async () => (await upstream()) === before + DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL, 3_000, 'the slot taken again');
      expect(again.events).toEqual([]);
    } finally {
      first.forEach((stream) => stream.dispose());
      others.forEach((stream) => stream.dispose());
      single.dispose();
      await ws.dispose();
    }
    await eventually(async () => (await upstream()) === before, 5_000, 'every upstream to end');
  }, 60_000);
});
