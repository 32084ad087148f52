// The text layer of a PDF (pdf-parse, over Mozilla's pdf.js). The page count is read first,
// from the document's page tree without touching the pages, so a file of thousands of
// pages is refused in milliseconds; only then is the text extracted. A PDF without text
// (a scan, a photo) is refused: we do not OCR.
import { PDFParse } from 'pdf-parse';
import { uploadRefused } from '../upload/errors';

export interface PdfTextOptions {
  maxPages: number;
  /** Deadline for the whole extraction. */
  timeoutMs: number;
}

function refusalFor(error: unknown): Error {
  const name = (error as { name?: string })?.name;
  if (name === 'PasswordException') return uploadRefused('UNREADABLE_PDF', 'the PDF is password-protected; upload an unprotected copy');
  return uploadRefused('UNREADABLE_PDF', 'the file is not a readable PDF');
}

export async function pdfText(bytes: Uint8Array, options: PdfTextOptions): Promise<string> {
  // pdf.js takes ownership of the array it is given: hand it a copy.
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0, stopAtErrors: false });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(uploadRefused('EXTRACTION_TIMEOUT', `reading the PDF took longer than ${options.timeoutMs / 1000} s`)), options.timeoutMs);
  });
  try {
    const work = (async () => {
      let pages: number;
      try {
        pages = (await parser.getInfo()).total;
      } catch (error) {
        throw refusalFor(error);
      }
      if (pages > options.maxPages) {
        throw uploadRefused('TOO_MANY_PAGES', `the PDF has ${pages} pages; a lab report may have at most ${options.maxPages}`);
      }
      try {
        return (await parser.getText({ pageJoiner: '' })).text;
      } catch (error) {
        throw refusalFor(error);
      }
    })();
    // When the deadline wins, the abandoned work's own failure must not go unhandled.
    work.catch(() => {});
    const text = await Promise.race([work, deadline]);
    if (!text.replace(/\s+/g, '')) {
      throw uploadRefused('NO_TEXT', 'the PDF has no text layer (a scanned or empty document); upload the PDF your lab sent or a CSV export');
    }
    return text;
  } finally {
    clearTimeout(timer);
    await parser.destroy().catch(() => {});
  }
}
