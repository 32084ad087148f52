// One run of an export: claim it, read the record page by page (record-reader.ts), cut it into
// NDJSON files of one resource type each and at most FHIR_EXPORT_FILE_MAX_BYTES, store them,
// then mark it COMPLETED. Progress is written after every page, which is also where a cancel or
// a newer run is noticed (the fenced write fails) and the run stops.
import type { Resource } from '@medplum/fhirtypes';
import type { Role } from '../../../shared/auth/caller';
import type { Prisma } from '../../../shared/db/database';
import type { JobQueue } from '../../../shared/queue/jobs';
import { readRecord, type RecordReaderOptions } from './record-reader';
import { claimRun, completeRun, noteProgress, RunSuperseded, storeFile, type ExportFileData, type FhirExportConfig, type RunClaim } from './store';

export interface RunDeps {
  prisma: Prisma;
  queue: JobQueue;
  config: FhirExportConfig;
  reader: RecordReaderOptions;
}

/** Lines of one resource type waiting to become a file. */
interface Pending {
  lines: string[];
  bytes: number;
}

/** Cuts resources into files: one type per file, a new file before one would pass `maxBytes`. */
class NdjsonFiles {
  private readonly pending = new Map<string, Pending>();
  private position = 0;
  written = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly store: (file: ExportFileData, written: number) => Promise<void>,
  ) {}

  async add(resources: Resource[]): Promise<void> {
    for (const resource of resources) {
      const line = `${JSON.stringify(resource)}\n`;
      const bytes = Buffer.byteLength(line);
      const file = this.pending.get(resource.resourceType) ?? { lines: [], bytes: 0 };
      if (file.lines.length && file.bytes + bytes > this.maxBytes) await this.flush(resource.resourceType, file);
      file.lines.push(line);
      file.bytes += bytes;
      this.pending.set(resource.resourceType, file);
      this.written += 1;
    }
  }

  async end(): Promise<void> {
    for (const [type, file] of this.pending) if (file.lines.length) await this.flush(type, file);
  }

  private async flush(type: string, file: Pending): Promise<void> {
    const data = { position: this.position++, type, count: file.lines.length, ndjson: file.lines.join('') };
    file.lines = [];
    file.bytes = 0;
    await this.store(data, this.written);
  }
}

export type RunOutcome = 'completed' | 'nothing-to-run' | 'superseded';

/** Runs the export once. Throws what the reader throws (RecordReadError) or the abort's reason. */
export async function runExport(deps: RunDeps, exportId: string, signal: AbortSignal, onClaim?: (claim: RunClaim) => void): Promise<RunOutcome> {
  const claim = await claimRun(deps.prisma, exportId);
  if (!claim) return 'nothing-to-run';
  onClaim?.(claim);
  const record = claim.export;
  const files = new NdjsonFiles(deps.config.fileMaxBytes, (file, written) => storeFile(deps.prisma, claim, file, written));
  try {
    const pages = readRecord(
      deps.reader,
      { exportId, patientId: record.profileId, requester: { subject: record.requestedBy, role: record.requestedRole as Role }, types: record.types, since: record.since },
      signal,
    );
    for await (const resources of pages) {
      await files.add(resources);
      if (!(await noteProgress(deps.prisma, claim, files.written))) return 'superseded';
    }
    await files.end();
  } catch (error) {
    if (error instanceof RunSuperseded) return 'superseded';
    throw error;
  }
  return (await completeRun(deps.prisma, deps.queue, deps.config, claim, files.written)) ? 'completed' : 'superseded';
}
