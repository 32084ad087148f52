// Uploading lab reports through the real gateway: sample PDFs in four layouts and both unit
// systems, for a male and a female patient, read back to exact canonical values, units and
// statuses; plain text and CSV; the timeline event, health score and history that follow;
// duplicates; refusals that store nothing; and who may upload for whom (audited).
import { randomUUID } from 'node:crypto';
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { codes, gql, type GraphQLResponse } from '../../../test/support/graphql';
import { base64, LAYOUTS, manyPagesPdf, reportCsv, reportPdf, reportText, scannedPdf, type Layout, type SampleReport } from './support/reports';

type Sex = 'MALE' | 'FEMALE';
interface Person {
  id: string;
  sex: Sex;
  timezone: string;
  index: number;
}

const UPLOAD = `mutation($patientId: ID!, $file: LabReportFileInput!) {
  uploadLabReport(patientId: $patientId, file: $file) {
    id source labName fileName collectedAt patient { id }
    readings { code name value unit rawName rawValue rawUnit status referenceRange { low high } printedRange labFlag sourceLine conversionNote }
  }
}`;
const STATE = 'query($id: ID!) { patient(id: $id) { labResults { totalCount } events(types: [LAB_RESULT_ADDED]) { totalCount } } }';

let admin: Record<string, string>;
// Patients 171-194 are this file's (labs.test.ts takes 141-170, lab-upload-rest 195-200); picked by sex.
const people: Record<'maleSi' | 'femaleUs' | 'femaleSi' | 'maleUs' | 'score' | 'duplicate' | 'refused' | 'customer' | 'other', Person> = {} as never;

beforeAll(async () => {
  admin = await authHeaders('admin');
  const indexes = Array.from({ length: 24 }, (_, i) => 171 + i);
  const fields = indexes.map((index) => `p${index}: patient(id: "${seededPatientId(index)}") { id sex timezone }`).join('\n');
  const found = await gql(`{ ${fields} }`, {}, { headers: admin });
  expect(found.errors ?? []).toEqual([]);
  const pool: Person[] = indexes.map((index) => ({ ...found.data![`p${index}`], index }));
  const take = (sex?: Sex): Person => {
    const at = pool.findIndex((p) => !sex || p.sex === sex);
    if (at < 0) throw new Error('no seeded patient fits');
    return pool.splice(at, 1)[0];
  };
  Object.assign(people, {
    maleSi: take('MALE'),
    femaleUs: take('FEMALE'),
    femaleSi: take('FEMALE'),
    maleUs: take('MALE'),
    score: take(),
    duplicate: take(),
    refused: take(),
    customer: take(),
    other: take(),
  });
});

const pdfFile = async (report: SampleReport, layout: Layout, name = `${layout}.pdf`) => ({
  filename: name,
  mimeType: 'application/pdf',
  contentBase64: base64(await reportPdf(report, layout)),
});

const labsUrl = () => `http://127.0.0.1:${Number(process.env.TEST_PORT_BASE) + 2}`;

function upload(patientId: string, file: { filename: string; mimeType: string; contentBase64: string }, headers = admin) {
  return gql(UPLOAD, { patientId, file }, { headers });
}

async function uploaded(patientId: string, file: { filename: string; mimeType: string; contentBase64: string }) {
  const response = await upload(patientId, file);
  expect(response.errors ?? []).toEqual([]);
  return response.data!.uploadLabReport;
}

function expectRefused(response: GraphQLResponse, reason: string, argument = 'file'): void {
  expect(codes(response)).toEqual(['BAD_USER_INPUT']);
  expect(response.errors![0].extensions).toMatchObject({ argument, reason });
  expect(response.errors![0].message.startsWith(`${argument}: `)).toBe(true);
  expect(response.data?.uploadLabReport ?? null).toBeNull();
}

/** The wall-clock time of an instant in a zone: "2025-03-14 08:30". */
const localTime = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

// ───────────── the sample reports and what they must read as ─────────────

