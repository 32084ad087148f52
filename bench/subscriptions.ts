// Subscriptions at scale, the working tree against a baseline version, side by side in one run:
// each version's whole stack runs as a child process (bench/harness/stack-process.ts) and this
// process holds the subscribers, one graphql-ws socket each, all with one admin token. Two
// scenarios per version, events published at a fixed rate by a mutation through the gateway:
//   - 1,000 subscribers whose selection has a field of another subgraph (`patient { firstName }`),
//   - 10,000 subscribers of the wearables subgraph's own fields.
// Figures: share of (subscriber, event) deliveries that arrived within the drain time, delivery
// latency p50/p99 measured from the moment the write was sent (p99 also without the scenario's first
// event, which pays the stack's cold paths), p99 from the event's publication by the outbox relay
// (the gateway's gateway_subscription_publish_to_delivery_seconds histogram: the bucket bound it
// is under; versions without that metric show n/a), the stack process's RSS
// (gateway and subgraphs share it), and the patient subgraph's fetches per event.
//   npm run bench:subscriptions
//   FEDERATED_SUBSCRIBERS=1000 LOCAL_SUBSCRIBERS=10000 RATE=2 DURATION=10 BASELINE_REF=30f0465 npm run bench:subscriptions
//   BASELINE=skip npm run bench:subscriptions     # the working tree only
//   BASELINE=skip ONLY=local STACK_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench:subscriptions   # one scenario, stack profiled
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { seededPatientId } from '../prisma/seed/identities';
import { runBenchmark } from './environment';
import { GraphQLHttpClient } from '../shared/graphql/http-client';
import { prepareBaselineTree } from './harness/baseline-tree';
import { startStackProcess, SUBGRAPHS, type StackProcess } from './harness/stack-process';
import { percentile, round } from './harness/stats';
import { comparisonTable, type Row } from './harness/table';
import { quantileBoundMs, readHistogram, since, type Buckets } from './harness/histogram';

/** The gateway's histogram from an event's publication by the outbox relay to its delivery to a group (gateway/subscriptions/fanout.ts). */
const PUBLISH_TO_DELIVERY = 'gateway_subscription_publish_to_delivery_seconds';

/** The state before subscription fan-out (issue 16 item 4): main at 30f0465. */
export const SUBSCRIPTIONS_BASELINE_REF = '30f0465';

const settings = {
  federatedSubscribers: Number(process.env.FEDERATED_SUBSCRIBERS ?? 1_000),
  localSubscribers: Number(process.env.LOCAL_SUBSCRIBERS ?? 10_000),
  /** Events per second, and for how many seconds. */
  rate: Number(process.env.RATE ?? 2),
  duration: Number(process.env.DURATION ?? 10),
  /** How long after the last event deliveries still count. */
  drainMs: Number(process.env.DRAIN_MS ?? 10_000),
  /** Longest wait for every subscriber to be subscribed upstream. */
  subscribeTimeoutMs: Number(process.env.SUBSCRIBE_TIMEOUT_MS ?? 600_000),
  /** Subscribing stops waiting when the count has not moved for this long (a socket that failed does not hold the run). */
  subscribeStallMs: Number(process.env.SUBSCRIBE_STALL_MS ?? 20_000),
  /**
   * Sockets whose handshake (WebSocket upgrade, connection_init, connection_ack) may be under way at
   * once while subscribing: the next opens when one is acknowledged. Opening all at once overflows the
   * gateway's listen backlog (511) and the kernel's SYN retries then spread the rest over minutes.
   */
  openConcurrency: Number(process.env.OPEN_CONCURRENCY ?? 100),
  /** Sockets closed at once when a scenario ends. */
  closeBatch: 250,
  /** `federated` or `local` runs that scenario alone (the comparison table needs both). */
  only: process.env.ONLY as 'federated' | 'local' | undefined,
  /** Node options for the stacks, space-separated (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them). */
  stackNodeArgs: (process.env.STACK_NODE_ARGS ?? '').split(' ').filter(Boolean),
  baselineRef: process.env.BASELINE_REF ?? SUBSCRIPTIONS_BASELINE_REF,
  skipBaseline: process.env.BASELINE === 'skip',
  keepBaseline: process.env.BASELINE_KEEP === '1',
  /** The baseline's stack on BENCH_PORT_BASE, the working tree's 20 above. */
  portBase: Number(process.env.BENCH_PORT_BASE ?? 4950),
};

