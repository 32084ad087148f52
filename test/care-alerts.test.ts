// Care alerts through the gateway: Luna's emergency detection, a critical value in an uploaded
// lab report, a sustained wearable anomaly and an unresolved protocol finding each raise an
// alert that the care team's subscribers receive at once; staff and providers acknowledge and
// resolve them; the patient sees only that their care team was notified; every access is
// audited and nobody else gets in. (Escalation, with queue time advanced, and webhook delivery:
// test/care-alert-escalation.test.ts.)
import { randomUUID } from 'node:crypto';
import { base64, reportPdf } from '../subgraphs/labs/test/support/reports';
import { followTurn, send, storedReply, textOf } from '../subgraphs/luna/test/turns';
import { authHeaders, seededPatientId } from './support/auth';
import { codes, gql, type GraphQLResponse } from './support/graphql';
import { seededPatients, type SeededPatient } from './support/patients';
import { collect, eventually, wsClient } from './support/ws';

const ALERT = 'id kind severity title status detail createdAt acknowledgedAt acknowledgedBy resolvedAt resolvedBy resolutionNote escalationLevel nextEscalationAt source { service type id } patient { id firstName }';
const ALERTS = `query($p: ID, $status: [CareAlertStatus!]) { careAlerts(patientId: $p, status: $status, first: 50) { totalCount edges { node { ${ALERT} } } } }`;
const RAISED = `subscription { careAlertRaised { ${ALERT} } }`;

let admin: Record<string, string>;
let staff: Record<string, string>;
let provider: Record<string, string>;
// Patients 30-59 are this file's.
let people: SeededPatient[];
const take = (where: (p: SeededPatient) => boolean = () => true) => {
  const at = people.findIndex(where);
  if (at < 0) throw new Error('no seeded patient of this kind in 30-59');
  return people.splice(at, 1)[0];
};

const must = async (response: Promise<GraphQLResponse>) => {
  const answer = await response;
  expect(answer.errors ?? []).toEqual([]);
  return answer.data as any;
};
const alertsOf = async (patientId: string) => (await must(gql(ALERTS, { p: patientId }, { headers: admin }))).careAlerts.edges.map((e: any) => e.node);
/** Waits for the patient's alerts to satisfy `check` (the raise goes through the job queue). */
async function alertsWhen(patientId: string, check: (alerts: any[]) => boolean, what: string): Promise<any[]> {
  let alerts: any[] = [];
  await eventually(async () => check((alerts = await alertsOf(patientId))), 10_000, what);
  return alerts;
}

beforeAll(async () => {
  admin = await authHeaders('admin');
  staff = await authHeaders('staff');
  provider = await authHeaders('provider');
  people = await seededPatients(admin, 30, 59);
});

describe('an emergency message to Luna', () => {
  it('raises a critical alert that a staff subscriber on the gateway receives within a second, and tells the patient their care team was notified', async () => {
    const patient = take();
    const customer = await authHeaders('customer', { patientIndex: patient.index });
    const client = wsClient(staff.authorization);
    const stream = collect(client, RAISED, {});
    try {
      // The subscription is open once a probe alert arrives through it.
      await eventually(async () => {
        await gql('mutation($p: ID!, $at: DateTime!) { createLabResult(patientId: $p, input: { collectedAt: $at, readings: [{ code: "POTASSIUM", value: 7.1, unit: "mmol/L" }] }) { id } }', { p: patient.id, at: new Date().toISOString() }, { headers: admin });
        await new Promise((r) => setTimeout(r, 300));
        return stream.events.length > 0;
      }, 10_000, 'the subscription to open');
      const seen = stream.events.length;

      const sent = await send(customer, { m: 'I have crushing chest pain and my left arm feels numb' });
      const sentAt = Date.now();
      expect(sent.errors).toBeUndefined();
      const { conversation, message, reply } = sent.data!.sendLunaMessage;
      await stream.waitFor(seen + 1, 5_000);
      const event = stream.events.slice(seen).map((e) => (e.data as any)?.careAlertRaised).find((alert) => alert?.kind === 'EMERGENCY_MESSAGE');
      const receivedIn = Date.now() - sentAt;
      expect(event).toMatchObject({
        kind: 'EMERGENCY_MESSAGE',
        severity: 'CRITICAL',
        status: 'OPEN',
        escalationLevel: 0,
        source: { service: 'luna', type: 'conversation_message', id: message.id },
        patient: { id: patient.id },
      });
      expect(JSON.parse(event.detail)).toMatchObject({ category: 'chest_pain', conversationId: conversation.id, messageId: message.id });
      expect(receivedIn).toBeLessThan(1_000);

      // The reply says so, and the patient's own record shows it, without the queue's internals.
      const { reply: stored } = await storedReply(customer, conversation.id, reply.id);
      expect(stored.content).toContain('care team has been notified');
      const notices = (await must(gql('{ me { careTeamNotices { id kind notifiedAt seenByCareTeam seenAt } } }', {}, { headers: customer }))).me.careTeamNotices;
      expect(notices).toContainEqual({ id: event.id, kind: 'EMERGENCY_MESSAGE', notifiedAt: event.createdAt, seenByCareTeam: false, seenAt: null });
      // Sending the same alert's cause again is not a second alert: one per message.
      expect((await alertsOf(patient.id)).filter((a: any) => a.kind === 'EMERGENCY_MESSAGE')).toHaveLength(1);
    } finally {
      stream.dispose();
      await client.dispose();
    }
  });
});

