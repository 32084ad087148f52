// N concurrent subscribers through one gateway, events at a fixed rate: delivery latency
// p50/p95/p99 (write sent → event at the client), gateway memory per subscription and the
// upstream connection count. Runs its own stack in-process on a fresh database.
//   npm run bench:subscriptions                 # 1,000 subscribers, 2 events/s for 10 s
//   SUBSCRIBERS=500 RATE=5 DURATION=20 npm run bench:subscriptions
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { registry } from '../shared/metrics';
import { ALL_SERVICES, launch } from '../bin/launch';
import { seededPatientId } from '../prisma/seed/identities';
import { withBenchEnvironment, runBenchmark } from './environment';
import { GraphQLHttpClient } from '../shared/graphql/http-client';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const RATE = Number(process.env.RATE ?? 2);
const DURATION = Number(process.env.DURATION ?? 10);
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4950);
/** SELECTION=federated (default) also asks each event for the patient's name from the patient subgraph; local = wearables' own fields. */
const FEDERATED = (process.env.SELECTION ?? 'federated') === 'federated';

async function gauge(name: string, labels = ''): Promise<number> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function main() {
  // The bench's subscribers share one token: let that one principal hold them all (SUBSCRIPTIONS_PER_PRINCIPAL).
  process.env.SUBSCRIPTIONS_PER_PRINCIPAL ??= String(Math.max(SUBSCRIBERS, 50));
  await withBenchEnvironment(PORT_BASE, async ({ config, gatewayUrl, authorization }) => {
    const stack = await launch(config, ALL_SERVICES);
    const url = gatewayUrl.replace(/^http:\/\//, '') + '/graphql';
    const patientId = seededPatientId(1);
    const sent = new Map<number, number>();
    const latencies: number[] = [];
    const clients: Client[] = [];
    try {
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let ready = 0;
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const client = createClient({ url: `ws://${url}`, webSocketImpl: WebSocket, connectionParams: { authorization } });
        clients.push(client);
        client.subscribe(
          { query: `subscription($p: ID!) { wearableReadingAdded(patientId: $p) { value ${FEDERATED ? 'patient { firstName }' : ''} } }`, variables: { p: patientId } },
          {
            next: (event) => {
              const value = (event.data as { wearableReadingAdded?: { value: number } })?.wearableReadingAdded?.value;
              const at = value === undefined ? undefined : sent.get(value);
              if (at) latencies.push(Date.now() - at);
            },
            error: (error) => console.error('subscription error', error),
            complete: () => {},
          },
        );
      }
      while ((ready = await gauge('subgraph_ws_active_subscriptions', 'service="wearables"')) < SUBSCRIBERS) await new Promise((r) => setTimeout(r, 100));
      global.gc?.();
      const heapPerSubscription = (process.memoryUsage().heapUsed - heapBefore) / SUBSCRIBERS;
      const events = RATE * DURATION;
      const writer = new GraphQLHttpClient({ url: `http://${url}`, headers: { authorization } });
      for (let i = 0; i < events; i++) {
        const value = 40 + (i % 60) + i / 1000;
        // Measured from the moment the write is sent: the event can arrive before its response does.
        sent.set(value, Date.now());
        await writer.post({
          query: 'mutation($p: ID!, $r: String!, $at: DateTime!, $v: Float!) { recordWearableReadings(patientId: $p, readings: [{ provider: OURA, metric: RESTING_HR, value: $v, unit: "bpm", recordedAt: $at, providerReadingId: $r }]) { inserted } }',
          variables: { p: patientId, r: `bench-${randomUUID()}`, at: new Date(Date.now() - 60_000).toISOString(), v: value },
        });
        await new Promise((r) => setTimeout(r, 1000 / RATE));
      }
      await new Promise((r) => setTimeout(r, 2000));
      latencies.sort((a, b) => a - b);
      const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor((q / 100) * latencies.length))];
      console.log(
        JSON.stringify(
          {
            selection: FEDERATED ? 'federated (wearables + patient)' : 'wearables only',
            subscribers: SUBSCRIBERS,
            subscribed: ready,
            events,
            deliveries: latencies.length,
            expectedDeliveries: SUBSCRIBERS * events,
            deliveryLatencyMs: { p50: p(50), p95: p(95), p99: p(99), max: latencies[latencies.length - 1] },
            heapPerSubscriptionKiB: Math.round((heapPerSubscription / 1024) * 10) / 10,
            note: 'heap of the one process holding gateway, subgraphs and the bench clients',
            upstreamConnections: await gauge('gateway_upstream_ws_connections', 'service="wearables"'),
          },
          null,
          2,
        ),
      );
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
      await stack.stop();
    }
  });
}

runBenchmark(main);
