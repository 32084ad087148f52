// From a checked file to the rows it prints: text out of the PDF (or the file itself), the
// deterministic parser (lines, or CSV columns), and — only when that finds nothing and an
// API key is configured — the AI extractor. No rows at all is a refusal saying why.
import type { Logger } from '../../../shared/logger';
import { uploadRefused } from '../upload/errors';
import { decodeText, type ReportFile } from '../upload/file';
import type { Config } from '../../../shared/config';
import { aiExtractorOptions, createAiExtractor, type AiExtractor } from './ai';
import { parseReportCsv } from './csv';
import { parseReportText } from './lines';
import type { PdfReader } from './pdf';
import type { ExtractedReport } from './report';

export type { ExtractedReport, ExtractedRow, PrintedDate } from './report';

export interface ExtractOptions {
  maxPages: number;
  timeoutMs: number;
  /** Reads a PDF's text (the labs services' worker threads). */
  pdf: PdfReader;
  /** Reads what the parser cannot; null when no API key is configured. */
  ai: AiExtractor | null;
  log?: Logger;
}

/** The AI extractor the settings configure (ANTHROPIC_API_KEY …); the labs services build it once per process. */
export function aiExtractorFor(config: Pick<Config, 'anthropic' | 'labs'>): AiExtractor | null {
  const options = aiExtractorOptions(config);
  return options ? createAiExtractor(options) : null;
}

export async function extractReport(file: ReportFile, options: ExtractOptions): Promise<ExtractedReport> {
  const text = file.kind === 'pdf' ? await options.pdf.text(file.bytes, options) : decodeText(file.bytes);
  if (!text.replace(/\s+/g, '')) throw uploadRefused('NO_TEXT', 'the file holds no text');
  const parsed = file.kind === 'csv' ? parseReportCsv(text) : parseReportText(text);
  if (parsed.rows.length > 0) return parsed;

  let unavailable = false;
  if (options.ai) {
    try {
      const read = await options.ai(text);
      if (read.rows.length > 0) {
        return { ...read, labName: read.labName ?? parsed.labName, collectedAt: read.collectedAt ?? parsed.collectedAt, reportedAt: read.reportedAt ?? parsed.reportedAt };
      }
    } catch (error) {
      unavailable = true;
      options.log?.warn({ err: error }, 'the AI lab-report extractor failed');
    }
  }
  throw uploadRefused(
    'NO_RESULTS',
    `no lab results were recognized in ${file.filename}${unavailable ? ' (the AI extractor was unavailable; try again later)' : ''}: ` +
      'each result needs a test name, a numeric value and a unit or reference range',
  );
}
