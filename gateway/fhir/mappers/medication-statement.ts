// MedicationStatement: one item of a patient's protocol (a peptide, its dose, route and
// frequency), with the protocol's status, dates and goal. Ids are the item's.
import type { MedicationStatement } from '@medplum/fhirtypes';
import type { FhirProtocolsQuery } from '../../../clients/sdk';
import { coding, DOSE_UCUM, PEPTIDE_SYSTEM, UCUM } from '../terminology';
import { patientReference } from './patient';

export type ProtocolRecord = FhirProtocolsQuery['protocols'][number];
type Item = ProtocolRecord['items'][number];

const STATUS: Record<ProtocolRecord['status'], MedicationStatement['status']> = {
  ACTIVE: 'active',
  PAUSED: 'on-hold',
  COMPLETED: 'completed',
  DRAFT: 'intended',
};

function endOf(protocol: ProtocolRecord, item: Item): string | undefined {
  if (protocol.endDate) return protocol.endDate;
  if (!protocol.startDate || !item.durationWeeks) return undefined;
  const end = new Date(`${protocol.startDate}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + item.durationWeeks * 7);
  return end.toISOString().slice(0, 10);
}

export function toMedicationStatement(patientId: string, protocol: ProtocolRecord, item: Item): MedicationStatement {
  const name = item.peptide?.name ?? 'Peptide (no longer in the catalog)';
  const ucum = DOSE_UCUM[item.doseUnit];
  const end = endOf(protocol, item);
  const notes = [item.notes, protocol.notes && `Protocol "${protocol.name}": ${protocol.notes}`].filter((n): n is string => Boolean(n));
  return {
    resourceType: 'MedicationStatement',
    id: item.id,
    meta: { lastUpdated: protocol.updatedAt },
    status: STATUS[protocol.status],
    category: { coding: [coding('http://terminology.hl7.org/CodeSystem/medication-statement-category', 'community', 'Community')] },
    medicationCodeableConcept: { ...(item.peptide ? { coding: [coding(PEPTIDE_SYSTEM, item.peptide.slug, item.peptide.name)] } : {}), text: name },
    subject: patientReference(patientId),
    ...(protocol.startDate ? { effectivePeriod: { start: protocol.startDate, ...(end ? { end } : {}) } } : {}),
    dateAsserted: protocol.updatedAt,
    ...(protocol.goal ? { reasonCode: [{ text: protocol.goal }] } : {}),
    ...(notes.length ? { note: notes.map((text) => ({ text })) } : {}),
    dosage: [
      {
        sequence: item.position + 1,
        text: `${item.doseAmount} ${item.doseUnit} ${item.route}, ${item.frequency}${item.timing ? `, ${item.timing}` : ''}`,
        timing: { code: { text: item.frequency } },
        route: { text: item.route },
        doseAndRate: [{ doseQuantity: ucum ? { value: item.doseAmount, unit: item.doseUnit, system: UCUM, code: ucum } : { value: item.doseAmount, unit: item.doseUnit } }],
      },
    ],
  };
}
