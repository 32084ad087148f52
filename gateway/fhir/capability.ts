// GET /fhir/R4/metadata: the CapabilityStatement, built from the same tables the API runs on
// (search-params.ts, the type handlers), so it says exactly what is supported.
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { FHIR_TYPES, type FhirType } from '../../shared/rbac/scopes';
import { EVERYTHING_PARAMS, EXPORT_PARAMS, SEARCH_PARAMS } from './search-params';

/** Types that also answer `read` (GET [type]/[id]); the others are searched by patient. */
export const READABLE: ReadonlySet<FhirType> = new Set(['Patient', 'Observation', 'DiagnosticReport']);

const PROFILES: Partial<Record<FhirType, string[]>> = {
  Patient: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'],
  Observation: [
    'http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab',
    'http://hl7.org/fhir/StructureDefinition/vitalsigns',
    'http://hl7.org/fhir/StructureDefinition/heartrate',
    'http://hl7.org/fhir/StructureDefinition/oxygensat',
  ],
  DiagnosticReport: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-diagnosticreport-lab'],
};

export function capabilityStatement(base: string, released: string): CapabilityStatement {
  const resource = (type: FhirType): CapabilityStatementRestResource => ({
    type,
    ...(PROFILES[type] ? { supportedProfile: PROFILES[type] } : {}),
    interaction: [...(READABLE.has(type) ? [{ code: 'read' as const }] : []), { code: 'search-type' as const }],
    searchParam: Object.entries(SEARCH_PARAMS[type])
      .filter(([name]) => name !== '_count')
      .map(([name, definition]) => ({ name, type: definition.type, documentation: definition.documentation })),
    ...(type === 'Patient'
      ? {
          operation: [
            { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything', documentation: `Parameters: ${Object.keys(EVERYTHING_PARAMS).join(', ')}.` },
            {
              name: 'export',
              definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export',
              documentation:
                `Bulk Data export of one patient's record (Patient/[id]/$export; the patient's own, or staff on their behalf): Prefer: respond-async; parameters ${Object.keys(EXPORT_PARAMS).join(', ')}. ` +
                'Poll the Content-Location ($export-status/[id]: 202 with X-Progress, then 200 with the manifest; DELETE cancels). ' +
                'The NDJSON files ($export-file/[id]) are for the requester only, with their token, and are deleted when the export expires.',
            },
          ],
        }
      : {}),
  });
  return {
    resourceType: 'CapabilityStatement',
    instantiates: ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'],
    status: 'active',
    date: released,
    publisher: 'Loop Health',
    kind: 'instance',
    software: { name: 'Loop Health supergraph FHIR API' },
    implementation: { description: 'Read-only FHIR R4 view of the Loop Health supergraph', url: base },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Read-only. Every request runs GraphQL operations with the caller\'s token (RBAC, ownership, rate limits and the audit trail apply). ' +
          'Unknown search parameters, modifiers and unsupported prefixes are refused with an OperationOutcome (strict handling). ' +
          `Searches page with _count (default 50, at most 100) and Bundle next links. _format=json and _pretty are accepted on every request.`,
        security: {
          cors: false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description:
            'Bearer tokens: people\'s session tokens, or partner tokens from POST /oauth/token (client credentials) whose scopes may be ' +
            'SMART v2 (patient/Observation.rs, user/Patient.r, system/*.rs) or matrix scopes (lab_results, profile:read).',
        },
        resource: FHIR_TYPES.map(resource),
      },
    ],
  };
}
