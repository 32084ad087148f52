// The uploaded file, checked before anything reads it: its size (from the base64 length,
// before decoding), its declared type, and its content (a "PDF" must start like one; text
// must be text). Whatever fails is refused with the reason.
import { kindOf, tooLargeMessage, type ReportKind } from '../../../shared/uploads/lab-report';
import { uploadRefused } from './errors';

export interface LabReportFileInput {
  filename: string;
  mimeType: string;
  contentBase64: string;
}

export type { ReportKind };

export interface ReportFile {
  filename: string;
  kind: ReportKind;
  bytes: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

function isPdf(bytes: Buffer): boolean {
  // The header may follow up to 1 KB of junk (PDF 1.7, annex H).
  return bytes.subarray(0, 1024).includes('%PDF-');
}

function looksBinary(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 64 * 1024);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control > sample.length / 100;
}

export function readUploadedFile(input: LabReportFileInput, maxBytes: number): ReportFile {
  const filename = (input.filename ?? '').split(/[\\/]/).pop()!.trim();
  if (!filename || filename.length > 255) throw uploadRefused('UNSUPPORTED_TYPE', 'must have a file name of 1 to 255 characters', 'file.filename');
  const content = (input.contentBase64 ?? '').replace(/\s+/g, '');
  const size = decodedLength(content);
  if (size > maxBytes) throw uploadRefused('FILE_TOO_LARGE', tooLargeMessage(size, maxBytes));
  const declared = kindOf(input.mimeType ?? '', filename);
  if (!declared) {
    throw uploadRefused('UNSUPPORTED_TYPE', `"${input.mimeType}" is not accepted: upload a PDF, a plain-text or a CSV file`, 'file.mimeType');
  }
  if (!BASE64.test(content) || content.length % 4 === 1) throw uploadRefused('INVALID_ENCODING', 'contentBase64 is not valid base64', 'file.contentBase64');
  const bytes = Buffer.from(content, 'base64');
  if (bytes.length === 0) throw uploadRefused('EMPTY_FILE', 'is empty');
  if (isPdf(bytes)) return { filename, kind: 'pdf', bytes };
  if (declared === 'pdf') throw uploadRefused('UNSUPPORTED_TYPE', 'is declared a PDF but is not one', 'file.mimeType');
  if (looksBinary(bytes)) throw uploadRefused('UNSUPPORTED_TYPE', `is declared ${input.mimeType} but holds binary data`, 'file.mimeType');
  return { filename, kind: declared, bytes };
}

/** Text files from lab portals are UTF-8, sometimes Windows-1252 (a "µ" in a unit): read either. */
export function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
