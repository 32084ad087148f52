// The labs subgraph through the real gateway: the biomarker catalog, recording a lab result
// (classified by the patient's sex and age), validation that names the argument, the
// timeline event, the health score and biomarker history that follow the latest result,
// paging a patient's results, and deleting a result.
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { codes, gql, type GraphQLResponse, clientWith, expectBadInput, expectNotFound } from '../../../test/support/graphql';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

interface Range {
  sex: string | null;
  minAge: number | null;
  maxAge: number | null;
  low: number | null;
  high: number | null;
  criticalLow: number | null;
  criticalHigh: number | null;
  optimalLow: number | null;
  optimalHigh: number | null;
}
interface Biomarker {
  code: string;
  name: string;
  category: string;
  unit: string;
  referenceRanges: Range[];
}
interface Person {
  id: string;
  sex: 'FEMALE' | 'MALE';
  age: number;
  wearableScore: { score: number } | null;
}

let headers: Record<string, string>;
let catalog: Map<string, Biomarker>;
// Each test writes to its own seeded patient (picked from 141-170 by sex and age), so the
// tests do not depend on their order.
const people: Record<'female' | 'male' | 'ageBand' | 'invalid' | 'score' | 'paging', Person> = {} as never;

beforeAll(async () => {
  headers = await authHeaders('admin');
  const list = await data(
    '{ biomarkers { code name category unit referenceRanges { sex minAge maxAge low high criticalLow criticalHigh optimalLow optimalHigh } } }',
  );
  catalog = new Map(list.biomarkers.map((b: Biomarker) => [b.code, b]));

  const ids = Array.from({ length: 30 }, (_, i) => seededPatientId(141 + i));
  const fields = ids.map((id, i) => `p${i}: patient(id: "${id}") { id sex age wearableScore { score } }`).join('\n');
  const pool: Person[] = Object.values(await data(`{ ${fields} }`));
  const take = (predicate: (p: Person) => boolean): Person => {
    const index = pool.findIndex(predicate);
    if (index < 0) throw new Error('no seeded patient fits');
    return pool.splice(index, 1)[0];
  };
  people.female = take((p) => p.sex === 'FEMALE');
  people.male = take((p) => p.sex === 'MALE');
  // Away from the edges of the age bands (18-29, 30-39, ...), so the age on the collection day is unambiguous.
  people.ageBand = take((p) => p.sex === 'MALE' && p.age % 10 !== 9 && p.age % 10 !== 0);
  people.invalid = take(() => true);
  // Without recent wearable data, the health score is the labs-only score (health-score.test.ts has the combined one).
  people.score = take((p) => p.wearableScore === null);
  people.paging = take(() => true);
});

const { ask, data } = clientWith(() => headers);

/** The catalog's range for one sex (the tests use biomarkers with one range per sex). */
function rangeFor(code: string, sex: string): Range {
  const ranges = catalog.get(code)!.referenceRanges.filter((r) => r.sex === sex);
  expect(ranges).toHaveLength(1);
  return ranges[0];
}

const READING_FIELDS = 'code name value unit rawValue rawUnit status labFlag referenceRange { low high } biomarker { code category }';
const CREATE = `mutation($patientId: ID!, $input: LabResultInput!) {
  createLabResult(patientId: $patientId, input: $input) {
    id source labName collectedAt reportedAt patient { id } readings { ${READING_FIELDS} }
  }
}`;

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

async function createLabResult(patientId: string, readings: { code: string; value: number; unit?: string; labFlag?: string }[], extra: Record<string, unknown> = {}) {
  const input = {
    collectedAt: hoursAgo(1),
    ...extra,
    readings: readings.map((r) => ({ unit: catalog.get(r.code)?.unit ?? 'x', ...r })),
  };
  return (await data(CREATE, { patientId, input })).createLabResult;
}