/** [printed name, value, unit, printed range, flag] → [code, canonical value, unit, status for a man, for a woman]. */
type Expectation = [string | null, number | null, string | null, string, string];

const SI: { report: SampleReport; expected: Expectation[] } = {
  report: {
    collected: '03/14/2025 08:30',
    rows: [
      { name: 'Glucose', value: '5.5', unit: 'mmol/L', range: '3.9-5.5' },
      { name: 'Hemoglobin A1c', value: '48', unit: 'mmol/mol', range: '20-42', flag: 'H' },
      { name: 'Testosterone, Total', value: '17.3', unit: 'nmol/L', range: '8.6-29.0' },
      { name: 'Cholesterol, Total', value: '4.5', unit: 'mmol/L', range: '<5.2' },
      { name: 'HDL Cholesterol', value: '1.2', unit: 'mmol/L', range: '>1.0' },
      { name: 'Triglycerides', value: '1.1', unit: 'mmol/L', range: '<1.7' },
      { name: 'Hemoglobin', value: '160', unit: 'g/L', range: '130-170' },
      { name: 'Creatinine', value: '97', unit: 'umol/L', range: '62-106' },
      { name: 'Vitamin D, 25-Hydroxy', value: '125', unit: 'nmol/L', range: '75-250' },
      { name: 'TSH', value: '2.1', unit: 'mIU/L', range: '0.4-4.0' },
      { name: 'ALT', value: '35', unit: 'IU/L', range: '<41' },
      { name: 'WBC', value: '6.1', unit: '10^9/L', range: '4.0-11.0' },
      { name: 'Sodium', value: '322', unit: 'mg/dL', range: '310-333' },
      { name: 'Zonulin Index', value: '12.5', unit: 'ng/mL', range: '<30' },
    ],
  },
  expected: [
    ['GLUCOSE', 99.1, 'mg/dL', 'HIGH', 'HIGH'],
    ['HBA1C', 6.5, '%', 'HIGH', 'HIGH'],
    ['TESTOSTERONE_TOTAL', 499, 'ng/dL', 'NORMAL', 'HIGH'],
    ['CHOLESTEROL_TOTAL', 174, 'mg/dL', 'OPTIMAL', 'OPTIMAL'],
    ['HDL_C', 46.4, 'mg/dL', 'NORMAL', 'LOW'],
    ['TRIGLYCERIDES', 97.4, 'mg/dL', 'OPTIMAL', 'OPTIMAL'],
    ['HEMOGLOBIN', 16, 'g/dL', 'NORMAL', 'HIGH'],
    ['CREATININE', 1.1, 'mg/dL', 'NORMAL', 'HIGH'],
    ['VITAMIN_D_25OH', 50.08, 'ng/mL', 'OPTIMAL', 'OPTIMAL'],
    ['TSH', 2.1, 'mIU/L', 'OPTIMAL', 'OPTIMAL'],
    ['ALT', 35, 'U/L', 'NORMAL', 'HIGH'],
    ['WBC', 6.1, '10*3/uL', 'OPTIMAL', 'OPTIMAL'],
    // Sodium has no molecular weight: mg/dL cannot become mmol/L, so no value rather than a wrong one.
    ['SODIUM', null, null, 'UNKNOWN', 'UNKNOWN'],
    // Not in the catalog: kept as printed.
    [null, 12.5, 'ng/mL', 'UNKNOWN', 'UNKNOWN'],
  ],
};

