// The FHIR R4 API end to end through the gateway, on the seeded data: every resource type and
// search validates against R4 (and the profiles we can load), a patient reads only their own
// record, a partner's SMART scopes open exactly their types, $everything holds every lab
// reading and daily stat the graph shows, and bad requests answer OperationOutcomes.
import type { Bundle, Observation, Resource } from '@medplum/fhirtypes';
import { authHeaders, seededPatientId } from '../../test/support/auth';
import { expectOutcome, expectValidResource, fhirRequest as fhir, searchAll as all } from '../../test/support/fhir';
import { gatewayUrl, gql } from '../../test/support/graphql';
import { partnerToken } from '../../test/support/partners';

const OWN = seededPatientId(1);
const OTHER = seededPatientId(2);

let customer: Record<string, string>;
let admin: Record<string, string>;
beforeAll(async () => {
  customer = await authHeaders('customer');
  admin = await authHeaders('admin');
});

describe('FHIR R4 API: reads and searches', () => {
  it('serves a CapabilityStatement that lists each type, its interactions and search parameters', async () => {
    const { status, headers, body } = await fhir('metadata');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expectValidResource(body);
    const types = Object.fromEntries(body.rest[0].resource.map((r: any) => [r.type, r]));
    expect(Object.keys(types)).toEqual(['Patient', 'Observation', 'DiagnosticReport', 'MedicationStatement', 'Device']);
    expect(types.Observation.searchParam.map((p: any) => p.name)).toEqual(['patient', 'category', 'code', 'date', '_lastUpdated']);
    expect(types.MedicationStatement.interaction).toEqual([{ code: 'search-type' }]);
    expect(types.Patient.operation.map((o: any) => o.name)).toEqual(['everything', 'export']);
  });

  it('reads the patient as a US Core Patient', async () => {
    const { status, body } = await fhir(`Patient/${OWN}`, customer);
    expect(status).toBe(200);
    expectValidResource(body);
    expect(body).toMatchObject({ resourceType: 'Patient', id: OWN, identifier: [{ value: OWN }] });
  });

  it.each([
    ['laboratory observations', 'Observation?category=laboratory'],
    ['vital-signs observations', 'Observation?category=vital-signs'],
    ['lab reports', 'DiagnosticReport?'],
    ['protocol items', 'MedicationStatement?'],
    ['connected wearables', 'Device?'],
  ])('searches %s of a seeded patient: every page and resource validates', async (_what, query) => {
    const resources = await all(`${query}&patient=${OWN}&_count=40`, customer);
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) {
      expectValidResource(resource);
      expect(JSON.stringify(resource)).toContain(`Patient/${OWN}`);
    }
  });

  it('maps lab readings with LOINC, UCUM, interpretation and the reference range by sex', async () => {
    const labs = (await all(`Observation?patient=${OWN}&category=laboratory&_count=100`, customer)) as Observation[];
    const coded = labs.filter((o) => o.code.coding?.some((c) => c.system === 'http://loinc.org'));
    expect(coded.length).toBeGreaterThan(0);
    for (const o of coded) {
      expect(o.valueQuantity?.system).toBe('http://unitsofmeasure.org');
      expect(o.valueQuantity?.code).toBeTruthy();
    }
    const interpreted = labs.flatMap((o) => o.interpretation?.[0].coding?.[0].code ?? []);
    expect(interpreted.every((code) => ['LL', 'L', 'N', 'H', 'HH'].includes(code))).toBe(true);
    const bySex = labs.flatMap((o) => o.referenceRange ?? []).filter((r) => r.appliesTo);
    expect(bySex.length).toBeGreaterThan(0);
    expect(bySex[0].appliesTo![0].coding![0].system).toBe('http://hl7.org/fhir/administrative-gender');
    // A report groups its readings: each DiagnosticReport's results are readable observations.
    const reports = await all(`DiagnosticReport?patient=${OWN}&_count=5`, customer);
    const first = reports[0] as any;
    const read = await fhir(first.result[0].reference, customer);
    expect(read.status).toBe(200);
    expectValidResource(read.body);
  });

  it('filters observations by code, date and _lastUpdated, and pages without losing or repeating any', async () => {
    const everyLab = (await all(`Observation?patient=${OWN}&category=laboratory&_count=100`, customer)) as Observation[];
    const paged = await all(`Observation?patient=${OWN}&category=laboratory&_count=7`, customer);
    expect(paged.map((r) => r.id)).toEqual(everyLab.map((r) => r.id));

    const glucose = (await all(`Observation?patient=${OWN}&code=http://loinc.org|2345-7`, customer)) as Observation[];
    expect(glucose.length).toBe(everyLab.filter((o) => o.code.coding?.some((c) => c.code === '2345-7')).length);
    expect(glucose.length).toBeGreaterThan(0);

    const newest = everyLab[0].effectiveDateTime!;
    const onOrAfter = await all(`Observation?patient=${OWN}&category=laboratory&date=ge${newest}`, customer);
    expect(onOrAfter.length).toBe(everyLab.filter((o) => o.effectiveDateTime! >= newest).length);
    const before = await all(`Observation?patient=${OWN}&category=laboratory&date=lt${newest}`, customer);
    expect(before.length + onOrAfter.length).toBe(everyLab.length);
    const none = await all(`Observation?patient=${OWN}&_lastUpdated=gt2999-01-01`, customer);
    expect(none).toEqual([]);

    const steps = (await all(`Observation?patient=${OWN}&code=http://loinc.org|41950-7`, customer)) as Observation[];
    for (const o of steps) expect(o.category!.map((c) => c.coding![0].code)).toEqual(['vital-signs', 'activity']);
  });
});