describe('a critical value in a lab report', () => {
  it('raises one critical alert per result for a potassium of 6.8 mmol/L in an uploaded report, and none for the same file again', async () => {
    const patient = take();
    const customer = await authHeaders('customer', { patientIndex: patient.index });
    const pdf = await reportPdf(
      {
        collected: '11/20/2026 08:15',
        rows: [
          { name: 'Sodium', value: '139', unit: 'mmol/L', range: '135-146' },
          { name: 'Potassium', value: '6.8', unit: 'mmol/L', range: '3.5-5.3', flag: 'H' },
          { name: 'Glucose', value: '92', unit: 'mg/dL', range: '65-99' },
        ],
      },
      'lines',
    );
    const UPLOAD = 'mutation($p: ID!, $f: LabReportFileInput!) { uploadLabReport(patientId: $p, file: $f) { id readings { code value status } } }';
    const file = { filename: `critical-${randomUUID()}.pdf`, mimeType: 'application/pdf', contentBase64: base64(pdf) };
    const result = (await must(gql(UPLOAD, { p: patient.id, f: file }, { headers: customer }))).uploadLabReport;
    expect(result.readings).toContainEqual({ code: 'POTASSIUM', value: 6.8, status: 'CRITICAL_HIGH' });
    const [alert] = await alertsWhen(patient.id, (alerts) => alerts.some((a) => a.kind === 'CRITICAL_LAB_VALUE'), 'the critical-value alert');
    expect(alert).toMatchObject({ kind: 'CRITICAL_LAB_VALUE', severity: 'CRITICAL', title: 'Critical potassium 6.8 mmol/L', source: { service: 'labs', type: 'lab_result', id: result.id } });
    expect(JSON.parse(alert.detail).readings).toEqual([expect.objectContaining({ code: 'POTASSIUM', value: 6.8, unit: 'mmol/L', status: 'CRITICAL_HIGH', source: expect.stringContaining('Kost') })]);
    // The same file again returns the stored result; nothing new is raised.
    expect((await must(gql(UPLOAD, { p: patient.id, f: file }, { headers: customer }))).uploadLabReport.id).toBe(result.id);
    await new Promise((r) => setTimeout(r, 500));
    expect((await alertsOf(patient.id)).filter((a: any) => a.kind === 'CRITICAL_LAB_VALUE')).toHaveLength(1);
  });

  it('raises for a called analyte (glucose 40 mg/dL), not for a display-only critical (LDL 450 mg/dL) or a merely high value', async () => {
    const patient = take();
    const ENTRY = 'mutation($p: ID!, $r: [BiomarkerValueInput!]!, $at: DateTime!) { createLabResult(patientId: $p, input: { collectedAt: $at, readings: $r }) { id readings { code status } } }';
    const at = new Date().toISOString();
    const quiet = (await must(gql(ENTRY, { p: patient.id, at, r: [{ code: 'LDL_C', value: 450, unit: 'mg/dL' }, { code: 'POTASSIUM', value: 5.6, unit: 'mmol/L' }] }, { headers: admin }))).createLabResult;
    expect(quiet.readings.map((r: any) => r.status)).toEqual(['CRITICAL_HIGH', 'HIGH']);
    const loud = (await must(gql(ENTRY, { p: patient.id, at, r: [{ code: 'GLUCOSE', value: 40, unit: 'mg/dL' }] }, { headers: admin }))).createLabResult;
    const alerts = await alertsWhen(patient.id, (list) => list.some((a) => a.source.id === loud.id), 'the glucose alert');
    expect(alerts.map((a: any) => [a.source.id, a.title])).toEqual([[loud.id, 'Critical glucose 40 mg/dL']]);
  });
});