const US: { report: SampleReport; expected: Expectation[] } = {
  report: {
    collected: '03/14/2025 08:30',
    rows: [
      { name: 'Glucose', value: '92', unit: 'mg/dL', range: '65-99' },
      { name: 'Hemoglobin A1c', value: '5.4', unit: '%', range: '<5.7' },
      { name: 'Testosterone, Total', value: '35', unit: 'ng/dL', range: '2-45' },
      { name: 'Cholesterol, Total', value: '212', unit: 'mg/dL', range: '<200', flag: 'H' },
      { name: 'HDL Cholesterol', value: '68', unit: 'mg/dL', range: '>50' },
      { name: 'LDL Cholesterol', value: '128', unit: 'mg/dL', range: '<100', flag: 'H' },
      { name: 'Triglycerides', value: '80', unit: 'mg/dL', range: '<150' },
      { name: 'Hemoglobin', value: '13.1', unit: 'g/dL', range: '11.7-15.5' },
      { name: 'TSH', value: '3.2', unit: 'uIU/mL', range: '0.40-4.50' },
      { name: 'Vitamin D, 25-OH, Total', value: '42', unit: 'ng/mL', range: '30-100' },
      { name: 'eGFR', value: '>60', unit: 'mL/min/1.73m2', range: '> OR = 60' },
      { name: 'WBC', value: '4.2', unit: 'x10E3/uL', range: '3.8-10.8' },
    ],
  },
  expected: [
    ['GLUCOSE', 92, 'mg/dL', 'NORMAL', 'NORMAL'],
    ['HBA1C', 5.4, '%', 'NORMAL', 'NORMAL'],
    ['TESTOSTERONE_TOTAL', 35, 'ng/dL', 'CRITICAL_LOW', 'OPTIMAL'],
    ['CHOLESTEROL_TOTAL', 212, 'mg/dL', 'HIGH', 'HIGH'],
    ['HDL_C', 68, 'mg/dL', 'OPTIMAL', 'OPTIMAL'],
    ['LDL_C', 128, 'mg/dL', 'HIGH', 'HIGH'],
    ['TRIGLYCERIDES', 80, 'mg/dL', 'OPTIMAL', 'OPTIMAL'],
    ['HEMOGLOBIN', 13.1, 'g/dL', 'LOW', 'NORMAL'],
    ['TSH', 3.2, 'mIU/L', 'NORMAL', 'NORMAL'],
    ['VITAMIN_D_25OH', 42, 'ng/mL', 'OPTIMAL', 'OPTIMAL'],
    // ">60": the bound is the value, and the note says so.
    ['EGFR', 60, 'mL/min/{1.73_m2}', 'NORMAL', 'NORMAL'],
    ['WBC', 4.2, '10*3/uL', 'OPTIMAL', 'OPTIMAL'],
  ],
};

const LAB_NAMES: Record<Layout, string | null> = { lines: null, table: 'Northside Clinical Lab', quest: 'Quest Diagnostics', labcorp: 'Labcorp' };

function expectReadings(result: any, sample: { report: SampleReport; expected: Expectation[] }, person: Person): void {
  expect(result.readings.map((r: any) => [r.code, r.value, r.unit, r.status])).toEqual(
    sample.expected.map(([code, value, unit, male, female]) => [code, value, unit, person.sex === 'MALE' ? male : female]),
  );
  result.readings.forEach((reading: any, i: number) => {
    const printed = sample.report.rows[i];
    expect(reading.rawName.toLowerCase()).toBe(printed.name.toLowerCase());
    expect(reading.rawValue).toBe(printed.value);
    expect(reading.rawUnit.replace(/\s/g, '')).toBe(printed.unit.replace(/\s/g, ''));
    expect(reading.sourceLine).toContain(reading.rawValue);
    expect(reading.printedRange).not.toBeNull();
    expect(Boolean(reading.labFlag)).toBe(Boolean(printed.flag));
  });
  expect(localTime(result.collectedAt, person.timezone)).toBe('2025-03-14 08:30');
}

const reading = (result: any, code: string) => result.readings.find((r: any) => r.code === code);