describe('labs: the biomarker catalog', () => {
  it('lists every biomarker once with its canonical unit and ranges, and filters by category', async () => {
    expect(catalog.size).toBeGreaterThan(20);
    expect(catalog.get('GLUCOSE')).toMatchObject({ name: 'Glucose', category: 'METABOLIC', unit: 'mg/dL' });
    expect(catalog.get('HEMOGLOBIN')!.referenceRanges.map((r) => r.sex).sort()).toEqual(['FEMALE', 'MALE']);
    const all = (await data('{ biomarkers { code } }')).biomarkers;
    expect(new Set(all.map((b: any) => b.code)).size).toBe(all.length);

    const cbc = (await data('{ biomarkers(category: CBC) { code category } }')).biomarkers;
    expect(cbc.length).toBeGreaterThan(0);
    expect(cbc.length).toBeLessThan(all.length);
    expect(cbc.every((b: any) => b.category === 'CBC')).toBe(true);
    expect(cbc.map((b: any) => b.code)).toEqual(expect.arrayContaining(['HEMOGLOBIN', 'HEMATOCRIT']));
  });
});

describe('labs: recording a result', () => {
  it('classifies the same values by the patient’s sex and keeps that sex’s reference range', async () => {
    // A hemoglobin above the female range but inside the male one, and a hematocrit below
    // the male range but inside the female one.
    const hgbF = rangeFor('HEMOGLOBIN', 'FEMALE');
    const hgbM = rangeFor('HEMOGLOBIN', 'MALE');
    const hctF = rangeFor('HEMATOCRIT', 'FEMALE');
    const hctM = rangeFor('HEMATOCRIT', 'MALE');
    const hgb = Math.round(((hgbF.high! + hgbM.high!) / 2) * 10) / 10;
    const hct = Math.round(((hctF.low! + hctM.low!) / 2) * 10) / 10;
    expect(hgb > hgbF.high! && hgb < hgbM.high! && hgb >= hgbM.low!).toBe(true);
    expect(hct < hctM.low! && hct >= hctF.low! && hct <= hctF.high!).toBe(true);
    expect([hgbM.optimalLow, hgbM.optimalHigh, hctF.optimalLow, hctF.optimalHigh]).toEqual([null, null, null, null]);

    const readings = [
      { code: 'HEMOGLOBIN', value: hgb, labFlag: 'H' },
      { code: 'HEMATOCRIT', value: hct },
    ];
    const female = await createLabResult(people.female.id, readings, { labName: '  Quest Diagnostics  ' });
    const male = await createLabResult(people.male.id, readings);

    expect(female).toMatchObject({ source: 'INTEGRATION', labName: 'Quest Diagnostics', patient: { id: people.female.id } });
    expect(male.labName).toBeNull();
    expect(female.readings).toEqual([
      {
        code: 'HEMOGLOBIN',
        name: 'Hemoglobin',
        value: hgb,
        unit: 'g/dL',
        rawValue: String(hgb),
        rawUnit: 'g/dL',
        status: 'HIGH',
        labFlag: 'H',
        referenceRange: { low: hgbF.low, high: hgbF.high },
        biomarker: { code: 'HEMOGLOBIN', category: 'CBC' },
      },
      expect.objectContaining({ code: 'HEMATOCRIT', value: hct, unit: '%', status: 'NORMAL', labFlag: null, referenceRange: { low: hctF.low, high: hctF.high } }),
    ]);
    expect(male.readings.map((r: any) => [r.code, r.status, r.referenceRange])).toEqual([
      ['HEMOGLOBIN', 'NORMAL', { low: hgbM.low, high: hgbM.high }],
      ['HEMATOCRIT', 'LOW', { low: hctM.low, high: hctM.high }],
    ]);

    // Read back through the graph, with the status filter.
    const read = await data('query($id: ID!) { labResult(id: $id) { id patient { id sex } all: readings { code status } high: readings(status: [HIGH, LOW]) { code status } } }', {
      id: female.id,
    });
    expect(read.labResult).toEqual({
      id: female.id,
      patient: { id: people.female.id, sex: 'FEMALE' },
      all: [
        { code: 'HEMOGLOBIN', status: 'HIGH' },
        { code: 'HEMATOCRIT', status: 'NORMAL' },
      ],
      high: [{ code: 'HEMOGLOBIN', status: 'HIGH' }],
    });
  });

  it('classifies by the patient’s age band, and flags critical values', async () => {
    const person = people.ageBand;
    const bands = catalog.get('DHEA_S')!.referenceRanges.filter((r) => r.sex === person.sex);
    const band = bands.find((r) => (r.minAge ?? 0) <= person.age && person.age <= (r.maxAge ?? 200))!;
    expect(band).toBeDefined();
    // The age decides: another band of the same sex has other limits.
    expect(bands.some((r) => r.low !== band.low || r.high !== band.high)).toBe(true);
    const glucose = catalog.get('GLUCOSE')!.referenceRanges[0];

    const result = await createLabResult(person.id, [
      { code: 'DHEA_S', value: band.high! + 5 },
      { code: 'DHEA_S', value: band.low! - 5 },
      { code: 'DHEA_S', value: (band.low! + band.high!) / 2 },
      { code: 'GLUCOSE', value: glucose.criticalHigh! + 50 },
      { code: 'GLUCOSE', value: glucose.criticalLow! - 5 },
      { code: 'GLUCOSE', value: (glucose.optimalLow! + glucose.optimalHigh!) / 2 },
      { code: 'GLUCOSE', value: (glucose.optimalHigh! + glucose.high!) / 2 },
    ]);
    expect(result.readings.map((r: any) => r.status)).toEqual(['HIGH', 'LOW', 'NORMAL', 'CRITICAL_HIGH', 'CRITICAL_LOW', 'OPTIMAL', 'NORMAL']);
    expect(result.readings[0].referenceRange).toEqual({ low: band.low, high: band.high });
  });

  it('refuses invalid input with BAD_USER_INPUT naming the argument, and writes nothing', async () => {
    const id = people.invalid.id;
    const STATE = 'query($id: ID!) { patient(id: $id) { labResults { totalCount } events(types: [LAB_RESULT_ADDED]) { totalCount } } }';
    const before = await data(STATE, { id });
    const glucose = { code: 'GLUCOSE', value: 90, unit: 'mg/dL' };
    const cases: [Record<string, unknown>, string][] = [
      [{ readings: [{ ...glucose, code: `NOT_A_TEST_${RUN}` }] }, 'input.readings[0].code'],
      [{ readings: [glucose, { ...glucose, unit: 'mmol/L' }] }, 'input.readings[1].unit'],
      [{ readings: [{ ...glucose, value: -1 }] }, 'input.readings[0].value'],
      [{ readings: [] }, 'input.readings'],
      [{ readings: [glucose], collectedAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }, 'input.collectedAt'],
    ];
    for (const [input, argument] of cases) {
      const response = await ask(CREATE, { patientId: id, input: { collectedAt: hoursAgo(1), ...input } });
      expect(response.data).toBeNull();
      expectBadInput(response, argument);
    }
    const unitError = await ask(CREATE, { patientId: id, input: { collectedAt: hoursAgo(1), readings: [{ ...glucose, unit: 'mmol/L' }] } });
    expect(unitError.errors![0].message).toContain('mg/dL');
    expectBadInput(await ask(CREATE, { patientId: 'not-an-id', input: { collectedAt: hoursAgo(1), readings: [glucose] } }), 'patientId');
    const unknown = await ask(CREATE, { patientId: MISSING_ID, input: { collectedAt: hoursAgo(1), readings: [glucose] } });
    expectNotFound(unknown);
    expect(unknown.errors![0].message).toContain(MISSING_ID);

    expect(await data(STATE, { id })).toEqual(before);
  });
});

