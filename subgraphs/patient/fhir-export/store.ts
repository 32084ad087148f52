// The fhir_exports and fhir_export_files tables and the export's jobs: a kick-off stores the
// export and queues its run in one transaction (the job exists exactly when the export does);
// a run claims the export with a new attempt number, and every later write of that run is
// fenced on it (compare-and-set), so a run the queue has given up on, or an export cancelled
// meanwhile, writes nothing more; a finished export is deleted, with its files, when it expires.
import { GraphQLError } from 'graphql';
import type PgBoss from 'pg-boss';
import type { FhirExport } from '../../../generated/prisma/client';
import type { Config } from '../../../shared/config';
import type { Prisma } from '../../../shared/db/database';
import { ErrorCode } from '../../../shared/graphql/errors';
import type { JobQueue } from '../../../shared/queue/jobs';
import { transactionDb, type RawTransaction } from '../../../shared/queue/sql';
import { withTraceContext } from '../../../shared/observability/job-tracing';

export type FhirExportConfig = Config['fhirExport'];

/** Runs of exports; a run's job id is its export's id. */
export const RUN_QUEUE = 'fhir-export-run';
/** Runs whose every attempt failed (pg-boss's dead letter): their exports become FAILED. */
export const FAILED_QUEUE = 'fhir-export-failed';
/** Deletes expired exports with their files. */
export const PURGE_QUEUE = 'fhir-export-purge';

export interface RunJob {
  exportId: string;
}

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0] & RawTransaction;

export async function ensureExportQueues(queue: JobQueue, config: FhirExportConfig): Promise<void> {
  // The dead-letter queue first: the run queue names it.
  await queue.ensureQueue(FAILED_QUEUE, { policy: 'standard', retryLimit: 5, retryDelay: 10, retryBackoff: true });
  await queue.ensureQueue(RUN_QUEUE, {
    policy: 'standard',
    retryLimit: config.retryLimit,
    retryDelay: config.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: config.jobTimeoutSeconds,
    deadLetter: FAILED_QUEUE,
  });
  await queue.ensureQueue(PURGE_QUEUE, { policy: 'standard', retryLimit: 5, retryDelay: 60, retryBackoff: true });
}

/** The longest an export can stay unfinished: every attempt at its longest, and the waits between them (backoff doubles). */
export function longestRunSeconds(config: FhirExportConfig): number {
  const attempts = config.retryLimit + 1;
  return attempts * config.jobTimeoutSeconds + config.retryDelaySeconds * (2 ** attempts - 1);
}

async function schedulePurge(queue: JobQueue, tx: Tx, at: Date): Promise<void> {
  await queue.boss.send(PURGE_QUEUE, {}, { startAfter: at, db: transactionDb(tx) } as PgBoss.SendOptions);
}

export interface ExportRequest {
  patientId: string;
  requestedBy: string;
  requestedRole: string;
  request: string;
  types: string[];
  since: Date | null;
}

function tooManyExports(max: number, config: FhirExportConfig): GraphQLError {
  return new GraphQLError(`The patient already has ${max} export${max === 1 ? '' : 's'} queued or running: wait for one to finish`, {
    extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: Math.min(60, config.retryDelaySeconds) },
  });
}

/**
 * Stores the export and queues its run. The patient's exports are counted under a lock on the
 * patient, so two kick-offs at once cannot both pass the limit. Call `exportQueued` after.
 */
export async function createExport(prisma: Prisma, queue: JobQueue, config: FhirExportConfig, request: ExportRequest): Promise<FhirExport> {
  const now = new Date();
  // Deleted then at the latest, finished or not (an export the queue lost track of); a finished one sooner.
  const expiresAt = new Date(now.getTime() + (longestRunSeconds(config) + config.retentionSeconds) * 1000);
  return prisma.$transaction(async (tx) => {
    // (The lock's own result is void, which no driver maps: select a constant beside it.)
    await tx.$queryRawUnsafe('SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS lock', `fhir-export:${request.patientId}`);
    const active = await tx.fhirExport.count({ where: { profileId: request.patientId, status: { in: ['QUEUED', 'RUNNING'] } } });
    if (active >= config.maxActivePerPatient) throw tooManyExports(config.maxActivePerPatient, config);
    const created = await tx.fhirExport.create({
      data: {
        profileId: request.patientId,
        requestedBy: request.requestedBy,
        requestedRole: request.requestedRole,
        request: request.request,
        types: request.types,
        since: request.since,
        requestedAt: now,
        expiresAt,
      },
    });
    await queue.boss.send(RUN_QUEUE, withTraceContext({ exportId: created.id } satisfies RunJob), { id: created.id, db: transactionDb(tx as Tx) } as PgBoss.SendOptions);
    await schedulePurge(queue, tx as Tx, expiresAt);
    return created;
  });
}

