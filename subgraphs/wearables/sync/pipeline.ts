// Syncing one connection, the same for every vendor: pull each resource since the cursor
// (page by page, rate-limited, retried on 429 and 5xx), save every raw page, format the pages
// into standard readings, store them through the one write path (idempotent: a reading's
// vendor id is unique, so a re-run writes nothing twice; daily stats recomputed; one
// wearableReadingAdded event per new reading), then move the cursor. The connection's sync
// status says how it went; a failure is recorded on that connection only.
import type { WearableConnection } from '../../../generated/prisma/client';
import type { Prisma } from '../../../shared/db/database';
import { patientFactsLoader, type PatientFactsSource } from '../../../shared/domain/patient-facts';
import type { Logger } from '../../../shared/logger';
import type { PubSub } from '../../../shared/pubsub';
import type { JobQueue } from '../../../shared/queue/jobs';
import type { WearablesConfig } from '../config';
import { safeTimeZone } from '../daily-stats';
import { readingProblem } from '../metrics';
import { VendorError } from '../providers/http';
import type { StandardReading } from '../providers/types';
import { recordReadings } from '../readings';
import { TokenKeyError, type TokenKeyring } from '../tokens/keyring';
import { connectionTokens } from './credentials';
import { parseCursor, serializeCursor, windowFor } from './cursor';
import { vendorApi, vendorClient } from './vendor-client';
import type { VendorPacing } from './vendor-pacing';

/** Readings stored per transaction (and per burst of events). */
const STORE_BATCH = 1000;
/** A vendor that keeps answering "next page" forever is a bug, not data. */
const MAX_PAGES_PER_RESOURCE = 1000;
const FUTURE_SKEW_MS = 5 * 60_000;

export interface SyncDeps {
  prisma: Prisma;
  /** The patient's time zone, from the patient subgraph's reader (shared/domain/patient-facts.ts). */
  patientFacts: PatientFactsSource;
  pubsub: PubSub;
  /** Where sustained anomalies in the stored readings are raised as care alerts (the process's job queue). */
  jobQueue: JobQueue;
  config: WearablesConfig;
  keyring: TokenKeyring;
  /** The vendors' rate limits, shared with every other process that calls them (vendor-pacing.ts). */
  pacing: VendorPacing;
  log: Logger;
  now?: () => Date;
}

export type SyncOutcome =
  | { status: 'succeeded'; fetched: number; inserted: number; rejected: number }
  | { status: 'failed'; error: string; retryable: boolean }
  | { status: 'skipped'; reason: string };

/** Thrown by the job handler so the queue retries later; the connection already shows the error. */
export class RetryableSyncError extends Error {}

/** The job takes the connection's sync status over as it starts. */
async function markRunning(prisma: Prisma, connectionId: string, jobId: string, at: Date): Promise<void> {
  await prisma.wearableConnection.update({ where: { id: connectionId }, data: { syncStatus: 'RUNNING', syncJobId: jobId, syncStartedAt: at } });
}

/** Its outcome is the status only while no newer request is waiting (that one keeps QUEUED). */
async function markFinished(prisma: Prisma, connectionId: string, jobId: string, status: 'SUCCEEDED' | 'FAILED', at: Date): Promise<void> {
  await prisma.wearableConnection.updateMany({ where: { id: connectionId, syncJobId: jobId }, data: { syncStatus: status, syncFinishedAt: at } });
}

function describe(error: unknown): { message: string; retryable: boolean } {
  if (error instanceof VendorError) return { message: error.message, retryable: error.retryable };
  // Tokens that no configured key opens need the patient to connect again; retrying cannot help.
  if (error instanceof TokenKeyError) return { message: `${error.message}; connect the device again`, retryable: false };
  return { message: 'internal error while syncing (see the service log)', retryable: true };
}

