// Subscription fan-out (gateway/subscriptions/fanout.ts): subscribers with the same selection and
// caller share one resolution of each event, so a field of another subgraph is fetched once per
// event, not once per subscriber; every subscriber still gets every event once, is still
// authorized by the owning subgraph (a caller who may not see the patient is refused), and still
// has its own audit rows, written for all of them in one statement.
import { randomUUID } from 'node:crypto';
import { authHeaders, seededPatientId } from './support/auth';
import { gql, stackSubgraphBase } from './support/graphql';
import { collect, eventually, metric, wsClient } from './support/ws';

const PATIENT = seededPatientId(13);
const OTHER_PATIENT = seededPatientId(14);
const READINGS = 'subscription($p: ID!) { wearableReadingAdded(patientId: $p) { value patient { id firstName } } }';
const SUBSCRIBERS = 6;

const upstreamSubscriptions = () => metric(stackSubgraphBase('wearables'), 'subgraph_ws_active_subscriptions', 'service="wearables"');

/** GraphQL requests the patient subgraph has served (its request histogram's counts, every label). */
async function patientRequests(): Promise<number> {
  const text = await (await fetch(`${stackSubgraphBase('patient')}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('graphql_request_duration_seconds_count{'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

async function recordReading(value: number, headers: Record<string, string>): Promise<void> {
  const response = await gql(
    'mutation($p: ID!, $r: String!, $at: DateTime!, $v: Float!) { recordWearableReadings(patientId: $p, readings: [{ provider: OURA, metric: RESTING_HR, value: $v, unit: "bpm", recordedAt: $at, providerReadingId: $r }]) { inserted } }',
    { p: PATIENT, r: `fanout-${randomUUID()}`, at: new Date(Date.now() - 60_000).toISOString(), v: value },
    { headers },
  );
  expect(response.errors).toBeUndefined();
}

const valuesOf = (stream: ReturnType<typeof collect>) => stream.events.map((event) => (event.data as any)?.wearableReadingAdded?.value);

describe('subscription fan-out', () => {
  let admin: Record<string, string>;
  const actor = `user_fanout_${randomUUID()}`;
  beforeAll(async () => {
    admin = await authHeaders('admin', { sub: actor });
  });

  it('resolves each event once for subscribers with the same selection, and delivers it to each of them once', async () => {
    const before = await upstreamSubscriptions();
    const clients = Array.from({ length: SUBSCRIBERS }, () => wsClient(admin.authorization));
    const streams = clients.map((client) => collect(client, READINGS, { p: PATIENT }));
    try {
      // Each subscriber is still one subscription of the owning subgraph (its own authorization).
      await eventually(async () => (await upstreamSubscriptions()) === before + SUBSCRIBERS, 10_000, 'every subscriber authorized upstream');
      for (const [index, value] of [91, 92].entries()) {
        const fetchesBefore = await patientRequests();
        await recordReading(value, admin);
        await Promise.all(streams.map((stream) => stream.waitFor(index + 1, 10_000)));
        // One batched entity fetch for the event, whatever the number of subscribers.
        expect((await patientRequests()) - fetchesBefore).toBe(1);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const stream of streams) {
        expect(stream.events.every((event) => event.errors === undefined)).toBe(true);
        expect(valuesOf(stream)).toEqual([91, 92]);
        expect((stream.events[0].data as any).wearableReadingAdded.patient).toMatchObject({ id: PATIENT, firstName: expect.any(String) });
      }

      // The subscriber that opened the stream leaves: the others keep receiving, and it ends upstream.
      streams[0].dispose();
      await eventually(async () => (await upstreamSubscriptions()) === before + SUBSCRIBERS - 1, 5_000, 'the first subscriber to end upstream');
      await recordReading(93, admin);
      await Promise.all(streams.slice(1).map((stream) => stream.waitFor(3, 10_000)));
      for (const stream of streams.slice(1)) expect(valuesOf(stream)).toEqual([91, 92, 93]);
      expect(valuesOf(streams[0])).toEqual([91, 92]);
    } finally {
      streams.forEach((stream) => stream.dispose());
      await Promise.all(clients.map((client) => client.dispose()));
    }
    await eventually(async () => (await upstreamSubscriptions()) === before, 5_000, 'every upstream subscription to end');
  }, 60_000);

  it('writes each subscriber its own audit rows, in one statement per event', async () => {
    const who = await authHeaders('admin', { sub: `user_fanout_audit_${randomUUID()}` });
    const clients = Array.from({ length: SUBSCRIBERS }, () => wsClient(who.authorization));
    const streams = clients.map((client) => collect(client, READINGS, { p: PATIENT }));
    const before = await upstreamSubscriptions();
    try {
      await eventually(async () => (await upstreamSubscriptions()) >= before + SUBSCRIBERS, 10_000, 'every subscriber authorized upstream');
      await recordReading(94, admin);
      await Promise.all(streams.map((stream) => stream.waitFor(1, 10_000)));
    } finally {
      streams.forEach((stream) => stream.dispose());
      await Promise.all(clients.map((client) => client.dispose()));
    }
    const actorId = JSON.parse(Buffer.from(who.authorization.split('.')[1], 'base64url').toString('utf8')).sub as string;
    const log = await gql<{ auditLog: { edges: { node: { service: string; resource: string; requestId: string; createdAt: string; decision: string } }[] } }>(
      'query($f: AuditLogFilter) { auditLog(filter: $f, first: 100) { edges { node { service resource requestId createdAt decision } } } }',
      { f: { actor: actorId, patient: PATIENT } },
      { headers: admin },
    );
    expect(log.errors).toBeUndefined();
    const rows = log.data!.auditLog.edges.map((edge) => edge.node);
    // Each subscriber's subscription was authorized (and audited) by the owning subgraph…
    const opened = rows.filter((row) => row.service === 'wearables' && row.resource === 'wearables');
    expect(new Set(opened.map((row) => row.requestId)).size).toBe(SUBSCRIBERS);
    // …and the patient fields of the event were audited for each of them, by one statement (one timestamp).
    const read = rows.filter((row) => row.service === 'patient' && row.resource === 'profile');
    expect(read).toHaveLength(SUBSCRIBERS);
    expect(new Set(read.map((row) => row.requestId))).toEqual(new Set(opened.map((row) => row.requestId)));
    expect(new Set(read.map((row) => row.createdAt)).size).toBe(1);
    expect(rows.every((row) => row.decision === 'ALLOW')).toBe(true);
  }, 60_000);

  it("still refuses a subscriber who may not see the patient, and serves another caller's group its own result", async () => {
    const stranger = await authHeaders('customer', { patientIndex: 14 });
    const owner = await authHeaders('customer', { patientIndex: 13 });
    const adminClient = wsClient(admin.authorization);
    const strangerClient = wsClient(stranger.authorization);
    const ownerClient = wsClient(owner.authorization);
    const before = await upstreamSubscriptions();
    const adminStream = collect(adminClient, READINGS, { p: PATIENT });
    try {
      await eventually(async () => (await upstreamSubscriptions()) === before + 1, 5_000, "the admin's subscription");
      // The same selection and variables as the admin's open group, by callers of another role and patient.
      const refused = collect(strangerClient, READINGS, { p: PATIENT });
      const own = collect(ownerClient, READINGS, { p: PATIENT });
      const stillOther = collect(strangerClient, READINGS, { p: OTHER_PATIENT });
      await refused.waitFor(1, 5_000);
      expect(refused.events[0].errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect(refused.events[0].data ?? null).toBeNull();
      await eventually(async () => (await upstreamSubscriptions()) === before + 3, 5_000, "the patient's and the stranger's own subscriptions");
      await recordReading(95, admin);
      await Promise.all([adminStream.waitFor(1, 10_000), own.waitFor(1, 10_000)]);
      expect(valuesOf(own)).toEqual([95]);
      expect(valuesOf(adminStream)).toEqual([95]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(refused.events).toHaveLength(1);
      expect(stillOther.events).toEqual([]);
      refused.dispose();
      own.dispose();
      stillOther.dispose();
    } finally {
      adminStream.dispose();
      await Promise.all([adminClient, strangerClient, ownerClient].map((client) => client.dispose()));
    }
  }, 60_000);
});