describe('a sustained wearable anomaly', () => {
  const RECORD = 'mutation($p: ID!, $r: [WearableReadingInput!]!) { recordWearableReadings(patientId: $p, readings: $r) { inserted } }';
  const reading = (metric: string, value: number, unit: string, at: number, provider = 'DEXCOM') => ({ provider, metric, value, unit, recordedAt: new Date(at).toISOString(), providerReadingId: `alert-test-${randomUUID()}` });

  it('raises for CGM glucose below 54 mg/dL for 15 minutes, not for one low reading', async () => {
    const patient = take();
    const start = Date.now() - 60 * 60_000;
    await must(gql(RECORD, { p: patient.id, r: [reading('GLUCOSE', 51, 'mg/dL', start - 40 * 60_000), reading('GLUCOSE', 96, 'mg/dL', start - 35 * 60_000)] }, { headers: admin }));
    await new Promise((r) => setTimeout(r, 500));
    expect((await alertsOf(patient.id)).filter((a: any) => a.kind === 'WEARABLE_ANOMALY')).toEqual([]);
    await must(gql(RECORD, { p: patient.id, r: [0, 5, 10, 15].map((m, i) => reading('GLUCOSE', [52, 49, 47, 50][i], 'mg/dL', start + m * 60_000)) }, { headers: admin }));
    const [alert] = await alertsWhen(patient.id, (alerts) => alerts.some((a) => a.kind === 'WEARABLE_ANOMALY'), 'the anomaly alert');
    expect(alert).toMatchObject({ kind: 'WEARABLE_ANOMALY', severity: 'HIGH', title: 'CGM glucose below 54 mg/dL for 15 minutes (lowest 47)', source: { service: 'wearables' } });
    expect(JSON.parse(alert.detail).source).toContain('Battelino');
  });

  it('raises for a daily resting heart rate above 100 bpm three days in a row', async () => {
    const patient = take();
    const day = 86_400_000;
    const noon = Math.floor(Date.now() / day) * day - 12 * 3600_000;
    await must(gql(RECORD, { p: patient.id, r: [3, 2, 1].map((ago, i) => reading('RESTING_HR', [108, 112, 115][i], 'bpm', noon - ago * day, 'OURA')) }, { headers: admin }));
    const alerts = await alertsWhen(patient.id, (list) => list.some((a) => a.kind === 'WEARABLE_ANOMALY'), 'the heart-rate alert');
    expect(alerts.find((a: any) => a.kind === 'WEARABLE_ANOMALY')).toMatchObject({ severity: 'MEDIUM', title: expect.stringMatching(/^Resting heart rate above 100 bpm for 3 days in a row/) });
  });
});