describe('FHIR R4 API: who may read what', () => {
  it('lets a patient read only their own record (403 OperationOutcome for another)', async () => {
    expectOutcome(await fhir(`Patient/${OTHER}`, customer), 403, 'forbidden');
    expectOutcome(await fhir(`Observation?patient=${OTHER}`, customer), 403, 'forbidden');
    expectOutcome(await fhir(`MedicationStatement?patient=Patient/${OTHER}`, customer), 403, 'forbidden');
    expectOutcome(await fhir(`Patient/${OTHER}/$everything`, customer), 403, 'forbidden');
    // Without patient= a patient's search is of their own record.
    const own = await all('Device?', customer);
    expect(own.every((d: any) => d.patient.reference === `Patient/${OWN}`)).toBe(true);
    const me = await fhir('Patient', customer);
    expect(me.body.entry.map((e: any) => e.resource.id)).toEqual([OWN]);
  });

  it('writes the audit trail under the correlation id the FHIR client sent', async () => {
    const requestId = `fhir-audit-${Date.now()}`;
    expect((await fhir(`Observation?patient=${OWN}&_count=1`, { ...customer, 'x-request-id': requestId })).status).toBe(200);
    const trail = await gql('query($r: String!) { auditLog(filter: { correlationId: $r }) { edges { node { resource decision patientId } } } }', { r: requestId }, { headers: admin });
    expect(trail.data!.auditLog.edges.map((e: any) => e.node)).toContainEqual({ resource: 'lab_results', decision: 'ALLOW', patientId: OWN });
  });

  it('gives a partner with patient/Observation.rs observations, and not MedicationStatement, DiagnosticReport or the Patient', async () => {
    const token = await partnerToken({ name: 'EHR bridge', role: 'SUPPORT', scopes: ['patient/Observation.rs'] });
    expect(token.scope).toBe('patient/Observation.rs');
    const partner = { authorization: `Bearer ${token.access_token}` };

    const observations = await all(`Observation?patient=${OTHER}&_count=100`, partner);
    expect(new Set(observations.map((o: any) => o.category[0].coding[0].code))).toEqual(new Set(['laboratory', 'vital-signs']));
    for (const resource of observations.slice(0, 20)) expectValidResource(resource);
    expectOutcome(await fhir(`MedicationStatement?patient=${OTHER}`, partner), 403, 'forbidden', /MedicationStatement/);
    expectOutcome(await fhir(`DiagnosticReport?patient=${OTHER}`, partner), 403, 'forbidden');
    expectOutcome(await fhir(`Patient/${OTHER}`, partner), 403, 'forbidden');
    // A patient-level scope reaches one record at a time: no searches across patients.
    expectOutcome(await fhir(`Observation?category=laboratory`, partner), 400, 'invalid', /patient=/);
    // $everything holds only what the scopes reach.
    const everything = await all(`Patient/${OTHER}/$everything`, partner);
    expect(new Set(everything.map((r) => r.resourceType))).toEqual(new Set(['Observation']));
  });
});

