// The contract of a lab-report upload that both the gateway (its REST upload route refuses a
// wrong file before streaming it on) and the labs subgraph (which reads the file) apply: which
// media types are taken and what each is read as, and how a size reads in a refusal.
// It lives in shared/ so the gateway never imports the labs subgraph.

export type ReportKind = 'pdf' | 'text' | 'csv';

/** Media types accepted, and what each is read as. Windows browsers label CSV as Excel. */
export const ACCEPTED_MEDIA_TYPES: Readonly<Record<string, ReportKind>> = {
  'application/pdf': 'pdf',
  'text/plain': 'text',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/comma-separated-values': 'csv',
  'application/vnd.ms-excel': 'csv',
};

const BY_EXTENSION: Readonly<Record<string, ReportKind>> = { pdf: 'pdf', txt: 'text', text: 'text', csv: 'csv' };

/** What a declared type (and, for a generic type, the file name) says the file is; null when we do not take it. */
export function kindOf(mimeType: string, filename: string): ReportKind | null {
  const type = mimeType.split(';')[0].trim().toLowerCase();
  const declared = ACCEPTED_MEDIA_TYPES[type];
  if (declared) return declared;
  // Clients that do not know a type send octet-stream: then the extension decides.
  if (type === 'application/octet-stream' || type === '') return BY_EXTENSION[filename.split('.').pop()?.toLowerCase() ?? ''] ?? null;
  return null;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;
}

/** "is 12 MB; the limit is 10 MB" — in bytes where rounding would make the two read the same. */
export function tooLargeMessage(size: number, maxBytes: number): string {
  const [a, b] = [formatBytes(size), formatBytes(maxBytes)];
  return a === b ? `is ${size} bytes; the limit is ${b} (${maxBytes} bytes)` : `is ${a}; the limit is ${b}`;
}
