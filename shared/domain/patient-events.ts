// Domain events on a patient's timeline. The patient subgraph owns patient_events; other
// domains append their own events (a lab result arrived, a protocol started) through this
// one function, inside their own write transaction, so an event exists exactly when its
// cause does.
import type { Prisma } from '../db/database';
import type { PatientEventType } from '../../generated/prisma/client';

type Tx = Pick<Prisma, 'patientEvent'>;

export function appendPatientEvent(
  tx: Tx,
  event: { patientId: string; type: PatientEventType; title: string; source: string; detail?: Record<string, unknown>; occurredAt?: Date },
) {
  return tx.patientEvent.create({
    data: {
      profileId: event.patientId,
      type: event.type,
      title: event.title,
      source: event.source,
      detail: event.detail as never,
      occurredAt: event.occurredAt,
    },
  });
}
