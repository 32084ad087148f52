// Observation (laboratory) from one lab reading: LOINC and our catalog code, the value in its
// UCUM unit, the interpretation (H/L/N, LL/HH for critical values), and the reference range
// the patient was classified with (by sex and age where the catalog's range is), beside the
// optimal band as a "recommended" range. A test outside the catalog keeps its printed name
// and value. Ids are `lab-<reading id>`.
import type { Observation, ObservationReferenceRange } from '@medplum/fhirtypes';
import type { FhirReadingFieldsFragment } from '../../../clients/sdk';
import {
  BIOMARKER_SYSTEM,
  category,
  coding,
  GENDER,
  INTERPRETATION,
  INTERPRETATIONS,
  labLoinc,
  LOINC,
  REFERENCE_RANGE_MEANING,
  UCUM,
  US_CORE_LAB,
} from '../terminology';
import { patientReference } from './patient';
import { quantity } from './quantity';

export const LAB_ID_PREFIX = 'lab-';

function referenceRanges(reading: FhirReadingFieldsFragment): ObservationReferenceRange[] | undefined {
  const range = reading.referenceRange;
  const limit = (value: number | null) => (value === null ? undefined : quantity(value, reading.unit, reading.ucumUnit));
  const appliesTo = range?.sex ? [{ coding: [coding(GENDER, range.sex.toLowerCase())], text: range.sex === 'MALE' ? 'Male' : 'Female' }] : undefined;
  const age =
    range && (range.minAge !== null || range.maxAge !== null)
      ? {
          ...(range.minAge !== null ? { low: { value: range.minAge, unit: 'years', system: UCUM, code: 'a' } } : {}),
          ...(range.maxAge !== null ? { high: { value: range.maxAge, unit: 'years', system: UCUM, code: 'a' } } : {}),
        }
      : undefined;
  const ranges: ObservationReferenceRange[] = [];
  if (range && (range.low !== null || range.high !== null)) {
    ranges.push({ low: limit(range.low), high: limit(range.high), type: { coding: [coding(REFERENCE_RANGE_MEANING, 'normal', 'Normal Range')] }, appliesTo, age });
  }
  if (range && (range.optimalLow !== null || range.optimalHigh !== null)) {
    ranges.push({
      low: limit(range.optimalLow),
      high: limit(range.optimalHigh),
      type: { coding: [coding(REFERENCE_RANGE_MEANING, 'recommended', 'Recommended Range')], text: 'Optimal' },
      appliesTo,
      age,
    });
  }
  if (!ranges.length && reading.printedRange) ranges.push({ text: reading.printedRange });
  return ranges.length ? ranges : undefined;
}

export function toLabObservation(reading: FhirReadingFieldsFragment): Observation {
  const loinc = labLoinc(reading.biomarker?.loinc);
  const codings = [
    ...(loinc ? [coding(LOINC, loinc, reading.biomarker!.name)] : []),
    ...(reading.biomarker ? [coding(BIOMARKER_SYSTEM, reading.biomarker.code, reading.biomarker.name)] : []),
  ];
  const interpretation = INTERPRETATIONS[reading.status];
  const value: Partial<Observation> =
    reading.value !== null
      ? { valueQuantity: quantity(reading.value, reading.unit, reading.ucumUnit) }
      : reading.rawValue.trim()
        ? { valueString: reading.rawValue }
        : { dataAbsentReason: { coding: [coding('http://terminology.hl7.org/CodeSystem/data-absent-reason', 'unknown', 'Unknown')] } };
  return {
    resourceType: 'Observation',
    id: `${LAB_ID_PREFIX}${reading.id}`,
    meta: { lastUpdated: reading.lastUpdated, profile: [US_CORE_LAB] },
    status: 'final',
    category: [category('laboratory')],
    code: codings.length ? { coding: codings, text: reading.name } : { text: reading.name },
    subject: patientReference(reading.labResult.patient.id),
    effectiveDateTime: reading.labResult.collectedAt,
    issued: reading.labResult.reportedAt ?? reading.lastUpdated,
    ...value,
    ...(interpretation ? { interpretation: [{ coding: [coding(INTERPRETATION, interpretation.code, interpretation.display)], text: interpretation.display }] } : {}),
    ...(reading.conversionNote ? { note: [{ text: reading.conversionNote }] } : {}),
    referenceRange: referenceRanges(reading),
  };
}
