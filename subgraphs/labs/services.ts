// The labs process's services, built once before it listens: the per-user upload limit, the AI
// extractor the settings configure (null without an API key), the PDF reader's worker threads,
// and the job queue critical values raise care alerts through (critical-values.ts); and the
// worker that keeps labs' copy of the health score's wearables part (wearables-part.ts).
// uploadLabReport, addLabResult and the health score read them from ctx.services.
import { startCareAlertRaising } from '../../shared/domain/care-alerts';
import type { Clock } from '../../shared/clock';
import { startWearablesPartWorker } from './wearables-part';
import type { JobQueue } from '../../shared/queue/jobs';
import { userRateLimit, type UserRateLimit } from '../../shared/limits/user-rate';
import type { StartedServices, SubgraphDeps } from '../../shared/server/subgraph';
import { aiExtractorFor } from './extract';
import type { AiExtractor } from './extract/ai';
import { createPdfReader, type PdfReader } from './extract/pdf';

export interface LabsServices {
  /** LAB_UPLOADS_PER_MINUTE and _PER_HOUR per user, REST and GraphQL together. */
  uploadLimit: UserRateLimit;
  /** Reads what the parser cannot; null when no API key is configured. */
  ai: AiExtractor | null;
  /** Reads PDFs' text in worker threads (LAB_PDF_WORKERS), ended when labs stops. */
  pdf: PdfReader;
  /** Where critical values are raised as care alerts (the process's job queue). */
  jobQueue: JobQueue;
  /** Today, for the health score's window (a wearables part whose data has left it is not used). */
  clock: Clock;
}

export async function startLabsServices(deps: SubgraphDeps): Promise<StartedServices<LabsServices>> {
  const jobQueue = await startCareAlertRaising(deps.queue);
  // The health score's wearables part, as wearables sends it (jobs sent while labs was down waited for this worker).
  await startWearablesPartWorker(jobQueue, deps.prisma, deps.log);
  const { uploads, redisUrl } = deps.config;
  const uploadLimit = userRateLimit({
    action: 'lab report uploads',
    metric: { limit: 'lab_uploads', service: 'labs' },
    redisUrl,
    windows: [
      { limit: uploads.perMinute, windowMs: 60_000, per: 'minute' },
      { limit: uploads.perHour, windowMs: 3_600_000, per: 'hour' },
    ],
  });
  const pdf = createPdfReader(deps.config.uploads);
  return {
    services: { uploadLimit, ai: aiExtractorFor(deps.config), pdf, jobQueue, clock: deps.clock },
    async stop() {
      await uploadLimit.close();
      await pdf.close();
    },
  };
}