describe('an unresolved finding in a patient’s protocol', () => {
  it("raises a care alert when Luna meets it, and Luna never states the out-of-range dose, even the protocol's own", async () => {
    const patient = take((p) => !p.conditions.length && !p.medications.length);
    const customer = await authHeaders('customer', { patientIndex: patient.index });
    const bpc = (await must(gql('{ peptide(slug: "bpc-157") { id dosing { doseUnit minDose maxDose maxDailyDose routes frequencies source } } }', {}, { headers: admin }))).peptide;
    const created = (
      await must(
        gql('mutation($p: ID!, $i: ProtocolInput!) { createProtocol(patientId: $p, input: $i) { id items { id } } }', {
          p: patient.id,
          i: { name: 'Tendon repair', status: 'ACTIVE', items: [{ peptideId: bpc.id, doseAmount: 500, doseUnit: 'mcg', frequency: 'daily' }] },
        }, { headers: provider }),
      )
    ).createProtocol;
    const DOSING = 'mutation($id: ID!, $input: PeptideDosingInput!) { updatePeptideDosing(peptideId: $id, input: $input) { id } }';
    // The catalog lowers BPC-157's maximum below the protocol's dose: the item now has an unresolved finding.
    await must(gql(DOSING, { id: bpc.id, input: { ...bpc.dosing, maxDose: 400 } }, { headers: admin }));
    try {
      const client = wsClient(customer.authorization);
      try {
        for (const question of ['What is my BPC-157 dose?', 'Tell me about my protocols']) {
          const sent = await send(customer, { m: question });
          expect(sent.errors).toBeUndefined();
          const { conversation, reply } = sent.data!.sendLunaMessage;
          const { events, stream } = await followTurn(client, conversation.id, reply.id);
          stream.dispose();
          const shown = textOf(events);
          const { reply: stored } = await storedReply(customer, conversation.id, reply.id);
          // Luna speaks of the item, without its dose.
          expect(shown).toContain('BPC-157');
          for (const text of [shown, stored.content]) expect(text).not.toMatch(/\b500\s?(mcg|µg|ug)|\b0[.,]5\s?mg/i);
        }
      } finally {
        await client.dispose();
      }
      const alerts = await alertsWhen(patient.id, (list) => list.some((a) => a.kind === 'PROTOCOL_FINDING'), 'the protocol-finding alert');
      const findings = alerts.filter((a: any) => a.kind === 'PROTOCOL_FINDING');
      // Two turns met the same finding: one alert.
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ severity: 'HIGH', source: { service: 'luna', type: 'protocol_item', id: created.items[0].id } });
      expect(JSON.parse(findings[0].detail).findings).toEqual([expect.objectContaining({ rule: 'DOSE_ABOVE_MAXIMUM', limit: '400 mcg', value: '500 mcg' })]);
    } finally {
      await must(gql(DOSING, { id: bpc.id, input: bpc.dosing }, { headers: admin }));
    }
  });
});

