// Escalation and notification of care alerts, through a real gateway, with queue time advanced
// instead of waited for: the patient subgraph and the gateway run in this process on a database
// of this file's own (so the test can move a job's start time in pg-boss's table), with a local
// webhook receiver. An alert nobody acknowledges is escalated to the admins when its severity's
// time comes, then again, once per level however often its job runs, and not after someone
// acknowledges it; escalation survives a restart and needs no webhook; a notification that
// keeps failing is retried, then dead-lettered for the admins, who can send it again.
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Client } from 'graphql-ws';
import { seededPatientId } from '../prisma/seed/identities';
import { signDevToken } from '../shared/auth/dev-issuer';
import { loadConfig, type Config } from '../shared/config';
import { careAlertsRaised, raiseCareAlert, type CareAlertRequest } from '../shared/domain/care-alerts';
import { launch, type Launched } from '../bin/launch';
import { ESCALATE_QUEUE, DELIVER_QUEUE } from '../subgraphs/patient/care-alerts/workflow';
import type { PatientServices } from '../subgraphs/patient/services';
import { codes, gql } from './support/graphql';
import { seededScratchPlace, type SeededPlace } from './support/database';
import { freePort } from './support/stack';
import { collect, eventually, wsClient } from './support/ws';

const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400) + 300;
const SECRET = 'test-webhook-secret-0123456789-abcdefghij';
const PATIENT = seededPatientId(1);
const ALERT = 'id status severity escalationLevel escalatedAt nextEscalationAt acknowledgedBy createdAt';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

let place: SeededPlace;
let stack: Launched | undefined;
let url: string;
let admin: Record<string, string>;
let provider: Record<string, string>;
const received: Received[] = [];
let webhookStatus = 204;
let receiver: http.Server;
let receiverUrl: string;
const savedEnv = { ...process.env };

/** The stack's settings, as `npm start` would read them from this environment. */
function configFor(env: Record<string, string | undefined>): Config {
  const saved = { ...process.env };
  Object.assign(process.env, { PORT_BASE: String(PORT_BASE), DATA_DIR: place.dataDir, SEED: 'false', NODE_ENV: 'test', GATEWAY_URL: `http://127.0.0.1:${PORT_BASE}/graphql` }, env);
  delete process.env.REDIS_URL; // events stay in this process: the shared test Redis carries the main stack's
  if (place.databaseUrl) process.env.DATABASE_URL = place.databaseUrl;
  else delete process.env.DATABASE_URL;
  // CI's second pass: the owner role migrates, the application role serves.
  if (place.ownerUrl) process.env.DATABASE_OWNER_URL = place.ownerUrl;
  else delete process.env.DATABASE_OWNER_URL;
  try {
    return loadConfig();
  } finally {
    process.env = saved;
  }
}

/** Starts the patient subgraph and the gateway; `webhook: false` leaves the webhook unconfigured. */
async function start(webhook = true): Promise<void> {
  process.env = { ...savedEnv, CARE_ALERT_POLL_SECONDS: '0.5', CARE_ALERT_WEBHOOK_RETRY_LIMIT: '2', CARE_ALERT_WEBHOOK_RETRY_DELAY_SECONDS: '1' };
  delete process.env.CARE_ALERT_WEBHOOK_URL;
  if (webhook) Object.assign(process.env, { CARE_ALERT_WEBHOOK_URL: receiverUrl, CARE_ALERT_WEBHOOK_SECRET: SECRET });
  stack = await launch(configFor({}), ['patient', 'gateway']);
  url = `http://127.0.0.1:${PORT_BASE}`;
}

async function stop(): Promise<void> {
  await stack?.stop();
  stack = undefined;
}

/** The process's job queue, as the patient subgraph's services hold it. */
const jobQueue = () => (stack!.services.patient as PatientServices).careAlerts.queue;

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => stack!.db!.sql.query<T>(text, params);