describe('labs: what follows the latest result', () => {
  it('adds LAB_RESULT_ADDED, moves the health score and the biomarker history; deleting the result undoes both', async () => {
    const person = people.score;
    const STATE = `query($id: ID!) {
      patient(id: $id) {
        labResults(first: 1) { totalCount edges { node { id } } }
        healthScore { score basedOnLabResultId components { name score weight detail } }
        biomarkerHistory(code: "glucose") { labResultId collectedAt value unit status }
        events(first: 1, types: [LAB_RESULT_ADDED]) { totalCount edges { node { title detail } } }
      }
    }`;
    const before = (await data(STATE, { id: person.id })).patient;
    expect(before.healthScore).not.toBeNull();

    // Glucose in the optimal band (metabolic: 100) and hemoglobin above this patient's range (CBC: 50).
    const glucose = catalog.get('GLUCOSE')!.referenceRanges[0];
    const hgb = rangeFor('HEMOGLOBIN', person.sex);
    const glucoseValue = (glucose.optimalLow! + glucose.optimalHigh!) / 2;
    const result = await createLabResult(
      person.id,
      [
        { code: 'GLUCOSE', value: glucoseValue },
        { code: 'HEMOGLOBIN', value: hgb.high! + 1 },
      ],
      { labName: `Lab ${RUN}`, collectedAt: hoursAgo(0.5) },
    );
    expect(result.readings.map((r: any) => r.status)).toEqual(['OPTIMAL', 'HIGH']);

    const after = (await data(STATE, { id: person.id })).patient;
    expect(after.labResults.totalCount).toBe(before.labResults.totalCount + 1);
    expect(after.labResults.edges[0].node.id).toBe(result.id);
    expect(after.healthScore).toEqual({
      score: 75,
      basedOnLabResultId: result.id,
      components: [
        { name: 'CBC', score: 50, weight: 0.5, detail: '1 biomarker' },
        { name: 'METABOLIC', score: 100, weight: 0.5, detail: '1 biomarker' },
      ],
    });
    expect(after.events.totalCount).toBe(before.events.totalCount + 1);
    expect(after.events.edges[0].node.title).toBe(`Lab result from Lab ${RUN} added`);
    expect(JSON.parse(after.events.edges[0].node.detail)).toMatchObject({ labResultId: result.id, readings: 2 });

    const history = after.biomarkerHistory;
    expect(history).toHaveLength(before.biomarkerHistory.length + 1);
    const times = history.map((p: any) => Date.parse(p.collectedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(history[history.length - 1]).toEqual({ labResultId: result.id, collectedAt: result.collectedAt, value: glucoseValue, unit: 'mg/dL', status: 'OPTIMAL' });

    expect((await data('mutation($id: ID!) { deleteLabResult(id: $id) }', { id: result.id })).deleteLabResult).toBe(result.id);
    const restored = (await data(STATE, { id: person.id })).patient;
    expect(restored.labResults).toEqual(before.labResults);
    expect(restored.healthScore).toEqual(before.healthScore);
    expect(restored.biomarkerHistory).toEqual(before.biomarkerHistory);

    const gone = await ask('query($id: ID!) { labResult(id: $id) { id } }', { id: result.id });
    expect(gone.data).toEqual({ labResult: null });
    expectNotFound(gone);
    expectNotFound(await ask('mutation($id: ID!) { deleteLabResult(id: $id) }', { id: result.id }));
    expectBadInput(await ask('mutation { deleteLabResult(id: "nope") }'), 'id');
  });

  it('refuses a biomarker history for a code outside the catalog, and a malformed or unknown lab result id', async () => {
    expectBadInput(await ask('query($id: ID!) { patient(id: $id) { biomarkerHistory(code: "NOPE") { value } } }', { id: people.score.id }), 'code');
    expectBadInput(await ask('{ labResult(id: "nope") { id } }'), 'id');
    expectNotFound(await ask('query($id: ID!) { labResult(id: $id) { id } }', { id: MISSING_ID }));
  });

  it('pages a patient’s results most recently collected first, with first/after, hasNextPage and totalCount', async () => {
    const person = people.paging;
    const created: string[] = [];
    for (const day of ['2021-03-01', '2021-02-01', '2021-01-01']) {
      created.push((await createLabResult(person.id, [{ code: 'GLUCOSE', value: 85 }], { collectedAt: `${day}T08:00:00.000Z` })).id);
    }
    const PAGE = 'query($id: ID!, $after: String) { patient(id: $id) { labResults(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id collectedAt } } } } }';
    const seen: { id: string; collectedAt: string }[] = [];
    let after: string | null = null;
    let total = 0;
    let pages = 0;
    do {
      const page: any = (await data(PAGE, { id: person.id, after })).patient.labResults;
      pages++;
      total = page.totalCount;
      expect(page.edges.length).toBeLessThanOrEqual(2);
      expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1].cursor);
      seen.push(...page.edges.map((e: any) => e.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after && pages < 50);
    expect(total).toBeGreaterThanOrEqual(3);
    expect(seen).toHaveLength(total);
    expect(pages).toBe(Math.ceil(total / 2));
    expect(new Set(seen.map((r) => r.id)).size).toBe(total);
    const times = seen.map((r) => Date.parse(r.collectedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // The three old results come last, in collection order.
    expect(seen.slice(-3).map((r) => r.id)).toEqual(created);

    expectBadInput(await ask('query($id: ID!) { patient(id: $id) { labResults(first: 2, after: "!!") { totalCount } } }', { id: person.id }), 'after');
    expectBadInput(await ask('query($id: ID!) { patient(id: $id) { labResults(first: 0) { totalCount } } }', { id: person.id }), 'first');
  });
});
