// The typed SDK against the live graph: queries and mutations over HTTP with the bearer token,
// errors typed by extensions.code, manifest operations by hash, queries with @defer read part by
// part, and subscriptions over graphql-ws that come back by themselves after the connection
// drops, or over SSE.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import {
  LabResultDocument,
  LoopClient,
  LoopGraphQLError,
  MyDashboardDocument,
  PatientDashboardDeferredDocument,
  PatientDashboardDocument,
  PatientOverviewDocument,
  SearchContentDocument,
  SendLunaMessageDocument,
  WearableReadingAddedDocument,
} from '..';
import { seededPatientId, tokenFor } from '../../../test/support/auth';
import { gatewayUrl, gql } from '../../../test/support/graphql';

const url = () => `${gatewayUrl()}/graphql`;

async function recordReading(patientId: string, value: number): Promise<void> {
  const response = await gql(
    'mutation($p: ID!, $r: [WearableReadingInput!]!) { recordWearableReadings(patientId: $p, readings: $r) { inserted } }',
    { p: patientId, r: [{ provider: 'OURA', metric: 'RESTING_HR', value, unit: 'bpm', recordedAt: new Date().toISOString(), providerReadingId: `sdk-${Date.now()}-${value}` }] },
    { headers: { authorization: `Bearer ${await tokenFor('admin')}` } },
  );
  expect(response.errors ?? []).toEqual([]);
}

