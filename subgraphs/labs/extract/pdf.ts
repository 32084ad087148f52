// The text layer of a PDF, read in a worker thread (pdf-pool.ts, pdf-worker.ts): the page count
// first, so a file of thousands of pages is refused at once; then the text, up to
// LAB_PDF_MAX_TEXT_CHARS. A PDF without text (a scan, a photo) is refused: we do not OCR. A
// PDF that needs more memory or time than a report may (a flate bomb) is refused as unreadable
// while the rest of the process keeps serving: only its worker is ended. The labs services own
// the reader (createPdfReader), so its workers end when labs stops.
import { GraphQLError } from 'graphql';
import type { Config } from '../../../shared/config';
import { ErrorCode } from '../../../shared/graphql/errors';
import { uploadRefused } from '../upload/errors';
import { createPdfPool, PdfPoolBusyError } from './pdf-pool';

export interface PdfTextOptions {
  maxPages: number;
  /** Deadline for the whole extraction; the worker is terminated then. */
  timeoutMs: number;
  /** Most characters of text read (LAB_PDF_MAX_TEXT_CHARS). */
  maxChars?: number;
}

/** Seconds a client is asked to wait when every PDF worker is busy and the queue is full. */
export const PDF_BUSY_RETRY_AFTER_SECONDS = 5;

export interface PdfReader {
  text(bytes: Uint8Array, options: PdfTextOptions): Promise<string>;
  /** Ends the workers (labs stopping). */
  close(): Promise<void>;
}

/** The labs services' PDF reader; its worker pool starts with the first PDF (a process may never read one). */
export function createPdfReader(uploads: Config['uploads']): PdfReader {
  let pool: ReturnType<typeof createPdfPool> | undefined;
  let reading = 0;
  let closed = false;
  const end = async () => {
    const ending = pool;
    pool = undefined;
    await ending?.close();
  };
  return {
    async text(bytes, options) {
      pool ??= createPdfPool({ workers: uploads.pdfWorkers, queue: uploads.pdfQueue, memoryMb: uploads.pdfWorkerMemoryMb });
      reading++;
      try {
        return await pdfText(pool, uploads, bytes, options);
      } finally {
        // A request still draining when labs stopped reads its PDF; the last such read ends the workers.
        if (--reading === 0 && closed) await end();
      }
    },
    async close() {
      closed = true;
      if (reading === 0) await end();
    },
  };
}

async function pdfText(pool: ReturnType<typeof createPdfPool>, uploads: Config['uploads'], bytes: Uint8Array, options: PdfTextOptions): Promise<string> {
  const maxChars = options.maxChars ?? uploads.pdfMaxTextChars;
  const maxInflatedBytes = uploads.pdfMaxInflatedMb * 1024 * 1024;
  let outcome;
  try {
    outcome = await pool.read({ bytes, maxPages: options.maxPages, maxChars, maxInflatedBytes }, options.timeoutMs);
  } catch (error) {
    if (error instanceof PdfPoolBusyError) {
      throw new GraphQLError(`Too many PDFs are being read; retry in ${PDF_BUSY_RETRY_AFTER_SECONDS} s`, {
        extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: PDF_BUSY_RETRY_AFTER_SECONDS },
      });
    }
    const name = (error as Error)?.name;
    if (name === 'AbortError' || name === 'TimeoutError') {
      throw uploadRefused('EXTRACTION_TIMEOUT', `could not read this PDF within ${options.timeoutMs / 1000} s`);
    }
    throw uploadRefused('UNREADABLE_PDF', 'could not read this PDF: it needs more memory than a lab report may');
  }
  switch (outcome.kind) {
    case 'too-many-pages':
      throw uploadRefused('TOO_MANY_PAGES', `the PDF has ${outcome.pages} pages; a lab report may have at most ${options.maxPages}`);
    case 'inflates-too-much':
      throw uploadRefused('UNREADABLE_PDF', `could not read this PDF: its compressed content unpacks to more than ${uploads.pdfMaxInflatedMb} MB`);
    case 'too-much-text':
      throw uploadRefused('TOO_MUCH_TEXT', `could not read this PDF: it holds more than ${maxChars} characters of text`);
    case 'password':
      throw uploadRefused('UNREADABLE_PDF', 'the PDF is password-protected; upload an unprotected copy');
    case 'unreadable':
      throw uploadRefused('UNREADABLE_PDF', 'could not read this PDF: the file is not a readable PDF');
  }
  if (!outcome.text.replace(/\s+/g, '')) {
    throw uploadRefused('NO_TEXT', 'the PDF has no text layer (a scanned or empty document); upload the PDF your lab sent or a CSV export');
  }
  return outcome.text;
}
