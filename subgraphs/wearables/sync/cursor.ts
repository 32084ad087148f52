// A connection's sync cursor: per vendor resource, the instant it was fetched through. The
// next sync asks from there (less the resource's overlap: vendors revise recent records) to
// now. A new connection starts `initialSyncDays` back; a cursor may also hold a `since`, an
// instant before which nothing is wanted (the demo seed's connections, whose history the seed
// already wrote).
import type { FetchWindow, ProviderResource } from '../providers/types';

export interface SyncCursor {
  since?: string;
  resources: Record<string, string>;
}

export function parseCursor(text: string | null | undefined): SyncCursor {
  if (!text) return { resources: {} };
  try {
    const parsed = JSON.parse(text) as Partial<SyncCursor>;
    return { since: typeof parsed.since === 'string' ? parsed.since : undefined, resources: { ...(parsed.resources ?? {}) } };
  } catch {
    return { resources: {} };
  }
}

export const serializeCursor = (cursor: SyncCursor) => JSON.stringify(cursor);

/** A cursor that wants nothing before `at` (what the seed gives its connections). */
export const cursorSince = (at: Date) => serializeCursor({ since: at.toISOString(), resources: {} });

export function windowFor(cursor: SyncCursor, resource: ProviderResource, now: Date, initialSyncDays: number): FetchWindow {
  const through = cursor.resources[resource.name];
  const since = cursor.since ? Date.parse(cursor.since) : -Infinity;
  const start = through ? Math.max(Date.parse(through) - resource.overlapMs, since) : cursor.since ? since : now.getTime() - initialSyncDays * 86_400_000;
  return { start: new Date(Math.min(start, now.getTime())), end: now };
}
