// The limits of a lab-report upload, each with its default and the variable that moves it.
// They are read per upload, so a test or an operator can change them without a restart.

/** LAB_UPLOAD_MAX_BYTES: the largest file accepted, 10 MB. Base64 in a GraphQL body adds a third: the 15 MB JSON limit of the servers must stay above it. */
export const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** LAB_UPLOAD_MAX_PAGES: a lab report is a few pages; thousands are an attack or a mistake. */
export const DEFAULT_MAX_PDF_PAGES = 50;
/** LAB_EXTRACT_TIMEOUT_MS: the deadline for reading the text out of a PDF. */
export const DEFAULT_EXTRACT_TIMEOUT_MS = 30_000;
/** The most values one report may hold (a full panel has ~100). */
export const MAX_READINGS = 500;

export interface UploadLimits {
  maxBytes: number;
  maxPages: number;
  timeoutMs: number;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

export function uploadLimits(env: NodeJS.ProcessEnv = process.env): UploadLimits {
  return {
    maxBytes: positiveInt(env, 'LAB_UPLOAD_MAX_BYTES', DEFAULT_MAX_UPLOAD_BYTES),
    maxPages: positiveInt(env, 'LAB_UPLOAD_MAX_PAGES', DEFAULT_MAX_PDF_PAGES),
    timeoutMs: positiveInt(env, 'LAB_EXTRACT_TIMEOUT_MS', DEFAULT_EXTRACT_TIMEOUT_MS),
  };
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;
}

/** "is 12 MB; the limit is 10 MB" — in bytes where rounding would make the two read the same. */
export function tooLargeMessage(size: number, maxBytes: number): string {
  const [a, b] = [formatBytes(size), formatBytes(maxBytes)];
  return a === b ? `is ${size} bytes; the limit is ${b} (${maxBytes} bytes)` : `is ${a}; the limit is ${b}`;
}