/** After the kick-off commits: this process's workers start at once (others poll). */
export const exportQueued = (queue: JobQueue) => queue.wake(RUN_QUEUE);

/** Deletes the export and its files (a run still going stops at its next write). True when it was there. */
export async function deleteExport(prisma: Prisma, queue: JobQueue, id: string): Promise<boolean> {
  const { count } = await prisma.fhirExport.deleteMany({ where: { id } });
  // A run not yet started is not started at all.
  if (count) await queue.boss.cancel(RUN_QUEUE, id).catch(() => undefined);
  return count > 0;
}

/** A run's hold on its export: the attempt it claimed; every write of the run checks it still holds. */
export interface RunClaim {
  export: FhirExport;
  attempt: number;
}

/** The export, RUNNING under a new attempt; null when there is nothing to run (finished, cancelled, expired). */
export async function claimRun(prisma: Prisma, id: string): Promise<RunClaim | null> {
  const [claimed] = await prisma.fhirExport.updateManyAndReturn({
    where: { id, status: { in: ['QUEUED', 'RUNNING'] }, expiresAt: { gt: new Date() } },
    data: { status: 'RUNNING', attempts: { increment: 1 }, startedAt: new Date(), resourcesExported: 0, error: null },
  });
  if (!claimed) return null;
  // Files an earlier attempt left behind: this run writes them again.
  await prisma.fhirExportFile.deleteMany({ where: { exportId: id } });
  return { export: claimed, attempt: claimed.attempts };
}

/** The run's export, as long as this run still holds it. */
const held = (claim: RunClaim) => ({ id: claim.export.id, attempts: claim.attempt, status: 'RUNNING' as const });

export class RunSuperseded extends Error {
  constructor() {
    super('the export was cancelled, expired or taken over by another run');
  }
}

export interface ExportFileData {
  position: number;
  type: string;
  count: number;
  ndjson: string;
}

/** Stores one file and the run's progress; throws RunSuperseded when the run no longer holds the export. */
export async function storeFile(prisma: Prisma, claim: RunClaim, file: ExportFileData, resourcesExported: number): Promise<void> {
  await prisma.$transaction(async (tx) => {
    // The row is locked from here to commit: a cancel waits for the file, then deletes it too.
    const { count } = await tx.fhirExport.updateMany({ where: held(claim), data: { resourcesExported } });
    if (!count) throw new RunSuperseded();
    await tx.fhirExportFile.create({ data: { exportId: claim.export.id, ...file, sizeBytes: Buffer.byteLength(file.ndjson) } });
  });
}

/** Progress between files; false when the run no longer holds the export (stop). */
export async function noteProgress(prisma: Prisma, claim: RunClaim, resourcesExported: number): Promise<boolean> {
  const { count } = await prisma.fhirExport.updateMany({ where: held(claim), data: { resourcesExported } });
  return count > 0;
}

/** COMPLETED: its files may be downloaded until it expires, FHIR_EXPORT_RETENTION_SECONDS from now. */
export async function completeRun(prisma: Prisma, queue: JobQueue, config: FhirExportConfig, claim: RunClaim, resourcesExported: number): Promise<boolean> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + config.retentionSeconds * 1000);
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.fhirExport.updateMany({ where: held(claim), data: { status: 'COMPLETED', resourcesExported, finishedAt: now, expiresAt } });
    if (count) await schedulePurge(queue, tx as Tx, expiresAt);
    return count > 0;
  });
}

/** A failed run the queue will retry: the export waits again, saying why. */
export async function noteRetry(prisma: Prisma, claim: RunClaim, error: string): Promise<void> {
  await prisma.fhirExport.updateMany({ where: held(claim), data: { status: 'QUEUED', error } });
}

/** FAILED (a run that cannot succeed, or the queue's last retry failed): kept, with why, until it expires; its partial files go. */
export async function failExport(prisma: Prisma, queue: JobQueue, config: FhirExportConfig, id: string, error: string): Promise<boolean> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + config.retentionSeconds * 1000);
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.fhirExport.updateMany({ where: { id, status: { in: ['QUEUED', 'RUNNING'] } }, data: { status: 'FAILED', error, finishedAt: now, expiresAt } });
    if (!count) return false;
    await tx.fhirExportFile.deleteMany({ where: { exportId: id } });
    await schedulePurge(queue, tx as Tx, expiresAt);
    return true;
  });
}

/** Deletes every export past its expiry, with its files. Returns how many. */
export async function purgeExpired(prisma: Prisma, now = new Date()): Promise<number> {
  return (await prisma.fhirExport.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}