interface Scenario {
  name: string;
  subscribers: number;
  federated: boolean;
}

interface Measured {
  subscribed: number;
  secondsToSubscribe: number;
  events: number;
  deliveredPercent: number;
  duplicates: number;
  p50: number;
  p99: number;
  /** p99 of the events after the first (the first event of a scenario pays the stack's cold paths). */
  p99AfterFirst: number;
  /** From the relay's publication to the group's delivery, by the gateway's own histogram: the bucket bound p99 is under (NaN where the version has no such metric). */
  publishP99BoundMs: number;
  /** The same without the first event (its observation, if not yet made when the second is sent, counts with the rest). */
  publishP99BoundAfterFirstMs: number;
  rssMb: number;
  patientFetchesPerEvent: number;
  /** Close events the subscribers' sockets saw while subscribing and during the events, by code. */
  closes: Record<string, number>;
}

const subgraphUrl = (portBase: number, name: (typeof SUBGRAPHS)[number]) => `http://127.0.0.1:${portBase + SUBGRAPHS.indexOf(name) + 1}`;

async function metricSum(url: string, prefix: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runScenario(stack: StackProcess, portBase: number, scenario: Scenario): Promise<Measured> {
  const wsUrl = `${stack.gatewayUrl.replace(/^http/, 'ws')}/graphql`;
  const wearables = subgraphUrl(portBase, 'wearables');
  const upstream = () => metricSum(wearables, 'subgraph_ws_active_subscriptions{');
  const patientId = seededPatientId(1);
  const query = `subscription($p: ID!) { wearableReadingAdded(patientId: $p) { value ${scenario.federated ? 'patient { firstName }' : ''} } }`;
  const sent = new Map<number, number>();
  const latencies: number[] = [];
  /** Latencies of every event but the first. */
  const warmLatencies: number[] = [];
  let firstValue: number | undefined;
  let duplicates = 0;
  const clients: Client[] = [];
  const before = await upstream();
  const closes: Record<string, number> = {};
  const startedAt = Date.now();
  try {
    // At most openConcurrency handshakes in flight: each acknowledged one lets the next socket open.
    let inFlight = 0;
    let freed: (() => void) | null = null;
    const release = () => {
      inFlight--;
      const wake = freed;
      freed = null;
      wake?.();
    };
    for (let i = 0; i < scenario.subscribers; i++) {
      while (inFlight >= settings.openConcurrency) await new Promise<void>((resolve) => (freed = resolve));
      inFlight++;
      let pending = true;
      const settle = () => {
        if (!pending) return;
        pending = false;
        release();
      };
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: stack.authorization },
        retryAttempts: 5,
        on: {
          connected: settle,
          closed: (event) => {
            const code = String((event as { code?: number })?.code ?? 'none');
            closes[code] = (closes[code] ?? 0) + 1;
            settle();
          },
        },
      });
      clients.push(client);
      const seen = new Set<number>();
      client.subscribe(
        { query, variables: { p: patientId } },
        {
          next: (event) => {
            const value = (event.data as { wearableReadingAdded?: { value: number } } | null)?.wearableReadingAdded?.value;
            const at = value === undefined ? undefined : sent.get(value);
            if (at === undefined) return;
            if (seen.has(value!)) duplicates++;
            else {
              seen.add(value!);
              latencies.push(Date.now() - at);
              if (value !== firstValue) warmLatencies.push(Date.now() - at);
            }
          },
          error: settle,
          complete: () => {},
        },
      );
    }
    const deadline = Date.now() + settings.subscribeTimeoutMs;
    let subscribed = 0;
    for (let last = -1, movedAt = Date.now(); (subscribed = (await upstream()) - before) < scenario.subscribers && Date.now() < deadline; await sleep(250)) {
      if (subscribed !== last) [last, movedAt] = [subscribed, Date.now()];
      else if (Date.now() - movedAt > settings.subscribeStallMs) break;
    }
    const secondsToSubscribe = (Date.now() - startedAt) / 1000;
    const fetchesBefore = await metricSum(subgraphUrl(portBase, 'patient'), 'graphql_request_duration_seconds_count{');
    const events = settings.rate * settings.duration;
    const published = () => readHistogram(stack.gatewayUrl, PUBLISH_TO_DELIVERY);
    const publishedBefore = await published();
    let publishedAfterFirst: Buckets | undefined;
    const graph = new GraphQLHttpClient({ url: `${stack.gatewayUrl}/graphql`, headers: { authorization: stack.authorization } });
    for (let i = 0; i < events; i++) {
      const value = 40 + (i % 60) + i / 1000 + Math.random() / 1e6;
      if (i === 0) firstValue = value;
      if (i === 1) publishedAfterFirst = await published();
      // Measured from the moment the write is sent: the event can arrive before its response does.
      sent.set(value, Date.now());
      await graph.post({
        query: 'mutation($p: ID!, $r: String!, $at: DateTime!, $v: Float!) { recordWearableReadings(patientId: $p, readings: [{ provider: OURA, metric: RESTING_HR, value: $v, unit: "bpm", recordedAt: $at, providerReadingId: $r }]) { inserted } }',
        variables: { p: patientId, r: `bench-${randomUUID()}`, at: new Date(Date.now() - 60_000).toISOString(), v: value },
      });
      await sleep(1000 / settings.rate);
    }
    const expected = scenario.subscribers * events;
    const drained = Date.now() + settings.drainMs;
    while (latencies.length < expected && Date.now() < drained) await sleep(100);
    const rssMb = stack.rssMb();
    const publishedAfter = await published();
    const fetches = (await metricSum(subgraphUrl(portBase, 'patient'), 'graphql_request_duration_seconds_count{')) - fetchesBefore;
    return {
      subscribed,
      secondsToSubscribe: round(secondsToSubscribe),
      events,
      deliveredPercent: round((latencies.length / expected) * 100, 2),
      duplicates,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      p99AfterFirst: percentile(warmLatencies, 99),
      publishP99BoundMs: quantileBoundMs(since(publishedAfter, publishedBefore), 0.99),
      publishP99BoundAfterFirstMs: publishedAfterFirst ? quantileBoundMs(since(publishedAfter, publishedAfterFirst), 0.99) : NaN,
      rssMb: round(rssMb),
      patientFetchesPerEvent: round(fetches / events, 2),
      closes: { ...closes },
    };
  } finally {
    // A socket the gateway already dropped rejects its dispose: nothing left to close.
    for (let i = 0; i < clients.length; i += settings.closeBatch) await Promise.allSettled(clients.slice(i, i + settings.closeBatch).map(async (client) => client.dispose()));
    // The next scenario starts once this one's subscriptions have ended upstream.
    const deadline = Date.now() + 120_000;
    while ((await upstream()) > before && Date.now() < deadline) await sleep(250);
  }
}