describe('lab report upload: sample reports', () => {
  it.each(LAYOUTS)('reads an SI report (mmol/L, nmol/L, g/L) in the %s layout for a man', async (layout) => {
    const result = await uploaded(people.maleSi.id, await pdfFile(SI.report, layout));
    expect(result).toMatchObject({ source: 'UPLOAD', fileName: `${layout}.pdf`, labName: LAB_NAMES[layout], patient: { id: people.maleSi.id } });
    expectReadings(result, SI, people.maleSi);
    expect(reading(result, 'GLUCOSE').conversionNote).toBe('5.5 mmol/L → 99.1 mg/dL (molecular weight 180.16 g/mol)');
    expect(reading(result, 'HBA1C').conversionNote).toMatch(/IFCC/);
    expect(reading(result, 'TESTOSTERONE_TOTAL').referenceRange).toEqual({ low: 264, high: 916 });
    expect(reading(result, 'SODIUM')).toMatchObject({ rawValue: '322', rawUnit: 'mg/dL', conversionNote: expect.stringContaining('cannot be converted to mmol/L') });
    const unknown = result.readings.find((r: any) => r.code === null);
    expect(unknown).toMatchObject({ name: unknown.rawName, conversionNote: 'not in the biomarker catalog', referenceRange: null });
  });

  it.each(LAYOUTS)('reads a US report (mg/dL, ng/dL, uIU/mL) in the %s layout for a woman', async (layout) => {
    const result = await uploaded(people.femaleUs.id, await pdfFile(US.report, layout));
    expect(result.labName).toBe(LAB_NAMES[layout]);
    expectReadings(result, US, people.femaleUs);
    expect(reading(result, 'TESTOSTERONE_TOTAL').referenceRange).toEqual({ low: 8, high: 48 });
    expect(reading(result, 'EGFR').conversionNote).toMatch(/reported as >60/);
  });

  it("classifies the same values by the patient's sex", async () => {
    const woman = await uploaded(people.femaleSi.id, await pdfFile(SI.report, 'table'));
    expectReadings(woman, SI, people.femaleSi);
    const man = await uploaded(people.maleUs.id, await pdfFile(US.report, 'quest'));
    expectReadings(man, US, people.maleUs);
    expect(reading(man, 'TESTOSTERONE_TOTAL').status).toBe('CRITICAL_LOW');
  });

  it('reads plain text and CSV exports the same way', async () => {
    const text = await uploaded(people.maleUs.id, { filename: 'results.txt', mimeType: 'text/plain', contentBase64: base64(reportText(US.report)) });
    expectReadings(text, US, people.maleUs);
    const csv = await uploaded(people.maleUs.id, { filename: 'results.csv', mimeType: 'text/csv', contentBase64: base64(reportCsv(US.report)) });
    expectReadings(csv, US, people.maleUs);
    expect(csv.readings[0].sourceLine).toBe('Glucose,92,mg/dL,65-99,,03/14/2025 08:30');
  });
});

describe('lab report upload: what follows', () => {
  it('records the timeline event, and the health score and history follow the new result', async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    const collected = `${String(yesterday.getUTCMonth() + 1).padStart(2, '0')}/${String(yesterday.getUTCDate()).padStart(2, '0')}/${yesterday.getUTCFullYear()}`;
    const result = await uploaded(people.score.id, await pdfFile({ ...SI.report, collected }, 'lines', 'recent.pdf'));
    const after = await gql(
      `query($id: ID!) { patient(id: $id) {
        healthScore { score basedOnLabResultId components { name score } }
        biomarkerHistory(code: "GLUCOSE") { labResultId value unit status }
        events(first: 1, types: [LAB_RESULT_ADDED]) { edges { node { title source detail } } }
      } }`,
      { id: people.score.id },
      { headers: admin },
    );
    expect(after.errors ?? []).toEqual([]);
    const patient = after.data!.patient;
    expect(patient.healthScore.basedOnLabResultId).toBe(result.id);
    expect(patient.healthScore.components.map((c: any) => c.name)).toEqual(expect.arrayContaining(['METABOLIC', 'LIPIDS', 'HORMONES']));
    expect(patient.biomarkerHistory.at(-1)).toEqual({ labResultId: result.id, value: 99.1, unit: 'mg/dL', status: 'HIGH' });
    const event = patient.events.edges[0].node;
    expect(event).toMatchObject({ title: 'Lab report uploaded', source: 'labs' });
    expect(JSON.parse(event.detail)).toMatchObject({ labResultId: result.id, fileName: 'recent.pdf', readings: 14, matched: 13, extractor: 'parser' });
    expect(JSON.parse(event.detail).labsScore).toEqual(expect.any(Number));
  });

  it('returns the existing result for the same file, stores it once, and keeps patients apart', async () => {
    const file = await pdfFile(US.report, 'labcorp', 'again.pdf');
    const before = (await gql(STATE, { id: people.duplicate.id }, { headers: admin })).data!.patient;
    const first = await uploaded(people.duplicate.id, file);
    const second = await uploaded(people.duplicate.id, { ...file, filename: 'renamed.pdf' });
    expect(second.id).toBe(first.id);
    expect(second.fileName).toBe('again.pdf');
    const after = (await gql(STATE, { id: people.duplicate.id }, { headers: admin })).data!.patient;
    expect(after.labResults.totalCount).toBe(before.labResults.totalCount + 1);
    expect(after.events.totalCount).toBe(before.events.totalCount + 1);
    // Two uploads of one new file at once: one result, both answers name it.
    const racing = await pdfFile(SI.report, 'quest', 'race.pdf');
    const [a, b] = await Promise.all([uploaded(people.duplicate.id, racing), uploaded(people.duplicate.id, racing)]);
    expect(a.id).toBe(b.id);
    // The same file for someone else is their own result.
    const elsewhere = await uploaded(people.other.id, file);
    expect(elsewhere.id).not.toBe(first.id);
  });
});

