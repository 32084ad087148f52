// What happens after a lab result is committed, outside its transaction.
import type { LabResult } from '../../generated/prisma/client';
import { topics, type PubSub } from '../../shared/pubsub';

export interface StoredLabResult {
  result: LabResult;
  readings: number;
  /** The labs part of the health score of this result alone (health-score.ts), null when nothing scored. */
  labsScore: number | null;
}

/**
 * The one call site for `labResultAdded`, for every path that stores a result (upload,
 * structured entry). Called after the commit, so subscribers never see a result that was
 * rolled back; a duplicate upload (the existing result returned) does not call it.
 */
export async function onLabResultStored(pubsub: PubSub, stored: StoredLabResult): Promise<void> {
  await pubsub.publish(topics.labResultAdded(stored.result.profileId), stored.result);
}
