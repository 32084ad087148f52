// The code systems the FHIR API speaks and how our values map onto them: LOINC and UCUM,
// HL7's observation categories and interpretations, and our own systems (a stable URI under
// the company's domain; it need not resolve) for what has no standard code.
import type { CodeableConcept, Coding } from '@medplum/fhirtypes';

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
export const REFERENCE_RANGE_MEANING = 'http://terminology.hl7.org/CodeSystem/referencerange-meaning';
export const STATISTICS = 'http://terminology.hl7.org/CodeSystem/observation-statistics';
export const GENDER = 'http://hl7.org/fhir/administrative-gender';
export const DIAGNOSTIC_SERVICE = 'http://terminology.hl7.org/CodeSystem/v2-0074';

const OURS = 'https://fhir.loophealth.com';
/** Our patient ids, as Patient.identifier. */
export const PATIENT_ID_SYSTEM = `${OURS}/sid/patient-id`;
/** The biomarker catalog's canonical codes (GLUCOSE, LDL_C…). */
export const BIOMARKER_SYSTEM = `${OURS}/CodeSystem/biomarker`;
/** The wearables' standard metrics (RESTING_HR, STEPS…). */
export const WEARABLE_METRIC_SYSTEM = `${OURS}/CodeSystem/wearable-metric`;
/** Peptides of the content catalog, by slug. */
export const PEPTIDE_SYSTEM = `${OURS}/CodeSystem/peptide`;

export const US_CORE_PATIENT = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient';
export const US_CORE_LAB = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab';
export const US_CORE_DIAGNOSTIC_REPORT_LAB = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-diagnosticreport-lab';
export const FHIR_VITAL_SIGNS = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';

export type ObservationCategory = 'laboratory' | 'vital-signs' | 'activity';
const CATEGORY_DISPLAY: Record<ObservationCategory, string> = { laboratory: 'Laboratory', 'vital-signs': 'Vital Signs', activity: 'Activity' };

export const category = (code: ObservationCategory): CodeableConcept => ({
  coding: [{ system: OBSERVATION_CATEGORY, code, display: CATEGORY_DISPLAY[code] }],
  text: CATEGORY_DISPLAY[code],
});

export const coding = (system: string, code: string, display?: string): Coding => (display ? { system, code, display } : { system, code });

/** A biomarker status as an HL7 interpretation (critical values are LL / HH); UNKNOWN has none. */
export const INTERPRETATIONS: Record<string, { code: string; display: string }> = {
  CRITICAL_LOW: { code: 'LL', display: 'Critical low' },
  LOW: { code: 'L', display: 'Low' },
  NORMAL: { code: 'N', display: 'Normal' },
  OPTIMAL: { code: 'N', display: 'Normal' },
  HIGH: { code: 'H', display: 'High' },
  CRITICAL_HIGH: { code: 'HH', display: 'Critical high' },
};

export interface MetricCoding {
  display: string;
  /** LOINC codes for the day's value, most specific first; none where LOINC has no code. */
  loinc: { code: string; display: string }[];
  /** The metric's unit as UCUM. */
  ucum: string;
  /** Categories beside vital-signs (every wearable daily stat is in vital-signs). */
  extraCategories: ObservationCategory[];
  /** The core R4 profile the observation conforms to, when there is one. */
  profile?: string;
}

/**
 * Each wearable metric's day as an observation. LOINC codes only where LOINC defines the
 * measurement: HRV as RMSSD, vendor scores (sleep, recovery, readiness) and WHOOP strain have
 * none, so they carry our own code alone.
 */
export const METRICS: Record<string, MetricCoding> = {
  RESTING_HR: {
    display: 'Resting heart rate',
    loinc: [
      { code: '40443-4', display: 'Heart rate --resting' },
      { code: '8867-4', display: 'Heart rate' },
    ],
    ucum: '/min',
    extraCategories: [],
    profile: 'http://hl7.org/fhir/StructureDefinition/heartrate',
  },
  HRV_RMSSD: { display: 'Heart rate variability (RMSSD)', loinc: [], ucum: 'ms', extraCategories: [] },
  SPO2: {
    display: 'Oxygen saturation',
    loinc: [
      { code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' },
      { code: '2708-6', display: 'Oxygen saturation in Arterial blood' },
    ],
    ucum: '%',
    extraCategories: [],
    profile: 'http://hl7.org/fhir/StructureDefinition/oxygensat',
  },
  GLUCOSE: {
    display: 'Average glucose (CGM)',
    loinc: [{ code: '97507-8', display: 'Average glucose [Mass/volume] in Interstitial fluid during Reporting Period' }],
    ucum: 'mg/dL',
    extraCategories: [],
  },
  STEPS: { display: 'Steps', loinc: [{ code: '41950-7', display: 'Number of steps in 24 hour Measured' }], ucum: '{steps}', extraCategories: ['activity'] },
  SLEEP_DURATION: { display: 'Sleep duration', loinc: [{ code: '93832-4', display: 'Sleep duration' }], ucum: 'min', extraCategories: ['activity'] },
  SLEEP_SCORE: { display: 'Sleep score', loinc: [], ucum: '{score}', extraCategories: ['activity'] },
  RECOVERY_SCORE: { display: 'Recovery score', loinc: [], ucum: '{score}', extraCategories: ['activity'] },
  READINESS_SCORE: { display: 'Readiness score', loinc: [], ucum: '{score}', extraCategories: ['activity'] },
  STRAIN: { display: 'Day strain (WHOOP)', loinc: [], ucum: '{strain}', extraCategories: ['activity'] },
};

/** The LOINC code of a laboratory test's canonical unit: the catalog lists it first. */
export const labLoinc = (loinc: readonly string[] | null | undefined) => loinc?.[0];

/** A DiagnosticReport's code: every report we hold is a laboratory report. */
export const LAB_REPORT_CODE = { code: '11502-2', display: 'Laboratory report' };

/** UCUM for the dose units protocols use; others stay unit text only. */
export const DOSE_UCUM: Record<string, string> = { mcg: 'ug', mg: 'mg', IU: '[IU]', mL: 'mL', units: '{units}' };
