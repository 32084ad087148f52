// The health score through the gateway: the latest lab result's biomarkers (60%) and the
// wearables part (40%), which wearables sends labs with each write and labs keeps in its own
// table (labs never reads wearables' tables); a patient without wearable data gets the
// labs-only score. New readings (recorded, or brought by a sync) reach the score once labs has
// stored the part: the tests wait for that, within a bound.
import { randomUUID } from 'node:crypto';
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { clientWith } from '../../../test/support/graphql';
import { eventually } from '../../../test/support/ws';
import { gatewayUrl } from '../../../test/support/graphql';
import { PERSISTED_OPERATION_HASHES } from '../../../clients/sdk/generated/persisted';
import { partnerToken } from '../../../test/support/partners';
import { approveAt, controlAccount, stackSimulator, uniqueLogin } from '../../wearables/test/support/simulators';

const WEARABLE_COMPONENTS = ['SLEEP', 'RECOVERY', 'HRV', 'CGM_GLUCOSE', 'STRAIN'];
const SCORE = `query($id: ID!) { patient(id: $id) {
  id
  labResults(first: 1) { totalCount }
  wearableConnections { provider }
  wearableScore { score components { name score detail } }
  healthScore { score components { name score weight detail } }
} }`;

interface Component {
  name: string;
  score: number;
  weight: number;
  detail: string | null;
}

let headers: Record<string, string>;
let pool: any[];
const { data } = clientWith(() => headers);

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const labsPart = (components: Component[]) => components.filter((c) => !WEARABLE_COMPONENTS.includes(c.name));
/** The labs-only score: the mean of the category scores, rounded (subgraphs/labs/health-score.ts). */
const labsOnlyScore = (components: Component[]) => Math.round(sum(components.map((c) => c.score)) / components.length);
/** How long labs may take to store a part wearables sent (a job, worked at once in the stack's process). */
const PART_BOUND_MS = 30_000;

/** The patient once `done` holds for them, polled within PART_BOUND_MS. */
async function scoreOnce(id: string, done: (patient: any) => boolean, what: string): Promise<any> {
  let patient: any;
  await eventually(async () => done((patient = (await data(SCORE, { id })).patient)), PART_BOUND_MS, what);
  return patient;
}

beforeAll(async () => {
  headers = await authHeaders('admin');
  const ids = Array.from({ length: 19 }, (_, i) => seededPatientId(171 + i));
  pool = await Promise.all(ids.map(async (id) => (await data(SCORE, { id })).patient));
});

