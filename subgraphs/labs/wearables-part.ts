// Labs' copy of the health score's wearables part (shared/domain/wearables-score.ts): the worker
// that stores the parts wearables sends, newest per patient (a part computed earlier never
// replaces a later one, however late or often its job arrives), and the rule for using one: a
// part whose data has left today's 14-day window is no wearable data.
import type { Prisma } from '../../shared/db/database';
import type { Logger } from '../../shared/logger';
import type { JobQueue } from '../../shared/queue/jobs';
import {
  ensureWearablesScorePartQueue,
  scoreWindowStart,
  WEARABLES_SCORE_PART_QUEUE,
  type WearablesScorePartMessage,
  type WearablesScorePartsJob,
} from '../../shared/domain/wearables-score';
import type { WearablesPart } from './health-score';
import { labsData } from './data';

/** How often an idle labs worker looks for parts sent by a wearables process elsewhere (its own process wakes it). */
const POLLING_INTERVAL_SECONDS = 2;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stored part, as the health score reads it. */
export interface StoredWearablesPart {
  profileId: string;
  score: number | null;
  components: WearablesPart['components'];
  /** YYYY-MM-DD, or null without data. */
  lastDay: string | null;
}

/**
 * Stores the parts, one statement: per patient the newest of the batch, and only over an older
 * stored one. Parts naming no patient id are dropped (the sender's bug). Returns the rows written.
 */
export async function storeWearablesParts(client: Prisma, parts: readonly WearablesScorePartMessage[], log?: Logger): Promise<number> {
  const usable = parts.filter((part) => UUID.test(part.patientId) && !Number.isNaN(Date.parse(part.computedAt)));
  if (usable.length < parts.length) log?.error({ dropped: parts.length - usable.length }, 'wearables score parts without a patient id or a time were dropped');
  if (usable.length === 0) return 0;
  const rows = usable.map((part) => ({
    patient_id: part.patientId.toLowerCase(),
    score: part.score,
    components: part.components,
    window_start: part.windowStart,
    last_day: part.lastDay,
    computed_at: part.computedAt,
  }));
  return labsData(client).$executeRaw`
    INSERT INTO "patient_graph"."lab_wearables_score_parts" AS p (profile_id, score, components, window_start, last_day, computed_at)
    SELECT DISTINCT ON (r.patient_id) r.patient_id::uuid, r.score, r.components, r.window_start::date, r.last_day::date, r.computed_at::timestamptz
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS r(patient_id text, score int, components jsonb, window_start text, last_day text, computed_at text)
     ORDER BY r.patient_id, r.computed_at::timestamptz DESC
    ON CONFLICT (profile_id) DO UPDATE
       SET score = EXCLUDED.score, components = EXCLUDED.components, window_start = EXCLUDED.window_start,
           last_day = EXCLUDED.last_day, computed_at = EXCLUDED.computed_at, received_at = now()
     WHERE p.computed_at < EXCLUDED.computed_at`;
}

/** For labs' start: the queue (wearables may send before labs runs: the jobs wait) and its worker. */
export async function startWearablesPartWorker(queue: JobQueue, prisma: Prisma, log: Logger): Promise<void> {
  await ensureWearablesScorePartQueue(queue);
  await queue.work<WearablesScorePartsJob>(WEARABLES_SCORE_PART_QUEUE, { pollingIntervalSeconds: POLLING_INTERVAL_SECONDS }, async (job) => {
    await storeWearablesParts(prisma, job.data.parts ?? [], log);
  });
}

/** The part the health score uses at `now`: null without one, without data, or when its data has left the window. */
export function currentPart(stored: StoredWearablesPart | null, now: Date): WearablesPart | null {
  if (!stored || stored.score === null || !stored.lastDay || stored.components.length === 0) return null;
  if (Date.parse(`${stored.lastDay}T00:00:00.000Z`) < scoreWindowStart(now).getTime()) return null;
  return { score: stored.score, components: stored.components };
}