const SCENARIOS = (): Scenario[] =>
  [
    { name: `${settings.federatedSubscribers.toLocaleString('en')} subscribers, patient { firstName }`, subscribers: settings.federatedSubscribers, federated: true },
    { name: `${settings.localSubscribers.toLocaleString('en')} subscribers, wearables only`, subscribers: settings.localSubscribers, federated: false },
  ].filter((scenario) => !settings.only || scenario.federated === (settings.only === 'federated'));

async function measure(label: string, tree: string, portBase: number, ownerAsApplication: boolean): Promise<Measured[]> {
  const stack = await startStackProcess({
    tree,
    portBase,
    label,
    databaseUrl: process.env.DATABASE_URL,
    databaseOwnerUrl: process.env.DATABASE_OWNER_URL,
    ownerAsApplication,
    nodeArgs: settings.stackNodeArgs,
    extraEnv: {
      // One token for every subscriber: let that principal hold them all.
      SUBSCRIPTIONS_PER_PRINCIPAL: String(Math.max(settings.federatedSubscribers, settings.localSubscribers, 50)),
    },
    // Subscriptions need the subgraphs' sockets: no timing proxies (they forward HTTP only).
    timingProxies: false,
  });
  try {
    const results: Measured[] = [];
    for (const scenario of SCENARIOS()) {
      console.error(`[${label}] ${scenario.name}…`);
      const result = await runScenario(stack, portBase, scenario);
      console.error(`[${label}] ${JSON.stringify(result)}`);
      results.push(result);
    }
    return results;
  } finally {
    await stack.dispose();
  }
}