/** Waits until `check` is true, polling. */
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the typed SDK', () => {
  it('sends a mutation with an Idempotency-Key and retries a lost answer with the same key: it runs once', async () => {
    const sent: { key: string | null; replayed: string | null }[] = [];
    // The first answer is lost on the way back (the mutation ran): the SDK retries on its own.
    const losingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const key = new Headers(init?.headers).get('idempotency-key');
      sent.push({ key, replayed: response.headers.get('idempotent-replayed') });
      if (sent.length === 1) throw new TypeError('fetch failed: socket hang up');
      return response;
    };
    const token = await tokenFor('customer', { patientIndex: 4 });
    const client = new LoopClient({ url: url(), token, fetch: losingFetch, mutationRetryDelayMs: 10 });
    const text = `sdk idempotency ${Date.now()}`;
    const { sendLunaMessage } = await client.request(SendLunaMessageDocument, { message: text });
    expect(sent).toHaveLength(2);
    expect(sent[0].key).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]).toEqual({ key: sent[0].key, replayed: 'true' });
    const stored = await gql(
      'query($c: ID!) { conversation(id: $c) { messages(first: 50) { edges { node { role content } } } } }',
      { c: sendLunaMessage.conversation.id },
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(stored.errors ?? []).toEqual([]);
    const mine = (stored.data!.conversation.messages.edges as { node: { role: string; content: string } }[]).filter((edge) => edge.node.role === 'USER' && edge.node.content === text);
    expect(mine).toHaveLength(1);
    // A query carries no key.
    const queried: (string | null)[] = [];
    const watching = new LoopClient({ url: url(), token, fetch: async (input, init) => (queried.push(new Headers(init?.headers).get('idempotency-key')), fetch(input, init)) });
    await watching.request(MyDashboardDocument);
    expect(queried).toEqual([null]);
  });

  it('runs a typed query with the bearer token', async () => {
    const client = new LoopClient({ url: url(), token: await tokenFor('customer', { patientIndex: 5 }) });
    const { me } = await client.request(MyDashboardDocument);
    expect(me?.id).toBe(seededPatientId(5));
    expect(me?.labResults?.edges[0]?.node.readings.length).toBeGreaterThan(0);
  });

  it('reads the token from a function on every request (refreshed tokens)', async () => {
    const tokens = [await tokenFor('customer', { patientIndex: 6 }), await tokenFor('customer', { patientIndex: 7 })];
    let calls = 0;
    const client = new LoopClient({ url: url(), token: () => tokens[calls++] });
    expect((await client.request(MyDashboardDocument)).me?.id).toBe(seededPatientId(6));
    expect((await client.request(MyDashboardDocument)).me?.id).toBe(seededPatientId(7));
  });

  it('raises typed errors by extensions.code, keeping partial data', async () => {
    const customer = new LoopClient({ url: url(), token: await tokenFor('customer', { patientIndex: 5 }) });
    const forbidden = await customer.request(PatientOverviewDocument, { id: seededPatientId(6) }).catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(LoopGraphQLError);
    expect((forbidden as LoopGraphQLError).code).toBe('FORBIDDEN');
    expect((forbidden as LoopGraphQLError).retryable).toBe(false);

    const admin = new LoopClient({ url: url(), token: await tokenFor('admin') });
    const notFound = await admin.request(LabResultDocument, { id: '00000000-0000-4000-8000-000000000000' }).catch((error: unknown) => error);
    expect((notFound as LoopGraphQLError).code).toBe('NOT_FOUND');

    const anonymous = new LoopClient({ url: url() });
    const unauthenticated = await anonymous.request(MyDashboardDocument).catch((error: unknown) => error);
    expect((unauthenticated as LoopGraphQLError).code).toBe('UNAUTHENTICATED');

    const unreachable = new LoopClient({ url: 'http://127.0.0.1:1/graphql' });
    const network = await unreachable.request(SearchContentDocument, { query: 'bpc' }).catch((error: unknown) => error);
    expect([(network as LoopGraphQLError).code, (network as LoopGraphQLError).retryable]).toEqual(['NETWORK_ERROR', true]);
  });

  it('reads a query with @defer part by part, ending with the same data as the query without it', async () => {
    const client = new LoopClient({ url: url(), token: await tokenFor('admin') });
    const variables = { first: 3, statsFrom: '2026-01-01', statsTo: '2026-01-07' };
    const steps: { labels: string[]; hasNext: boolean; hasLabs: boolean; error?: unknown }[] = [];
    let last: unknown;
    for await (const step of client.requestInParts(PatientDashboardDeferredDocument, variables)) {
      const node = step.data.patients!.edges[0].node as Record<string, unknown>;
      steps.push({ labels: step.labels, hasNext: step.hasNext, hasLabs: 'labResults' in node, error: step.error });
      last = structuredClone(step.data);
    }
    expect(steps[0]).toEqual({ labels: [], hasNext: true, hasLabs: false, error: undefined });
    expect(steps.slice(1).flatMap((step) => step.labels).sort()).toEqual(['labs', 'wearables']);
    expect(steps.at(-1)).toMatchObject({ hasNext: false, hasLabs: true, error: undefined });
    expect(last).toEqual(await client.request(PatientDashboardDocument, variables));
  });

  it('streams a subscription over SSE when asked to', async () => {
    const patientId = seededPatientId(9);
    const client = new LoopClient({ url: url(), token: await tokenFor('customer', { patientIndex: 9 }), subscriptionTransport: 'sse' });
    const values: number[] = [];
    const errors: unknown[] = [];
    const unsubscribe = client.subscribe(WearableReadingAddedDocument, { patientId }, { next: (data) => values.push(data.wearableReadingAdded.value), error: (e) => errors.push(e) });
    try {
      for (let attempt = 0; values.length === 0 && attempt < 20; attempt++) {
        await recordReading(patientId, 40 + attempt);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(values.length).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      unsubscribe();
      await client.close();
    }
  });

  it('sends manifest operations by hash alone when persisted', async () => {
    const client = new LoopClient({ url: url(), persisted: true });
    const { searchContent } = await client.request(SearchContentDocument, { query: 'BPC' });
    expect(searchContent.length).toBeGreaterThan(0);
  });

  it('streams a subscription and resubscribes by itself after the connection drops', async () => {
    // A TCP relay in front of the gateway, so the test can cut the connection under the client.
    const sockets = new Set<net.Socket>();
    const gateway = new URL(gatewayUrl());
    const relay = net.createServer((inbound) => {
      const outbound = net.connect(Number(gateway.port), gateway.hostname);
      for (const socket of [inbound, outbound]) {
        sockets.add(socket);
        socket.on('error', () => {});
        socket.on('close', () => sockets.delete(socket));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const patientId = seededPatientId(8);
    const client = new LoopClient({
      url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}/graphql`,
      token: await tokenFor('customer', { patientIndex: 8 }),
      webSocketImpl: WebSocket,
    });
    const values: number[] = [];
    const errors: unknown[] = [];
    const unsubscribe = client.subscribe(WearableReadingAddedDocument, { patientId }, { next: (data) => values.push(data.wearableReadingAdded.value), error: (e) => errors.push(e) });
    try {
      // The subscription is live once an event gets through.
      await until(() => sockets.size > 0, 5_000, 'the socket');
      for (let attempt = 0; values.length === 0 && attempt < 20; attempt++) {
        await recordReading(patientId, 50 + attempt);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(values.length).toBeGreaterThan(0);
      const before = values.length;
      for (const socket of sockets) socket.destroy();
      // After the drop the client reconnects (with backoff) and subscribes again.
      const deadline = Date.now() + 15_000;
      for (let value = 90; values.length === before && Date.now() < deadline; value++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        await recordReading(patientId, value);
      }
      expect(values.length).toBeGreaterThan(before);
      expect(errors).toEqual([]);
    } finally {
      unsubscribe();
      await client.close();
      for (const socket of sockets) socket.destroy();
      relay.close();
    }
  });
});