describe('FHIR R4 API: Patient/{id}/$everything', () => {
  it('holds every lab reading and daily stat the graph shows for the patient', async () => {
    const graph = await gql(
      `query($id: ID!) { patient(id: $id) { labResults(first: 100) { totalCount edges { node { id readings { id } } } } wearableDailyStats { day metric } protocols { items { id } } wearableConnections { id } } }`,
      { id: OWN },
      { headers: admin },
    );
    expect(graph.errors ?? []).toEqual([]);
    const patient = graph.data!.patient;
    const readings: string[] = patient.labResults.edges.flatMap((e: any) => e.node.readings.map((r: any) => `lab-${r.id}`));
    const { status, body } = await fhir(`Patient/${OWN}/$everything`, customer);
    expect(status).toBe(200);
    expectValidResource(body);
    const bundle = body as Bundle;
    expect(bundle.link!.some((l) => l.relation === 'next')).toBe(false); // the whole record in one Bundle
    const byType = (type: string) => bundle.entry!.map((e) => e.resource!).filter((r) => r.resourceType === type);
    const observations = byType('Observation') as Observation[];
    const labs = observations.filter((o) => o.category![0].coding![0].code === 'laboratory');
    const days = observations.filter((o) => o.category![0].coding![0].code === 'vital-signs');
    expect(labs.map((o) => o.id).sort()).toEqual(readings.sort());
    expect(days.length).toBe(patient.wearableDailyStats.length);
    expect(byType('DiagnosticReport').length).toBe(patient.labResults.totalCount);
    expect(byType('MedicationStatement').length).toBe(patient.protocols.flatMap((p: any) => p.items).length);
    expect(byType('Device').length).toBe(patient.wearableConnections.length);
    expect(byType('Patient').map((p) => p.id)).toEqual([OWN]);
    expect(bundle.total).toBe(bundle.entry!.length);

    // Paged with _count, the same resources.
    const paged = await all(`Patient/${OWN}/$everything?_count=60`, customer);
    expect(paged.map((r) => `${r.resourceType}/${r.id}`)).toEqual(bundle.entry!.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`));
    const onlyDevices = await all(`Patient/${OWN}/$everything?_type=Device`, customer);
    expect(onlyDevices.length).toBe(patient.wearableConnections.length);
  });
});

describe('FHIR R4 API: errors are OperationOutcomes', () => {
  it('refuses bad search parameters with 400 and says why', async () => {
    expectOutcome(await fhir(`Observation?patient=${OWN}&colour=red`, customer), 400, 'invalid', /Unknown search parameter "colour"/);
    expectOutcome(await fhir(`Observation?patient=${OWN}&code:text=glucose`, customer), 400, 'not-supported', /modifiers/);
    expectOutcome(await fhir(`Observation?patient=${OWN}&date=ap2024-01-01`, customer), 400, 'not-supported', /prefix "ap"/);
    expectOutcome(await fhir(`Observation?patient=${OWN}&date=2024-13-01`, customer), 400, 'invalid', /not a valid date/);
    expectOutcome(await fhir(`Observation?patient=${OWN}&_count=1000`, customer), 400, 'invalid', /_count/);
    expectOutcome(await fhir(`Observation?patient=${OWN}&_cursor=garbage`, customer), 400, 'invalid', /_cursor/);
    expectOutcome(await fhir(`Observation?patient=${OWN}&patient=${OTHER}`, customer), 400, 'invalid', /once/);
    expectOutcome(await fhir(`Observation?patient=not-an-id`, customer), 400, 'invalid');
    expectOutcome(await fhir(`Patient/${OWN}/$everything?_type=Encounter`, customer), 400, 'invalid', /Encounter/);
  });

  it('answers 401 without a valid token, 404 for unknown ids and types, 405 for writes, 406 for other formats', async () => {
    const anonymous = await fhir(`Patient/${OWN}`);
    expectOutcome(anonymous, 401, 'login');
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expectOutcome(await fhir(`Patient/${OWN}`, { authorization: 'Bearer not.a.token' }), 401, 'login');
    expectOutcome(await fhir('Observation/lab-00000000-0000-4000-8000-000000000000', admin), 404, 'not-found');
    expectOutcome(await fhir('Observation/whatever', admin), 404, 'not-found');
    expectOutcome(await fhir('Patient/00000000-0000-4000-8000-000000000000', admin), 404, 'not-found');
    expectOutcome(await fhir('Encounter?patient=x', admin), 404, 'not-found', /Encounter/);
    expectOutcome(await fhir('Patient', admin, { method: 'POST', body: '{}' }), 405, 'not-supported');
    expectOutcome(await fhir('MedicationStatement/x', admin), 400, 'not-supported', /search/);
    const xml = await fetch(`${gatewayUrl()}/fhir/R4/metadata`, { headers: { accept: 'application/fhir+xml' } });
    expect(xml.status).toBe(406);
  });
});
