// The events a stored lab result causes, emitted inside the transaction that stores it (through
// the outbox: shared/outbox), so they exist exactly when the result does.
import type { LabResult } from '../../generated/prisma/client';
import type { Emit } from '../../shared/outbox';
import { topics } from '../../shared/pubsub';

export interface StoredLabResult {
  result: LabResult;
  readings: number;
  /** The labs part of the health score of this result alone (health-score.ts), null when nothing scored. */
  labsScore: number | null;
}

/**
 * The one call site for `labResultAdded`, for every path that stores a result (upload,
 * structured entry). Called inside the storing transaction: the relay publishes after the
 * commit, so subscribers never see a result that was rolled back; a duplicate upload (the
 * existing result returned) does not call it.
 */
export function emitLabResultStored(emit: Emit, stored: StoredLabResult): void {
  emit(topics.labResultAdded(stored.result.profileId), stored.result);
}
