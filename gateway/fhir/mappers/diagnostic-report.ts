// DiagnosticReport: one lab result, grouping its readings' observations. The uploaded file is
// named in presentedForm (the platform keeps the values read from it, not the file itself).
import type { DiagnosticReport } from '@medplum/fhirtypes';
import type { FhirLabResultFieldsFragment } from '../../../clients/sdk';
import { coding, DIAGNOSTIC_SERVICE, LAB_REPORT_CODE, LOINC, US_CORE_DIAGNOSTIC_REPORT_LAB } from '../terminology';
import { LAB_ID_PREFIX } from './lab-observation';
import { patientReference } from './patient';

const MIME_TYPES: Record<string, string> = { pdf: 'application/pdf', csv: 'text/csv', txt: 'text/plain' };

export function toDiagnosticReport(result: FhirLabResultFieldsFragment): DiagnosticReport {
  const extension = result.fileName?.split('.').pop()?.toLowerCase() ?? '';
  return {
    resourceType: 'DiagnosticReport',
    id: result.id,
    meta: { lastUpdated: result.createdAt, profile: [US_CORE_DIAGNOSTIC_REPORT_LAB] },
    status: 'final',
    category: [{ coding: [coding(DIAGNOSTIC_SERVICE, 'LAB', 'Laboratory')], text: 'Laboratory' }],
    code: { coding: [coding(LOINC, LAB_REPORT_CODE.code, LAB_REPORT_CODE.display)], text: LAB_REPORT_CODE.display },
    subject: patientReference(result.patient.id),
    effectiveDateTime: result.collectedAt,
    issued: result.reportedAt ?? result.createdAt,
    ...(result.labName ? { performer: [{ display: result.labName }] } : {}),
    ...(result.readings.length ? { result: result.readings.map((reading) => ({ reference: `Observation/${LAB_ID_PREFIX}${reading.id}` })) } : {}),
    ...(result.fileName
      ? { presentedForm: [{ contentType: MIME_TYPES[extension] ?? 'application/octet-stream', title: result.fileName }] }
      : {}),
  };
}