describe('the health score', () => {
  it('weighs the wearables part at 40% for a patient with recent wearable data', async () => {
    const patient = pool.find((p) => p.labResults.totalCount > 0 && p.wearableScore !== null);
    expect(patient).toBeDefined();
    const { healthScore, wearableScore } = patient;
    const labs = labsPart(healthScore.components);
    const wearables = healthScore.components.filter((c: Component) => WEARABLE_COMPONENTS.includes(c.name));
    expect(wearables.map((c: Component) => [c.name, c.score])).toEqual(wearableScore.components.map((c: Component) => [c.name, c.score]));
    for (const component of wearables) expect(component.weight).toBeCloseTo(0.4 / wearables.length, 10);
    expect(sum(labs.map((c) => c.weight))).toBeCloseTo(0.6, 10);
    expect(sum(healthScore.components.map((c: Component) => c.weight))).toBeCloseTo(1, 10);
    expect(healthScore.score).toBe(Math.round(labsOnlyScore(labs) * 0.6 + wearableScore.score * 0.4));
  });

  it('is the labs-only score for a caller who may not read the patient\'s wearable data (a credential scoped to lab results)', async () => {
    const patient = pool.find((p) => p.labResults.totalCount > 0 && p.wearableScore !== null);
    expect(patient).toBeDefined();
    const { access_token } = await partnerToken({ name: `Labs-only partner ${randomUUID()}`, role: 'SUPPORT', scopes: ['profile', 'lab_results'] });
    // Partners run persisted operations only: the shipped PatientOverview (its wearable fields are refused to this credential).
    const response = await fetch(`${gatewayUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
      body: JSON.stringify({ operationName: 'PatientOverview', variables: { id: patient.id }, extensions: { persistedQuery: { version: 1, sha256Hash: PERSISTED_OPERATION_HASHES.PatientOverview } } }),
    });
    const body = (await response.json()) as { data: any; errors?: { path?: (string | number)[] }[] };
    expect((body.errors ?? []).filter((error) => error.path?.includes('healthScore'))).toEqual([]);
    if (!body.data?.patient) throw new Error(JSON.stringify(body).slice(0, 800));
    const { score, components } = body.data.patient.healthScore;
    expect(components).toEqual(labsPart(patient.healthScore.components).map((c: Component) => ({ ...c, weight: expect.closeTo(c.weight / 0.6, 10) })));
    expect(score).toBe(labsOnlyScore(components));
  });

  it('is the labs-only score for a patient without wearable data', async () => {
    const patient = pool.find((p) => p.labResults.totalCount > 0 && p.wearableScore === null);
    expect(patient).toBeDefined();
    const { components, score } = patient.healthScore;
    expect(components.filter((c: Component) => WEARABLE_COMPONENTS.includes(c.name))).toEqual([]);
    expect(sum(components.map((c: Component) => c.weight))).toBeCloseTo(1, 10);
    expect(score).toBe(labsOnlyScore(components));
  });

  it('takes in wearable readings as they arrive: labs-only becomes 60% labs + 40% wearables', async () => {
    const patient = pool.filter((p) => p.labResults.totalCount > 0 && p.wearableScore === null && p.wearableConnections.length === 0)[1];
    expect(patient).toBeDefined();
    const before = patient.healthScore;
    const readings = [1, 25, 49].map((hoursAgo, i) => ({
      provider: 'OURA',
      metric: 'SLEEP_SCORE',
      value: 70 + i * 10,
      unit: 'score',
      recordedAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
      providerReadingId: `health-score-${randomUUID()}`,
    }));
    await data('mutation($p: ID!, $r: [WearableReadingInput!]!) { recordWearableReadings(patientId: $p, readings: $r) { inserted } }', { p: patient.id, r: readings });
    const after = await scoreOnce(patient.id, (p) => p.healthScore.components.some((c: Component) => c.name === 'SLEEP'), 'the health score to take the wearables part in');
    expect(after.wearableScore.components.map((c: Component) => c.name)).toEqual(['SLEEP']);
    // Daily averages 70, 80, 90 (one reading a day, in any time zone): a sleep component of 80.
    expect(after.wearableScore).toEqual({ score: 80, components: [{ name: 'SLEEP', score: 80, detail: 'mean sleep score 80 over 3 days' }] });
    expect(after.healthScore.components).toEqual([
      ...before.components.map((c: Component) => ({ ...c, weight: expect.closeTo(c.weight * 0.6, 10) })),
      { name: 'SLEEP', score: 80, weight: 0.4, detail: 'wearables: mean sleep score 80 over 3 days' },
    ]);
    expect(after.healthScore.score).toBe(Math.round(before.score * 0.6 + 80 * 0.4));
  });

  it('takes in what a wearables sync brings: the score follows the new wearables part', async () => {
    const patient = pool.filter((p) => p.labResults.totalCount > 0 && p.wearableScore === null && p.wearableConnections.length === 0)[2];
    expect(patient).toBeDefined();
    const before = patient.healthScore;
    // A CGM at the vendor with a day of readings (100-140 mg/dL), then connected: its first sync stores them.
    const login = uniqueLogin('health-score');
    const now = Date.now();
    const records = [20 * 60, 12 * 60, 6 * 60, 60, 30].map((minutesAgo, i) => ({
      recordId: `${login}-${i}`,
      systemTime: new Date(Math.floor((now - minutesAgo * 60_000) / 1000) * 1000).toISOString().slice(0, 19),
      value: [100, 110, 120, 130, 140][i],
      trend: 'flat',
      unit: 'mg/dL',
    }));
    await controlAccount(stackSimulator('DEXCOM'), login, { fixtures: { '/v3/users/self/egvs': records } });
    const started = (await data('mutation($p: ID) { startWearableConnection(provider: DEXCOM, patientId: $p) { authorizationUrl } }', { p: patient.id })).startWearableConnection;
    const { code, state } = await approveAt(started.authorizationUrl, login);
    await data('mutation($code: String!, $state: String!, $p: ID) { completeWearableConnection(provider: DEXCOM, code: $code, state: $state, patientId: $p) { id } }', { code, state, p: patient.id });

    const after = await scoreOnce(
      patient.id,
      (p) => p.wearableScore !== null && p.healthScore.components.some((c: Component) => c.name === 'CGM_GLUCOSE'),
      'the synced glucose to reach the health score',
    );
    const wearables = after.healthScore.components.filter((c: Component) => WEARABLE_COMPONENTS.includes(c.name));
    expect(wearables.map((c: Component) => [c.name, c.score, c.detail])).toEqual(after.wearableScore.components.map((c: Component) => [c.name, c.score, `wearables: ${c.detail}`]));
    expect(after.wearableScore.components.find((c: Component) => c.name === 'CGM_GLUCOSE').detail).toMatch(/^mean glucose \d+ mg\/dL over [12] days$/);
    expect(labsPart(after.healthScore.components)).toEqual(before.components.map((c: Component) => ({ ...c, weight: expect.closeTo(c.weight * 0.6, 10) })));
    expect(after.healthScore.score).toBe(Math.round(before.score * 0.6 + after.wearableScore.score * 0.4));
  });
});