describe('lab report upload: refusals store nothing', () => {
  let before: any;
  beforeAll(async () => {
    before = (await gql(STATE, { id: people.refused.id }, { headers: admin })).data!.patient;
  });
  afterAll(async () => {
    const after = (await gql(STATE, { id: people.refused.id }, { headers: admin })).data!.patient;
    expect(after).toEqual(before);
  });

  it('a scanned or empty PDF: no text layer', async () => {
    const response = await upload(people.refused.id, { filename: 'scan.pdf', mimeType: 'application/pdf', contentBase64: base64(await scannedPdf()) });
    expectRefused(response, 'NO_TEXT');
    expect(response.errors![0].message).toMatch(/no text layer \(a scanned or empty document\)/);
  });

  it('a file without recognizable results, and the same file again', async () => {
    const file = { filename: 'letter.txt', mimeType: 'text/plain', contentBase64: base64('Dear patient,\nyour results are attached.\nPage 1 of 1') };
    expectRefused(await upload(people.refused.id, file), 'NO_RESULTS');
    // Nothing was kept of the failure: the retry is read again, not answered from a stored hash.
    expectRefused(await upload(people.refused.id, file), 'NO_RESULTS');
  });

  it('an oversized file, by the gateway and by labs itself', async () => {
    const big = { filename: 'big.txt', mimeType: 'text/plain', contentBase64: Buffer.alloc(10 * 1024 * 1024 + 1, 'a').toString('base64') };
    // A client's /graphql body stops at 2 MB (the contract's 413); larger reports go to the REST upload.
    const response = await upload(people.refused.id, big);
    expect(response.status).toBe(413);
    expect(response.errors![0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'bodySize', allowed: 2 * 1024 * 1024 });
    // The labs subgraph, which the REST upload's mutation reaches with up to 15 MB, refuses a file over 10 MB itself.
    const direct = await gql(UPLOAD, { patientId: people.refused.id, file: big }, { url: labsUrl(), headers: admin, signAs: { service: 'labs' } });
    expectRefused(direct, 'FILE_TOO_LARGE');
    expect(direct.errors![0].message).toBe('file: is 10485761 bytes; the limit is 10 MB (10485760 bytes)');
  });

  it('a wrong type, by its declared type or by its content', async () => {
    expectRefused(await upload(people.refused.id, { filename: 'photo.png', mimeType: 'image/png', contentBase64: base64('\x89PNG....') }), 'UNSUPPORTED_TYPE', 'file.mimeType');
    expectRefused(await upload(people.refused.id, { filename: 'fake.pdf', mimeType: 'application/pdf', contentBase64: base64('GIF89a...') }), 'UNSUPPORTED_TYPE', 'file.mimeType');
    expectRefused(await upload(people.refused.id, { filename: 'a.txt', mimeType: 'text/plain', contentBase64: 'not base64!' }), 'INVALID_ENCODING', 'file.contentBase64');
  });

  it('a PDF of thousands of pages, by its page count', async () => {
    const bytes = await manyPagesPdf(5000);
    const response = await upload(people.refused.id, { filename: 'huge.pdf', mimeType: 'application/pdf', contentBase64: base64(bytes) });
    expectRefused(response, 'TOO_MANY_PAGES');
    expect(response.errors![0].message).toBe('file: the PDF has 5000 pages; a lab report may have at most 50');
  });

  it('a bad patient id or an unknown patient', async () => {
    const file = { filename: 'r.txt', mimeType: 'text/plain', contentBase64: base64('Glucose 90 mg/dL 70-99') };
    const malformed = await upload('nope', file);
    expect(codes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.errors![0].extensions?.argument).toBe('patientId');
    expect(codes(await upload('00000000-0000-4000-8000-000000000000', file))).toEqual(['NOT_FOUND']);
  });
});

