// uploadLabReport: check the file, return the patient's existing result for the same file
// (content hash), else extract → readings → one transaction (the result, its readings and
// the timeline event, the labResultAdded event into the outbox). A refusal at any step stores nothing.
import { createHash } from 'node:crypto';
import type { LabResult } from '../../../generated/prisma/client';
import { ageOn } from '../../../shared/domain/patient-facts';
import { careAlertsRaised } from '../../../shared/domain/care-alerts';
import { appendPatientEvent } from '../../../shared/domain/patient-events';
import { notFound, parseId } from '../../../shared/graphql/errors';
import type { SubgraphContext } from '../../../shared/server/context';
import { raiseCriticalValues } from '../critical-values';
import { emitLabResultStored } from '../events';
import { transactionWithEvents } from '../../../shared/outbox';
import { extractReport } from '../extract';
import { labsScore } from '../health-score';
import type { LabsLoaders } from '../loaders';
import type { LabsServices } from '../services';
import { toReadings } from '../readings';
import { printedDateToInstant } from './dates';
import { uploadRefused } from './errors';
import { readUploadedFile, type LabReportFileInput } from './file';
import { MAX_READINGS, uploadLimits } from './limits';
import { labsData } from '../data';

type Ctx = SubgraphContext<LabsLoaders, LabsServices>;

/** A printed collection date this far ahead is a misread, not a lab result. */
const FUTURE_TOLERANCE_MS = 24 * 3600_000;

const OUT_OF_RANGE = new Set(['LOW', 'HIGH', 'CRITICAL_LOW', 'CRITICAL_HIGH']);

export async function uploadLabReport(ctx: Ctx, args: { patientId: string; file: LabReportFileInput }): Promise<LabResult> {
  const patientId = parseId('patientId', args.patientId);
  await ctx.services.uploadLimit(ctx.caller);
  const limits = uploadLimits();
  const file = readUploadedFile(args.file, limits.maxBytes);
  const facts = await ctx.loaders.patientFacts.load(patientId);
  if (!facts) throw notFound('Patient', patientId);

  const contentHash = createHash('sha256').update(file.bytes).digest('hex');
  const existing = () => labsData(ctx.prisma).labResult.findFirst({ where: { profileId: patientId, contentHash } });
  const previous = await existing();
  if (previous) return previous;

  const report = await extractReport(file, { maxPages: limits.maxPages, timeoutMs: limits.timeoutMs, pdf: ctx.services.pdf, ai: ctx.services.ai, log: ctx.log });
  if (report.rows.length > MAX_READINGS) throw uploadRefused('TOO_MANY_RESULTS', `holds ${report.rows.length} results; a report may hold at most ${MAX_READINGS}`);
  const collectedAt = report.collectedAt ? printedDateToInstant(report.collectedAt, facts.timezone) : new Date();
  if (collectedAt.getTime() > Date.now() + FUTURE_TOLERANCE_MS) {
    throw uploadRefused('BAD_DATE', `the collection date ${collectedAt.toISOString().slice(0, 10)} is in the future`);
  }
  const readings = toReadings(report.rows, facts.sex, ageOn(facts.dateOfBirth, collectedAt));
  const score = labsScore(readings);

  let result: LabResult;
  try {
    result = await transactionWithEvents(ctx.prisma, async (tx, emit) => {
      const created = await tx.labResult.create({
        data: {
          profileId: patientId,
          source: 'UPLOAD',
          labName: report.labName,
          fileName: file.filename,
          contentHash,
          collectedAt,
          reportedAt: report.reportedAt ? printedDateToInstant(report.reportedAt, facts.timezone) : null,
          readings: { createMany: { data: readings } },
        },
      });
      await appendPatientEvent(tx, {
        patientId,
        type: 'LAB_RESULT_ADDED',
        title: `Lab report${report.labName ? ` from ${report.labName}` : ''} uploaded`,
        source: 'labs',
        detail: {
          labResultId: created.id,
          fileName: file.filename,
          collectedAt: collectedAt.toISOString(),
          readings: readings.length,
          matched: readings.filter((r) => r.code).length,
          outOfRange: readings.filter((r) => OUT_OF_RANGE.has(r.status)).length,
          labsScore: score?.score ?? null,
          extractor: report.extractor,
        },
      });
      await raiseCriticalValues(ctx.services.jobQueue, tx, created, readings);
      emitLabResultStored(emit, { result: created, readings: readings.length, labsScore: score?.score ?? null });
      return created;
    });
  } catch (error) {
    // The same file uploaded twice at once: the other upload won the unique (patient, hash).
    const winner = await existing();
    if (winner) return winner;
    throw error;
  }
  careAlertsRaised(ctx.services.jobQueue);
  return result;
}