async function pull(deps: SyncDeps, connection: WearableConnection, timeZone: string, now: Date) {
  const vendor = vendorClient(deps.config, deps.pacing, connection.provider);
  const api = vendorApi(vendor, connectionTokens(deps.prisma, deps.keyring, vendor, connection, deps.now));
  const cursor = parseCursor(connection.syncCursor);
  const readings: StandardReading[] = [];
  for (const resource of vendor.plugin.resources) {
    const window = windowFor(cursor, resource, now, deps.config.initialSyncDays);
    if (window.start.getTime() >= window.end.getTime()) continue;
    let pageToken: string | null = null;
    let pages = 0;
    do {
      const page = await resource.fetchPage(api, window, pageToken);
      await deps.prisma.wearableRawPayload.create({
        data: {
          connectionId: connection.id,
          profileId: connection.profileId,
          provider: connection.provider,
          resource: resource.name,
          request: page.request,
          payload: page.body as never,
        },
      });
      readings.push(...resource.format(page.body, { provider: connection.provider, connectionId: connection.id, timeZone, now }));
      pageToken = page.next;
      if (++pages >= MAX_PAGES_PER_RESOURCE) throw new VendorError(`${vendor.plugin.label} ${resource.name}: more than ${MAX_PAGES_PER_RESOURCE} pages`, 'server', null);
    } while (pageToken);
    cursor.resources[resource.name] = now.toISOString();
  }
  return { readings, cursor };
}

/** Runs one sync of one connection for queue job `jobId`. */
export async function syncConnection(deps: SyncDeps, connectionId: string, jobId: string): Promise<SyncOutcome> {
  const now = deps.now?.() ?? new Date();
  const connection = await deps.prisma.wearableConnection.findUnique({ where: { id: connectionId } });
  if (!connection || connection.status === 'DISCONNECTED') return { status: 'skipped', reason: 'disconnected' };
  await markRunning(deps.prisma, connectionId, jobId, now);
  const log = deps.log.child({ connectionId, provider: connection.provider, jobId });
  try {
    const facts = await patientFactsLoader(deps.patientFacts).load(connection.profileId);
    const timeZone = safeTimeZone(facts?.timezone);
    const { readings, cursor } = await pull(deps, connection, timeZone, now);
    // A vendor value outside the metric's plausible range is left out, not allowed to fail the sync.
    const valid = readings.filter((r) => !readingProblem(r.metric, r.value, r.unit) && r.recordedAt.getTime() <= now.getTime() + FUTURE_SKEW_MS);
    if (valid.length < readings.length) log.warn({ rejected: readings.length - valid.length }, 'left out implausible vendor values');
    let inserted = 0;
    for (let i = 0; i < valid.length; i += STORE_BATCH) {
      inserted += (await recordReadings(deps.prisma, deps.jobQueue, connection.profileId, timeZone, valid.slice(i, i + STORE_BATCH), deps.now?.())).inserted;
    }
    const finished = deps.now?.() ?? new Date();
    // The cursor moves only now that everything it covers is stored; a disconnect meanwhile stands.
    await deps.prisma.wearableConnection.updateMany({
      where: { id: connectionId, status: { not: 'DISCONNECTED' } },
      data: { syncCursor: serializeCursor(cursor), lastSyncedAt: finished, lastError: null, status: 'CONNECTED', syncReadingsAdded: inserted },
    });
    await markFinished(deps.prisma, connectionId, jobId, 'SUCCEEDED', finished);
    log.info({ fetched: readings.length, inserted }, 'wearable sync succeeded');
    return { status: 'succeeded', fetched: readings.length, inserted, rejected: readings.length - valid.length };
  } catch (error) {
    const { message, retryable } = describe(error);
    if (!(error instanceof VendorError) && !(error instanceof TokenKeyError)) log.error({ err: error }, 'wearable sync failed');
    else log.warn({ err: message, retryable }, 'wearable sync failed');
    const finished = deps.now?.() ?? new Date();
    await deps.prisma.wearableConnection.updateMany({
      where: { id: connectionId, status: { not: 'DISCONNECTED' } },
      data: { lastError: message, status: 'ERROR' },
    });
    await markFinished(deps.prisma, connectionId, jobId, 'FAILED', finished);
    return { status: 'failed', error: message, retryable };
  }
}