describe('lab report upload: who may upload', () => {
  const file = (tag: string) => ({ filename: `${tag}.txt`, mimeType: 'text/plain', contentBase64: base64(`Glucose 91 mg/dL 70-99\nRun ${tag} ${randomUUID()}`) });

  async function auditRows(requestId: string) {
    const response = await gql(
      'query($r: String!) { auditLog(filter: { correlationId: $r }) { edges { node { resource action decision patientId service actorRole } } } }',
      { r: requestId },
      { headers: admin },
    );
    return response.data!.auditLog.edges.map((e: any) => e.node);
  }

  it('a customer uploads their own report (audited as allowed)', async () => {
    const requestId = `upload-own-${randomUUID()}`;
    const customer = await authHeaders('customer', { patientIndex: people.customer.index });
    const response = await upload(people.customer.id, file('own'), { ...customer, 'x-request-id': requestId });
    expect(response.errors ?? []).toEqual([]);
    expect(response.data!.uploadLabReport.readings[0]).toMatchObject({ code: 'GLUCOSE', value: 91 });
    expect(await auditRows(requestId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ resource: 'lab_results', action: 'create', decision: 'ALLOW', patientId: people.customer.id, actorRole: 'customer' })]),
    );
  });

  it("a customer uploading for another patient is FORBIDDEN, stores nothing, and is audited", async () => {
    const requestId = `upload-other-${randomUUID()}`;
    const before = (await gql(STATE, { id: people.other.id }, { headers: admin })).data!.patient;
    const customer = await authHeaders('customer', { patientIndex: people.customer.index });
    const response = await upload(people.other.id, file('other'), { ...customer, 'x-request-id': requestId });
    expect(codes(response)).toEqual(['FORBIDDEN']);
    expect(response.data?.uploadLabReport ?? null).toBeNull();
    expect(await auditRows(requestId)).toEqual([
      expect.objectContaining({ resource: 'lab_results', action: 'create', decision: 'DENY', patientId: people.other.id, service: 'labs', actorRole: 'customer' }),
    ]);
    expect((await gql(STATE, { id: people.other.id }, { headers: admin })).data!.patient).toEqual(before);
  });

  it('staff upload for anyone; providers and support only read; anonymous callers must sign in', async () => {
    const staff = await upload(people.customer.id, file('staff'), await authHeaders('staff'));
    expect(staff.errors ?? []).toEqual([]);
    expect(codes(await upload(people.customer.id, file('provider'), await authHeaders('provider')))).toEqual(['FORBIDDEN']);
    expect(codes(await upload(people.customer.id, file('support'), await authHeaders('support')))).toEqual(['FORBIDDEN']);
    expect(codes(await upload(people.customer.id, file('anonymous'), {}))).toEqual(['UNAUTHENTICATED']);
  });
});