/** Raises an alert the way every raiser does: the contract, inside a transaction. */
async function raise(severity: CareAlertRequest['severity'] = 'CRITICAL'): Promise<string> {
  const key = `test:${randomUUID()}`;
  await stack!.db!.prisma.$transaction((tx) =>
    raiseCareAlert(jobQueue(), tx, { key, patientId: PATIENT, kind: 'CRITICAL_LAB_VALUE', severity, title: 'Critical potassium 7.0 mmol/L', source: { service: 'labs', type: 'lab_result', id: key } }),
  );
  careAlertsRaised(jobQueue());
  let id: string | undefined;
  await eventually(async () => Boolean((id = (await sql<{ id: string }>('SELECT id FROM patient_graph.care_alerts WHERE raise_key = $1', [key]))[0]?.id)), 5_000, 'the alert to be stored');
  return id!;
}

const alert = async (id: string) => {
  const response = await gql(`query($p: ID!) { careAlerts(patientId: $p, first: 100) { edges { node { ${ALERT} } } } }`, { p: PATIENT }, { url, headers: admin });
  expect(response.errors ?? []).toEqual([]);
  return response.data!.careAlerts.edges.map((e: any) => e.node).find((node: any) => node.id === id);
};

/** The escalation jobs of an alert still waiting, with their level and when they are due. */
const pendingEscalations = (alertId: string) =>
  sql<{ level: number; due_in_seconds: number }>(
    `SELECT (data->>'level')::int AS level, EXTRACT(EPOCH FROM start_after - now())::float AS due_in_seconds FROM pgboss.job
     WHERE name = $1 AND data->>'alertId' = $2 AND state IN ('created', 'retry') ORDER BY 1`,
    [ESCALATE_QUEUE, alertId],
  );

/** Moves the queue's clock: the alert's waiting escalation becomes due now, and this process's workers are told. */
async function advanceEscalation(alertId: string): Promise<void> {
  await sql(`UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE name = $1 AND data->>'alertId' = $2 AND state IN ('created', 'retry')`, [ESCALATE_QUEUE, alertId]);
  jobQueue().wake(ESCALATE_QUEUE);
}

async function advanceDeliveryRetries(): Promise<void> {
  await sql(`UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE name = $1 AND state = 'retry'`, [DELIVER_QUEUE]);
  jobQueue().wake(DELIVER_QUEUE);
}

