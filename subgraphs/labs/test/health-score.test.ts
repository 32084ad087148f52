// The health score through the gateway: the latest lab result's biomarkers (60%) and the
// wearables part (40%), which labs receives from the wearables subgraph with @requires (labs
// never reads wearables' tables); a patient without wearable data gets the labs-only score.
import { randomUUID } from 'node:crypto';
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { clientWith } from '../../../test/support/graphql';

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
    const after = (await data(SCORE, { id: patient.id })).patient;
    expect(after.wearableScore.components.map((c: Component) => c.name)).toEqual(['SLEEP']);
    // Daily averages 70, 80, 90 (one reading a day, in any time zone): a sleep component of 80.
    expect(after.wearableScore).toEqual({ score: 80, components: [{ name: 'SLEEP', score: 80, detail: 'mean sleep score 80 over 3 days' }] });
    expect(after.healthScore.components).toEqual([
      ...before.components.map((c: Component) => ({ ...c, weight: expect.closeTo(c.weight * 0.6, 10) })),
      { name: 'SLEEP', score: 80, weight: 0.4, detail: 'wearables: mean sleep score 80 over 3 days' },
    ]);
    expect(after.healthScore.score).toBe(Math.round(before.score * 0.6 + 80 * 0.4));
  });
});
