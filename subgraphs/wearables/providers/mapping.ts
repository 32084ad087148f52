// Small helpers the provider mappings share: reading a vendor page defensively and making a
// standard reading in the metric's unit.
import type { GlucoseTrend, WearableMetric } from '../../../generated/prisma/client';
import { standardUnit } from '../metrics';
import type { FetchWindow, FetchedPage, FormatContext, StandardReading } from './types';

/** The array at `key` of a vendor page (or the page itself when it is the array); [] when absent. */
export function recordsOf(body: unknown, key?: string): Record<string, any>[] {
  const list = key ? (body as Record<string, unknown> | null)?.[key] : body;
  return Array.isArray(list) ? list.filter((item): item is Record<string, any> => typeof item === 'object' && item !== null) : [];
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * A standard reading, or null when the vendor gave no value. `vendorId` is the vendor's id of
 * the record; `metric` is appended, since one record often yields several readings.
 */
export function standardReading(
  context: FormatContext,
  metric: WearableMetric,
  value: number | null,
  recordedAt: Date | null,
  vendorId: string | number | null | undefined,
  trend?: GlucoseTrend,
): StandardReading | null {
  if (value === null || !recordedAt || vendorId === null || vendorId === undefined || vendorId === '') return null;
  return {
    provider: context.provider,
    metric,
    value,
    unit: standardUnit(metric),
    recordedAt,
    providerReadingId: `${vendorId}:${metric}`,
    ...(trend ? { trend } : {}),
  };
}

export const present = <T>(items: (T | null)[]): T[] => items.filter((item): item is T => item !== null);

/**
 * Pagination for vendors that have none but cap the window a request may span (Dexcom,
 * Garmin): the page token is the start of the next chunk.
 */
export async function chunkedPage(
  window: FetchWindow,
  pageToken: string | null,
  chunkMs: number,
  fetchChunk: (start: Date, end: Date) => Promise<{ request: string; body: unknown }>,
): Promise<FetchedPage> {
  const start = pageToken ? new Date(pageToken) : window.start;
  const end = new Date(Math.min(start.getTime() + chunkMs, window.end.getTime()));
  const { request, body } = await fetchChunk(start, end);
  return { request, body, next: end.getTime() < window.end.getTime() ? end.toISOString() : null };
}
