// The limits of a lab-report upload. The configurable ones are settings (LAB_UPLOAD_MAX_BYTES,
// LAB_UPLOAD_MAX_PAGES, LAB_EXTRACT_TIMEOUT_MS in shared/config/settings.ts); the rest are fixed here.
import { processConfig } from '../../../shared/config';

/** The most values one report may hold (a full panel has ~100). */
export const MAX_READINGS = 500;

export interface UploadLimits {
  maxBytes: number;
  maxPages: number;
  timeoutMs: number;
}

export function uploadLimits(labs = processConfig().labs): UploadLimits {
  return { maxBytes: labs.maxUploadBytes, maxPages: labs.maxPdfPages, timeoutMs: labs.extractTimeoutMs };
}