function rows(baseline: Measured[], now: Measured[]): Row[] {
  return SCENARIOS().flatMap((scenario, i) => {
    const [b, n] = [baseline[i], now[i]];
    return [
      { figure: `delivered %, ${scenario.name}`, baseline: b.deliveredPercent, now: n.deliveredPercent },
      { figure: `p50 ms from the write, ${scenario.name}`, baseline: b.p50, now: n.p50 },
      { figure: `p99 ms from the write, ${scenario.name}`, baseline: b.p99, now: n.p99 },
      { figure: `p99 ms from the write after the first event, ${scenario.name}`, baseline: b.p99AfterFirst, now: n.p99AfterFirst },
      { figure: `p99 ms from publication (gateway histogram, at most), ${scenario.name}`, baseline: b.publishP99BoundMs, now: n.publishP99BoundMs },
      { figure: `p99 ms from publication after the first event (at most), ${scenario.name}`, baseline: b.publishP99BoundAfterFirstMs, now: n.publishP99BoundAfterFirstMs },
      { figure: `RSS MB (gateway + subgraphs, one process), ${scenario.name}`, baseline: b.rssMb, now: n.rssMb },
      { figure: `subscribed, ${scenario.name}`, baseline: b.subscribed, now: n.subscribed },
      ...(scenario.federated ? [{ figure: `patient subgraph fetches per event, ${scenario.name}`, baseline: b.patientFetchesPerEvent, now: n.patientFetchesPerEvent }] : []),
    ];
  });
}

/** Sockets the gateway closed or refused while subscribing (counted, not fatal: they show as undelivered events). */
let socketFailures = 0;

async function main() {
  // graphql-ws rejects a lazily opened socket's promise when the gateway closes it (4403 under load): count it.
  process.on('unhandledRejection', () => {
    socketFailures++;
  });
  const root = path.resolve(__dirname, '..');
  const load = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${round(os.totalmem() / 2 ** 30)} GiB, shared`;
  const loadBefore = load();
  let baseline: Measured[] | null = null;
  let commit = 'skipped';
  if (!settings.skipBaseline) {
    const tree = prepareBaselineTree({ repoDir: root, ref: settings.baselineRef, keep: settings.keepBaseline, log: (line) => console.error(`[baseline] ${line}`) });
    commit = tree.commit.slice(0, 7);
    try {
      baseline = await measure('baseline', tree.dir, settings.portBase, false);
    } finally {
      tree.remove();
    }
  }
  const now = await measure('now', root, settings.portBase + 20, false);
  console.log(`Machine: ${machine}; load average ${loadBefore} before, ${load()} after (1/5/15 min)`);
  console.log(`Database: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}; ${settings.rate} events/s for ${settings.duration} s, deliveries counted up to ${settings.drainMs / 1000} s after the last; baseline ${commit} (${settings.baselineRef}) vs the working tree`);
  if (baseline && !settings.only) console.log(comparisonTable(rows(baseline, now), { baseline: `baseline ${commit}`, now: 'now' }));
  console.log(JSON.stringify({ baseline, now, socketFailures }, null, 2));
}

runBenchmark(main);