const notificationsOf = (alertId: string) => received.filter((r) => r.json.alert.id === alertId);

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(webhookStatus).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${port}/hooks/care-alerts`;

  place = await seededScratchPlace('loop-escalation-', 2);
  await start();
  admin = { authorization: `Bearer ${await signDevToken(place.dataDir, { sub: 'user_test_admin', role: 'admin' })}` };
  provider = { authorization: `Bearer ${await signDevToken(place.dataDir, { sub: 'user_test_provider', role: 'provider' })}` };
}, 120_000);

afterAll(async () => {
  await stop();
  process.env = savedEnv;
  await new Promise((resolve) => receiver?.close(resolve));
  await place?.dispose();
});

describe('an unacknowledged care alert', () => {
  let id: string;
  let client: Client;
  let stream: ReturnType<typeof collect>;

  beforeAll(async () => {
    client = wsClient(admin.authorization, url);
    stream = collect(client, `subscription { careAlertRaised { ${ALERT} } }`, {});
    id = await raise('CRITICAL');
  });
  afterAll(async () => {
    stream.dispose();
    await client.dispose();
  });

  it('notifies the care team through the signed webhook and schedules its escalation for its severity’s time', async () => {
    const created = await alert(id);
    expect(created).toMatchObject({ status: 'OPEN', escalationLevel: 0 });
    expect(Date.parse(created.nextEscalationAt) - Date.parse(created.createdAt)).toBe(15 * 60_000);
    const [due] = await pendingEscalations(id);
    expect(due.level).toBe(1);
    expect(due.due_in_seconds).toBeGreaterThan(14 * 60);

    await eventually(async () => notificationsOf(id).length === 1, 5_000, 'the webhook notification');
    const [note] = notificationsOf(id);
    expect(note.json).toMatchObject({ type: 'care_alert.raised', audience: 'care_team', escalationLevel: 0, alert: { id, patientId: PATIENT, severity: 'CRITICAL', kind: 'CRITICAL_LAB_VALUE' } });
    // The signature: HMAC-SHA256 of "<timestamp>.<body>" with the shared secret.
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(note.headers['x-loop-signature']))!;
    expect(v1).toBe(createHmac('sha256', SECRET).update(`${t}.${note.body}`).digest('hex'));
    expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(60);
    expect(note.headers['x-loop-delivery']).toBe(note.json.id);
    // Nobody has acknowledged it, but its time has not come: a poll later it is still not escalated.
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await alert(id)).escalationLevel).toBe(0);
  });

  it('is escalated to the admins when the queue reaches its time, announced live, then escalated again', async () => {
    const before = stream.events.length;
    await advanceEscalation(id);
    await eventually(async () => (await alert(id)).escalationLevel === 1, 5_000, 'the first escalation');
    const escalated = await alert(id);
    expect(escalated).toMatchObject({ status: 'OPEN', escalationLevel: 1, escalatedAt: expect.any(String) });
    expect(Date.parse(escalated.nextEscalationAt) - Date.parse(escalated.escalatedAt)).toBe(30 * 60_000);
    await eventually(async () => stream.events.slice(before).some((e) => (e.data as any)?.careAlertRaised?.escalationLevel === 1), 3_000, 'the live escalation');
    await eventually(async () => notificationsOf(id).some((n) => n.json.type === 'care_alert.escalated'), 5_000, 'the escalation notification');
    expect(notificationsOf(id).find((n) => n.json.type === 'care_alert.escalated')!.json).toMatchObject({ audience: 'admins', escalationLevel: 1 });
    expect((await pendingEscalations(id)).map((job) => job.level)).toEqual([2]);

    await advanceEscalation(id);
    await eventually(async () => (await alert(id)).escalationLevel === 2, 5_000, 'the repeated escalation');
  });

  it('escalates once per level, however often a level’s job runs', async () => {
    const notifications = notificationsOf(id).length;
    await jobQueue().boss.send(ESCALATE_QUEUE, { alertId: id, level: 2 });
    await jobQueue().boss.send(ESCALATE_QUEUE, { alertId: id, level: 1 });
    jobQueue().wake(ESCALATE_QUEUE);
    await eventually(
      async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'alertId' = $2 AND state IN ('created', 'active')`, [ESCALATE_QUEUE, id]))[0].n === 1,
      5_000,
      'the duplicate jobs to run',
    );
    expect((await alert(id)).escalationLevel).toBe(2);
    expect(notificationsOf(id)).toHaveLength(notifications);
  });

  it('stops escalating once acknowledged, even when the next level’s time comes', async () => {
    const acked = await gql(`mutation($id: ID!) { acknowledgeCareAlert(id: $id) { ${ALERT} } }`, { id }, { url, headers: provider });
    expect(acked.data!.acknowledgeCareAlert).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'user_test_provider', nextEscalationAt: null });
    await advanceEscalation(id);
    await eventually(async () => (await pendingEscalations(id)).length === 0, 5_000, 'the due job to run');
    expect(await alert(id)).toMatchObject({ status: 'ACKNOWLEDGED', escalationLevel: 2 });
  });
});

describe('escalation survives a restart, and needs no webhook', () => {
  it('escalates an alert raised before the restart when its time comes after it', async () => {
    const id = await raise('HIGH');
    expect((await pendingEscalations(id))[0].due_in_seconds).toBeGreaterThan(59 * 60);
    await stop();
    await start(false);
    const seenByWebhook = received.length;
    await advanceEscalation(id);
    await eventually(async () => (await alert(id))?.escalationLevel === 1, 5_000, 'the escalation after the restart');
    // Without a webhook nothing is sent, and no delivery is recorded: the alert is still stored, streamed and escalated.
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(seenByWebhook);
    expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM patient_graph.care_alert_deliveries WHERE alert_id = $1', [id]))[0].n).toBe(1); // the raise, before the restart
    await stop();
    await start(true);
  });
});

