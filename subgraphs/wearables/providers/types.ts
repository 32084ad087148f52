// The one interface every wearable provider implements. A provider module says where the
// vendor's OAuth and REST endpoints are, which scopes it asks for, how fast it may be called,
// and, per vendor resource, how to fetch one page of it since a cursor and how to map that
// page to standard readings. The sync pipeline (../sync/pipeline.ts) does the rest the same
// way for every vendor: pull -> save raw -> format -> store.
import type { GlucoseTrend, WearableProvider } from '../../../generated/prisma/client';
import type { WearableReadingInput } from '../readings';

/** A reading in the metric's standard unit (../metrics.ts), as a provider maps it. */
export type StandardReading = WearableReadingInput & { trend?: GlucoseTrend };

export interface VendorEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  /** Base URL the resources' paths are relative to. */
  apiUrl: string;
}

/** A half-open time window [start, end) a resource is fetched for. */
export interface FetchWindow {
  start: Date;
  end: Date;
}

/** What a resource's fetch may do: GET a vendor path (relative to apiUrl) as the connected user. */
export interface VendorApi {
  get(pathAndQuery: string): Promise<unknown>;
}

export interface FetchedPage {
  /** The request as sent (path and query, never a token): saved with the raw payload. */
  request: string;
  body: unknown;
  /** Token of the next page, or null when this was the last one. */
  next: string | null;
}

export interface FormatContext {
  provider: WearableProvider;
  /** Our connection id: part of the reading id where the vendor gives a record none. */
  connectionId: string;
  /** The patient's IANA time zone: a vendor's daily summary belongs to that calendar day there. */
  timeZone: string;
  /** When the sync runs: a summary of a day that is still going on is not placed after it. */
  now: Date;
}

export interface ProviderResource {
  /** The vendor's name for it (daily_sleep, recovery, egvs, dailies, ...). */
  name: string;
  /** How far before the cursor a sync starts again: vendors revise recent records. */
  overlapMs: number;
  /** One page of the window; `pageToken` is null for the first. */
  fetchPage(api: VendorApi, window: FetchWindow, pageToken: string | null): Promise<FetchedPage>;
  /** The page's records as standard readings; records that are not (yet) scored are left out. */
  format(body: unknown, context: FormatContext): StandardReading[];
}

export interface ProviderPlugin {
  provider: WearableProvider;
  label: string;
  /** The vendor's real endpoints (a simulator serves the same paths on its own origin). */
  endpoints: VendorEndpoints;
  scopes: readonly string[];
  /** Whether the authorization uses PKCE (S256). */
  pkce: boolean;
  /** The vendor's rate limit for our app, as a token bucket: sustained requests per second and burst. */
  rateLimit: { perSecond: number; burst: number };
  resources: readonly ProviderResource[];
  /** The device behind the account, when the vendor reports one (Dexcom's transmitter). */
  deviceSerial?(api: VendorApi): Promise<string | null>;
}