describe('the care team works the queue', () => {
  let patient: SeededPatient;
  let alertId: string;
  beforeAll(async () => {
    patient = take();
    await must(gql('mutation($p: ID!, $at: DateTime!) { createLabResult(patientId: $p, input: { collectedAt: $at, readings: [{ code: "SODIUM", value: 112, unit: "mmol/L" }] }) { id } }', { p: patient.id, at: new Date().toISOString() }, { headers: admin }));
    alertId = (await alertsWhen(patient.id, (list) => list.length > 0, 'the sodium alert'))[0].id;
  });

  it('lists open alerts most urgent first for admin, staff and providers; not for support or customers; every read audited', async () => {
    for (const headers of [admin, staff, provider]) {
      const list = (await must(gql(ALERTS, { status: ['OPEN'] }, { headers }))).careAlerts;
      expect(list.totalCount).toBeGreaterThan(0);
      const order = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
      const severities = list.edges.map((e: any) => order.indexOf(e.node.severity));
      expect(severities).toEqual([...severities].sort((a, b) => a - b));
    }
    const customer = await authHeaders('customer', { patientIndex: patient.index });
    for (const headers of [await authHeaders('support'), customer]) {
      const requestId = `alerts-${randomUUID()}`;
      const response = await gql(ALERTS, { p: patient.id }, { headers: { ...headers, 'x-request-id': requestId } });
      expect(codes(response)).toEqual(['FORBIDDEN']);
      expect(response.data?.careAlerts ?? null).toBeNull();
      const audit = await must(gql('query($r: String!) { auditLog(filter: { correlationId: $r }) { edges { node { resource action decision } } } }', { r: requestId }, { headers: admin }));
      expect(audit.auditLog.edges.map((e: any) => e.node)).toContainEqual({ resource: 'care_alerts', action: 'read', decision: 'DENY' });
    }
    // A customer may not open the stream either.
    const client = wsClient(customer.authorization);
    const stream = collect(client, RAISED, {});
    try {
      await eventually(async () => Boolean(stream.error || stream.events.length), 5_000, 'the refusal');
      expect(JSON.stringify(stream.error ?? stream.events[0].errors)).toContain('FORBIDDEN');
    } finally {
      stream.dispose();
      await client.dispose();
    }
  });

  it('acknowledges (stopping escalation), resolves with a note, and refuses what does not fit, changing nothing', async () => {
    const ACK = `mutation($id: ID!) { acknowledgeCareAlert(id: $id) { ${ALERT} } }`;
    const RESOLVE = `mutation($id: ID!, $note: String!) { resolveCareAlert(id: $id, note: $note) { ${ALERT} } }`;
    const customer = await authHeaders('customer', { patientIndex: patient.index });
    expect(codes(await gql(ACK, { id: alertId }, { headers: customer }))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(ACK, { id: alertId }, { headers: await authHeaders('support') }))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(ACK, { id: randomUUID() }, { headers: provider }))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(ACK, { id: 'nope' }, { headers: provider }))).toEqual(['BAD_USER_INPUT']);
    expect((await alertsOf(patient.id))[0]).toMatchObject({ status: 'OPEN', nextEscalationAt: expect.any(String) });

    const acked = (await must(gql(ACK, { id: alertId }, { headers: provider }))).acknowledgeCareAlert;
    expect(acked).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'user_test_provider', nextEscalationAt: null });
    // Again: nothing changes (the first acknowledgement stands).
    expect((await must(gql(ACK, { id: alertId }, { headers: staff }))).acknowledgeCareAlert).toMatchObject({ acknowledgedBy: 'user_test_provider', acknowledgedAt: acked.acknowledgedAt });
    const notices = (await must(gql('{ me { careTeamNotices { id seenByCareTeam seenAt } } }', {}, { headers: customer }))).me.careTeamNotices;
    expect(notices).toContainEqual({ id: alertId, seenByCareTeam: true, seenAt: acked.acknowledgedAt });

    const shortNote = await gql(RESOLVE, { id: alertId, note: ' ok ' }, { headers: staff });
    expect([codes(shortNote), shortNote.errors![0].extensions!.argument]).toEqual([['BAD_USER_INPUT'], 'note']);
    const resolved = (await must(gql(RESOLVE, { id: alertId, note: 'Called the patient; repeat sodium ordered for today.' }, { headers: staff }))).resolveCareAlert;
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolvedBy: 'user_test_staff', resolutionNote: 'Called the patient; repeat sodium ordered for today.', acknowledgedBy: 'user_test_provider' });
    expect(codes(await gql(RESOLVE, { id: alertId, note: 'Resolving it a second time' }, { headers: staff }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(ACK, { id: alertId }, { headers: staff }))).toEqual(['BAD_USER_INPUT']);
    expect((await alertsOf(patient.id)).find((a: any) => a.id === alertId)).toMatchObject({ status: 'RESOLVED', resolvedBy: 'user_test_staff' });

    const audit = await must(gql('query($p: ID!) { auditLog(filter: { patient: $p, resource: "care_alerts" }, first: 50) { edges { node { action decision actorRole } } } }', { p: patient.id }, { headers: admin }));
    const rows = audit.auditLog.edges.map((e: any) => e.node);
    expect(rows).toContainEqual({ action: 'update', decision: 'ALLOW', actorRole: 'provider' });
    expect(rows).toContainEqual({ action: 'update', decision: 'DENY', actorRole: 'customer' });
  });

  it('keeps the dead-letter list for admins only', async () => {
    const DEAD = '{ careAlertDeliveries { totalCount edges { node { id status } } } }';
    expect((await must(gql(DEAD, {}, { headers: admin }))).careAlertDeliveries.edges.every((e: any) => e.node.status === 'DEAD')).toBe(true);
    for (const role of ['staff', 'provider', 'support'] as const) expect(codes(await gql(DEAD, {}, { headers: await authHeaders(role) }))).toEqual(['FORBIDDEN']);
    expect(codes(await gql('mutation($id: ID!) { retryCareAlertDelivery(id: $id) { id } }', { id: randomUUID() }, { headers: admin }))).toEqual(['NOT_FOUND']);
  });
});