describe('a notification the webhook keeps refusing', () => {
  it('is retried with backoff, dead-lettered for the admins, and delivered when an admin sends it again', async () => {
    webhookStatus = 503;
    const id = await raise('MEDIUM');
    const DEAD = `{ careAlertDeliveries(status: [DEAD]) { edges { node { id status attempts lastError event audience alert { id } } } } }`;
    const dead = async () => (await gql(DEAD, {}, { url, headers: admin })).data!.careAlertDeliveries.edges.map((e: any) => e.node).filter((d: any) => d.alert.id === id);
    await eventually(async () => notificationsOf(id).length >= 1, 5_000, 'the first attempt');
    // The retry waits with backoff; the test moves the queue's clock instead of waiting.
    await eventually(
      async () => {
        await advanceDeliveryRetries();
        return (await dead()).length === 1;
      },
      10_000,
      'the delivery to be dead-lettered',
    );
    const [letter] = await dead();
    expect(letter).toMatchObject({ status: 'DEAD', attempts: 3, lastError: 'webhook answered HTTP 503', event: 'raised', audience: 'care_team' });
    expect(notificationsOf(id)).toHaveLength(3);
    // Each attempt was the same delivery: the receiver can tell a retry from a new notification.
    expect(new Set(notificationsOf(id).map((n) => n.json.id))).toEqual(new Set([letter.id]));
    expect(codes(await gql('mutation($id: ID!) { retryCareAlertDelivery(id: $id) { id } }', { id: letter.id }, { url, headers: provider }))).toEqual(['FORBIDDEN']);

    webhookStatus = 204;
    const retried = await gql('mutation($id: ID!) { retryCareAlertDelivery(id: $id) { id status } }', { id: letter.id }, { url, headers: admin });
    expect(retried.data!.retryCareAlertDelivery).toEqual({ id: letter.id, status: 'PENDING' });
    await eventually(async () => (await sql<{ status: string }>('SELECT status::text FROM patient_graph.care_alert_deliveries WHERE id = $1', [letter.id]))[0].status === 'DELIVERED', 5_000, 'the delivery');
    expect(await dead()).toEqual([]);
    expect(codes(await gql('mutation($id: ID!) { retryCareAlertDelivery(id: $id) { id } }', { id: letter.id }, { url, headers: admin }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('what a raiser gets wrong', () => {
  it('refuses a malformed request before anything is sent, and rolls the raiser’s transaction back', async () => {
    const jobs = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'care-alerts-raise'`))[0].n;
    const before = await jobs();
    const bad = { key: '', patientId: 'nope', kind: 'GOSSIP', severity: 'URGENT', title: '', source: { service: '', type: '', id: '' } } as unknown as CareAlertRequest;
    await expect(stack!.db!.prisma.$transaction((tx) => raiseCareAlert(jobQueue(), tx, bad))).rejects.toThrow(/invalid care alert request: key .*patientId .*kind .*severity .*title .*source/);
    expect(await jobs()).toBe(before);
  });

  it('drops a request for a patient that does not exist, storing nothing', async () => {
    const key = `test:${randomUUID()}`;
    await stack!.db!.prisma.$transaction((tx) =>
      raiseCareAlert(jobQueue(), tx, { key, patientId: randomUUID(), kind: 'CRITICAL_LAB_VALUE', severity: 'CRITICAL', title: 'Nobody', source: { service: 'labs', type: 'lab_result', id: key } }),
    );
    careAlertsRaised(jobQueue());
    await eventually(
      async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'care-alerts-raise' AND singleton_key = $1 AND state = 'completed'`, [key]))[0].n === 1,
      5_000,
      'the request to be handled',
    );
    expect(await sql('SELECT id FROM patient_graph.care_alerts WHERE raise_key = $1', [key])).toEqual([]);
  });
});
