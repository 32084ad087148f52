// Federated subscriptions through the gateway, with real graphql-ws clients.
import { randomUUID } from 'node:crypto';
import { authHeaders, seededPatientId } from './support/auth';
import { gatewayUrl, gql, stackSubgraphBase } from './support/graphql';
import { collect, eventually, metric, wsClient } from './support/ws';

const PATIENT = seededPatientId(11);
const READINGS = `subscription($p: ID!) { wearableReadingAdded(patientId: $p) { metric value recordedAt patient { id firstName } } }`;

let admin: Record<string, string>;
beforeAll(async () => {
  admin = await authHeaders('admin');
});

async function recordReading(patientId: string, headers: Record<string, string>, url = gatewayUrl(), value = 61) {
  const response = await gql(
    `mutation($p: ID!, $r: String!, $at: DateTime!) { recordWearableReadings(patientId: $p, readings: [{ provider: OURA, metric: RESTING_HR, value: ${value}, unit: "bpm", recordedAt: $at, providerReadingId: $r }]) { inserted } }`,
    { p: patientId, r: `sub-${randomUUID()}`, at: new Date(Date.now() - 60_000).toISOString() },
    { url, headers },
  );
  expect(response.errors).toBeUndefined();
  return response;
}

const subscribed = (count: number, timeoutMs = 5_000) => eventually(async () => (await metric(stackSubgraphBase('wearables'), 'subgraph_ws_active_subscriptions', 'service="wearables"')) >= count, timeoutMs, `${count} upstream subscription(s)`);

describe('wearableReadingAdded through the gateway', () => {
  it('delivers an event with fields of two subgraphs within a second of the write', async () => {
    const client = wsClient(admin.authorization);
    const stream = collect(client, READINGS, { p: PATIENT });
    try {
      await subscribed(1);
      await recordReading(PATIENT, admin);
      const wrote = Date.now();
      const [event] = await stream.waitFor(1, 1_000);
      expect(Date.now() - wrote).toBeLessThan(1_000);
      expect(event.errors).toBeUndefined();
      expect(event.data).toMatchObject({ wearableReadingAdded: { metric: 'RESTING_HR', value: 61, patient: { id: PATIENT } } });
      expect(typeof (event.data as any).wearableReadingAdded.patient.firstName).toBe('string');
    } finally {
      stream.dispose();
      await client.dispose();
    }
  });

  it("refuses a customer another patient's stream with FORBIDDEN, and lets them follow their own", async () => {
    const customer = await authHeaders('customer', { patientIndex: 11 });
    const client = wsClient(customer.authorization);
    const other = collect(client, READINGS, { p: seededPatientId(12) });
    const own = collect(client, READINGS, { p: PATIENT });
    try {
      await other.waitFor(1, 3_000);
      expect(other.events[0].errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect(other.events[0].data ?? null).toBeNull();
      await subscribed(1);
      await recordReading(PATIENT, admin, gatewayUrl(), 62);
      const [event] = await own.waitFor(1);
      expect((event.data as any).wearableReadingAdded.value).toBe(62);
    } finally {
      other.dispose();
      own.dispose();
      await client.dispose();
    }
  });

  it('closes an anonymous socket with 4401 and a forged token with 4403, before any operation runs', async () => {
    for (const [authorization, code] of [
      [null, 4401],
      ['Bearer not-a-token', 4403],
    ] as const) {
      let closed: number | undefined;
      const client = wsClient(authorization, gatewayUrl(), (c) => (closed = c));
      const stream = collect(client, READINGS, { p: PATIENT });
      await eventually(async () => closed !== undefined, 3_000, 'the socket to close');
      expect(closed).toBe(code);
      expect(stream.events).toEqual([]);
      await client.dispose();
    }
  });

  it('ends the upstream subscription as soon as the client completes', async () => {
    const before = await metric(stackSubgraphBase('wearables'), 'subgraph_ws_active_subscriptions', 'service="wearables"');
    const client = wsClient(admin.authorization);
    const stream = collect(client, READINGS, { p: PATIENT });
    await subscribed(before + 1);
    stream.dispose();
    await eventually(async () => (await metric(stackSubgraphBase('wearables'), 'subgraph_ws_active_subscriptions', 'service="wearables"')) === before, 2_000, 'the upstream to end');
    await client.dispose();
  });

  it('runs queries and mutations over the socket too', async () => {
    const client = wsClient(admin.authorization);
    try {
      const result = await client.iterate({ query: '{ patients(first: 2) { edges { node { id } } } }' }).next();
      expect((result.value as any).data.patients.edges).toHaveLength(2);
    } finally {
      await client.dispose();
    }
  });

  it('serves 200 concurrent subscribers over one upstream connection per subgraph', async () => {
    // 200 people (one principal may hold at most SUBSCRIPTIONS_PER_PRINCIPAL subscriptions).
    const people = await Promise.all(Array.from({ length: 200 }, (_, i) => authHeaders('admin', { sub: `user_test_load_${i}` })));
    const clients = people.map((headers) => wsClient(headers.authorization));
    const streams = clients.map((client) => collect(client, READINGS, { p: PATIENT }));
    try {
      await subscribed(200, 60_000);
      expect(await metric(gatewayUrl(), 'gateway_upstream_ws_connections', 'service="wearables"')).toBe(1);
      expect(await metric(stackSubgraphBase('wearables'), 'subgraph_ws_connections', 'service="wearables"')).toBe(1);
      await recordReading(PATIENT, admin, gatewayUrl(), 63);
      await Promise.all(streams.map((stream) => stream.waitFor(1, 30_000)));
      const bad = streams.filter((stream) => !(stream.events[0].data as any)?.wearableReadingAdded);
      expect(bad.map((stream) => stream.events[0].errors)).toEqual([]);
      expect(streams.every((stream) => (stream.events[0].data as any).wearableReadingAdded.value === 63)).toBe(true);
    } finally {
      streams.forEach((stream) => stream.dispose());
      await Promise.all(clients.map((client) => client.dispose()));
    }
  }, 120_000);
});

describe('labResultAdded through the gateway', () => {
  it('delivers a new lab result with its readings and the patient', async () => {
    const client = wsClient(admin.authorization);
    const stream = collect(client, 'subscription($p: ID!) { labResultAdded(patientId: $p) { id readings { code value status } patient { firstName } } }', { p: PATIENT });
    try {
      await eventually(async () => (await metric(stackSubgraphBase('labs'), 'subgraph_ws_active_subscriptions', 'service="labs"')) >= 1, 5_000, 'the labs subscription');
      const created = await gql(
        'mutation($p: ID!, $at: DateTime!) { createLabResult(patientId: $p, input: { collectedAt: $at, readings: [{ code: "GLUCOSE", value: 88, unit: "mg/dL" }] }) { id } }',
        { p: PATIENT, at: new Date().toISOString() },
        { headers: admin },
      );
      const [event] = await stream.waitFor(1);
      expect(event.errors).toBeUndefined();
      expect((event.data as any).labResultAdded).toMatchObject({ id: created.data!.createLabResult.id, readings: [{ code: 'GLUCOSE', value: 88 }] });
      expect(typeof (event.data as any).labResultAdded.patient.firstName).toBe('string');
    } finally {
      stream.dispose();
      await client.dispose();
    }
  });
});
