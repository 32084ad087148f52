// A partner credential's rate limit counts requests, not subscriptions (issue 17 leftover): a
// partner holding several live subscriptions, over SSE and graphql-ws, still has its whole
// per-minute budget, which its queries spend on every transport (POST /graphql, SSE, graphql-ws).
import { randomUUID } from 'node:crypto';
import { PERSISTED_OPERATION_HASHES } from '../clients/sdk/generated/persisted';
import { authHeaders, seededPatientId } from './support/auth';
import { gatewayUrl, gql } from './support/graphql';
import { partnerToken } from './support/partners';
import { collectSse, sseClient } from './support/sse';
import { collectStream, wsClient } from './support/ws';

const PATIENT = seededPatientId(23);
const RATE_LIMIT_PER_MINUTE = 2;
const SUBSCRIPTIONS_PER_TRANSPORT = 3;
const persisted = (name: keyof typeof PERSISTED_OPERATION_HASHES) => ({ query: '', operationName: name, extensions: { persistedQuery: { version: 1, sha256Hash: PERSISTED_OPERATION_HASHES[name] } } });

async function recordReading(value: number): Promise<void> {
  const response = await gql(
    'mutation($p: ID!, $r: String!, $at: DateTime!, $v: Float!) { recordWearableReadings(patientId: $p, readings: [{ provider: OURA, metric: RESTING_HR, value: $v, unit: "bpm", recordedAt: $at, providerReadingId: $r }]) { inserted } }',
    { p: PATIENT, r: `rate-${randomUUID()}`, at: new Date(Date.now() - 60_000).toISOString(), v: value },
    { headers: await authHeaders('admin') },
  );
  expect(response.errors).toBeUndefined();
}

describe("a partner's request rate", () => {
  it('leaves subscriptions over SSE and graphql-ws out of the count, and counts its queries over every transport', async () => {
    const { access_token } = await partnerToken({ name: `Rate partner ${randomUUID()}`, role: 'SUPPORT', scopes: ['profile', 'wearables'], rateLimitPerMinute: RATE_LIMIT_PER_MINUTE });
    const authorization = `Bearer ${access_token}`;
    const subscription = { ...persisted('WearableReadingAdded'), variables: { patientId: PATIENT } };
    const sse = sseClient(authorization);
    const ws = wsClient(authorization);
    const streams = [
      ...Array.from({ length: SUBSCRIPTIONS_PER_TRANSPORT }, () => collectSse(sse, subscription)),
      ...Array.from({ length: SUBSCRIPTIONS_PER_TRANSPORT }, () => collectStream((sink) => ws.subscribe(subscription, sink))),
    ];
    try {
      // Every subscription is live: each receives an event (none was refused).
      for (let value = 60; streams.some((stream) => stream.events.length === 0) && value < 80; value++) {
        await recordReading(value);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      for (const stream of streams) {
        expect(stream.events.length).toBeGreaterThan(0);
        expect(stream.events[0].errors).toBeUndefined();
      }
      // The whole budget is left for requests: one query over SSE, the rest over POST /graphql.
      const readings = { ...persisted('RecentWearableReadings'), variables: { patientId: PATIENT, first: 1 } };
      const overSse = collectSse(sse, readings);
      streams.push(overSse);
      const [answer] = await overSse.waitFor(1);
      expect(answer.errors).toBeUndefined();
      const post = () =>
        fetch(`${gatewayUrl()}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ operationName: readings.operationName, extensions: readings.extensions, variables: readings.variables }),
        });
      for (let i = 1; i < RATE_LIMIT_PER_MINUTE; i++) {
        const response = await post();
        expect([i, response.status]).toEqual([i, 200]);
        expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
      }
      // Spent: refused over HTTP and over graphql-ws alike.
      const over = await post();
      expect(over.status).toBe(429);
      expect(((await over.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('RATE_LIMITED');
      const overWs = collectStream((sink) => ws.subscribe(readings, sink));
      streams.push(overWs);
      await overWs.waitFor(1).catch(() => undefined);
      expect(overWs.error ?? overWs.events[0]?.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })]);
    } finally {
      for (const stream of streams) stream.dispose();
      sse.dispose();
      await ws.dispose();
    }
  });
});
