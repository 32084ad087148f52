// Runs inside a PDF worker thread (pdf-pool.ts), never on a server's main thread: pdf-parse
// (Mozilla's pdf.js) installs core-js polyfills that slow a whole process when imported, and a
// hostile PDF (a flate bomb) can spin or allocate for minutes. Here it can only exhaust this
// worker's capped heap or outlive its deadline, and the pool then ends the worker.
import zlib from 'node:zlib';
import { PDFParse } from 'pdf-parse';

export interface PdfTask {
  bytes: Uint8Array;
  maxPages: number;
  /** Stop reading past this many characters of text. */
  maxChars: number;
  /** Most bytes all of the document's Flate streams may inflate to together. */
  maxInflatedBytes: number;
}

export type PdfOutcome =
  | { kind: 'text'; text: string }
  | { kind: 'too-many-pages'; pages: number }
  | { kind: 'too-much-text'; chars: number }
  | { kind: 'inflates-too-much'; bytes: number }
  | { kind: 'password' }
  | { kind: 'unreadable' };

const failure = (error: unknown): PdfOutcome => ((error as { name?: string })?.name === 'PasswordException' ? { kind: 'password' } : { kind: 'unreadable' });

const FLATE_STREAM = /\/FlateDecode[^]{0,400}?stream\r?\n/g;

/**
 * What the document's Flate streams inflate to, measured with zlib (native, never holding more
 * than `max` bytes) before pdf.js sees them: pdf.js inflates a stream whole into one buffer,
 * and a buffer that outgrows the worker's heap can take the whole process down with it (V8 ends
 * the process, not the worker, when an ArrayBuffer cannot be allocated), whatever resourceLimits say.
 */
function inflatedSize(bytes: Uint8Array, max: number): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let total = 0;
  for (const match of text.matchAll(FLATE_STREAM)) {
    const start = match.index! + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    try {
      total += zlib.inflateSync(bytes.subarray(start, end), { maxOutputLength: Math.max(1, max - total + 1), finishFlush: zlib.constants.Z_SYNC_FLUSH }).length;
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return max + 1;
      // a damaged stream: pdf.js decides what it makes of it
    }
    if (total > max) return total;
  }
  return total;
}

/** The page count first (from the page tree, without reading pages), then the text page by page. */
export default async function readPdf(task: PdfTask): Promise<PdfOutcome> {
  const inflated = inflatedSize(task.bytes, task.maxInflatedBytes);
  if (inflated > task.maxInflatedBytes) return { kind: 'inflates-too-much', bytes: inflated };
  const parser = new PDFParse({ data: task.bytes, verbosity: 0, stopAtErrors: false });
  try {
    let pages: number;
    try {
      pages = (await parser.getInfo()).total;
    } catch (error) {
      return failure(error);
    }
    if (pages > task.maxPages) return { kind: 'too-many-pages', pages };
    let text = '';
    for (let page = 1; page <= pages; page++) {
      try {
        text += (await parser.getText({ partial: [page], pageJoiner: '' })).text;
      } catch (error) {
        return failure(error);
      }
      if (text.length > task.maxChars) return { kind: 'too-much-text', chars: text.length };
    }
    return { kind: 'text', text };
  } finally {
    await parser.destroy().catch(() => {});
  }
}
