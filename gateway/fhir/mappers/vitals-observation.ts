// Observation (vital-signs, and activity where it is one) from one wearable daily stat: the
// day's average as the value, its minimum, maximum and reading count as components (HL7's
// observation-statistics codes), the day as the effective date. LOINC where LOINC has the
// measurement (terminology.ts says which); the core R4 heart-rate and oxygen-saturation
// profiles where they apply. Ids are `wearable-<stat id>`.
import type { Observation } from '@medplum/fhirtypes';
import type { FhirDailyStatFieldsFragment } from '../../../clients/sdk';
import { category, coding, FHIR_VITAL_SIGNS, LOINC, METRICS, STATISTICS, WEARABLE_METRIC_SYSTEM } from '../terminology';
import { patientReference } from './patient';
import { quantity } from './quantity';

export const WEARABLE_ID_PREFIX = 'wearable-';

export function toVitalsObservation(stat: FhirDailyStatFieldsFragment): Observation {
  const metric = METRICS[stat.metric];
  const value = (n: number) => quantity(n, stat.unit, metric.ucum);
  const statistic = (code: string, display: string) => ({ coding: [coding(STATISTICS, code, display)], text: display });
  return {
    resourceType: 'Observation',
    id: `${WEARABLE_ID_PREFIX}${stat.id}`,
    meta: { lastUpdated: stat.updatedAt, profile: [FHIR_VITAL_SIGNS, ...(metric.profile ? [metric.profile] : [])] },
    status: 'final',
    category: [category('vital-signs'), ...metric.extraCategories.map(category)],
    code: {
      coding: [...metric.loinc.map((l) => coding(LOINC, l.code, l.display)), coding(WEARABLE_METRIC_SYSTEM, stat.metric, metric.display)],
      text: metric.display,
    },
    subject: patientReference(stat.patient.id),
    // The day (to the day: the patient's calendar day, as the wearables subgraph cut it).
    effectiveDateTime: stat.day,
    valueQuantity: value(stat.avg),
    component: [
      { code: statistic('minimum', 'Minimum'), valueQuantity: value(stat.min) },
      { code: statistic('maximum', 'Maximum'), valueQuantity: value(stat.max) },
      { code: statistic('count', 'Count'), valueInteger: stat.count },
    ],
    note: [{ text: `Daily average of ${stat.count} wearable reading${stat.count === 1 ? '' : 's'}` }],
  };
}
