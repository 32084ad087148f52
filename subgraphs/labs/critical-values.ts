// Critical values: the results a responsible clinician must hear about at once (CLIA's
// critical-value notification, 42 CFR 493.1291(g)). The list of analytes that trigger a call,
// with the source of their limits, is here; the limits themselves are the catalog's critical
// limits (per sex where the catalog has sex-specific ranges), so a reading's CRITICAL_LOW /
// CRITICAL_HIGH status and the call never disagree. Other analytes the catalog marks critical
// for display (an LDL of 400 mg/dL, a vitamin D of 9 ng/mL) need attention, not a call at once:
// they raise no alert. The table in README.md ("Critical values") is generated from this list
// and checked by a test.
import type { BiomarkerStatus } from '../../generated/prisma/client';
import { raiseCareAlert, type CareAlertRequest } from '../../shared/domain/care-alerts';
import type { JobQueue } from '../../shared/queue/jobs';
import type { RawTransaction } from '../../shared/queue/sql';
import { findBiomarker, type BiomarkerDefinition } from './catalog';

/** The references of the limits, by the short name the README table uses. */
export const CRITICAL_LIMIT_SOURCES = {
  Kost: 'Kost GJ, Table of Critical Limits (Medical Laboratory Observer, Clinical Laboratory Reference 2023-2024), from the US national surveys first published in JAMA 1990;263(5):704-7; our limits lie within the surveyed ranges',
  'Houston Methodist': 'Houston Methodist Laboratory, critical values (adult)',
} as const;
type SourceName = keyof typeof CRITICAL_LIMIT_SOURCES;

/** Analytes whose critical results are called in, and where their limits come from. */
export const CRITICAL_VALUE_CALLS: readonly { code: string; sources: SourceName[] }[] = [
  { code: 'GLUCOSE', sources: ['Houston Methodist', 'Kost'] },
  { code: 'POTASSIUM', sources: ['Kost'] },
  { code: 'SODIUM', sources: ['Kost'] },
  { code: 'CALCIUM', sources: ['Houston Methodist', 'Kost'] },
  { code: 'MAGNESIUM', sources: ['Kost'] },
  { code: 'CO2', sources: ['Kost'] },
  { code: 'CHLORIDE', sources: ['Kost'] },
  { code: 'PHOSPHORUS', sources: ['Kost'] },
  { code: 'BUN', sources: ['Kost'] },
  { code: 'CREATININE', sources: ['Kost'] },
  { code: 'BILIRUBIN_TOTAL', sources: ['Kost'] },
  { code: 'HEMOGLOBIN', sources: ['Houston Methodist', 'Kost'] },
  { code: 'HEMATOCRIT', sources: ['Kost'] },
  { code: 'PLATELETS', sources: ['Kost'] },
  { code: 'WBC', sources: ['Kost'] },
];

const sourceOf = (call: { sources: SourceName[] }) => call.sources.map((name) => CRITICAL_LIMIT_SOURCES[name]).join('; ');

const CALLED = new Map(CRITICAL_VALUE_CALLS.map((call) => [call.code, call]));

export interface CriticalLimitRow {
  code: string;
  name: string;
  sex: 'FEMALE' | 'MALE' | null;
  unit: string;
  low: number | null;
  high: number | null;
  sources: SourceName[];
  source: string;
}

/** The documented table: every called analyte's critical limits, per sex where they differ. */
export function criticalLimitsTable(): CriticalLimitRow[] {
  return CRITICAL_VALUE_CALLS.flatMap((call) => {
    const def = findBiomarker(call.code) as BiomarkerDefinition;
    return def.ranges
      .filter((range) => range.criticalLow !== undefined || range.criticalHigh !== undefined)
      .map((range) => ({ code: def.code, name: def.name, sex: range.sex ?? null, unit: def.unit, low: range.criticalLow ?? null, high: range.criticalHigh ?? null, sources: call.sources, source: sourceOf(call) }));
  });
}

/** The table as markdown (README.md's "Critical values"), its sources listed below it. */
export function criticalLimitsMarkdown(): string {
  const rows = criticalLimitsTable().map(
    (row) => `| ${row.name} | ${row.sex ?? 'all'} | ${row.low === null ? '—' : `< ${row.low}`} | ${row.high === null ? '—' : `> ${row.high}`} | ${row.unit} | ${row.sources.join('; ')} |`,
  );
  const legend = Object.entries(CRITICAL_LIMIT_SOURCES).map(([name, reference]) => `- **${name}**: ${reference}.`);
  return ['| biomarker | sex | critical low | critical high | unit | source |', '|---|---|---|---|---|---|', ...rows, '', ...legend].join('\n');
}

interface Reading {
  code: string | null;
  value: number | null;
  unit: string | null;
  status: BiomarkerStatus;
}

const CRITICAL = new Set<BiomarkerStatus>(['CRITICAL_LOW', 'CRITICAL_HIGH']);

/** The readings of a result that must be called in. */
export function criticalReadings<R extends Reading>(readings: readonly R[]): R[] {
  return readings.filter((reading) => reading.code && CALLED.has(reading.code) && CRITICAL.has(reading.status) && reading.value !== null);
}

/** Raises one CRITICAL care alert for a stored result with critical values, inside the transaction that stores it. */
export async function raiseCriticalValues(queue: JobQueue, tx: RawTransaction, result: { id: string; profileId: string; collectedAt: Date }, readings: readonly Reading[]): Promise<boolean> {
  const critical = criticalReadings(readings);
  if (!critical.length) return false;
  const described = critical.map((reading) => {
    const def = findBiomarker(reading.code!)!;
    return { code: def.code, name: def.name, value: reading.value, unit: reading.unit, status: reading.status, source: sourceOf(CALLED.get(def.code)!) };
  });
  const request: CareAlertRequest = {
    key: `labs:critical:${result.id}`,
    patientId: result.profileId,
    kind: 'CRITICAL_LAB_VALUE',
    severity: 'CRITICAL',
    title: `Critical ${described.map((reading) => `${reading.name.toLowerCase()} ${reading.value} ${reading.unit}`).join(', ')}`.slice(0, 300),
    detail: { labResultId: result.id, readings: described },
    source: { service: 'labs', type: 'lab_result', id: result.id },
    occurredAt: result.collectedAt.toISOString(),
  };
  await raiseCareAlert(queue, tx, request);
  return true;
}
