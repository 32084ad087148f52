// Where the gateway keeps Idempotency-Keys: in the database (patient_graph.idempotency_keys,
// owned by the gateway), so every gateway replica sees the same keys; in memory only for a
// gateway process with no database to reach (one process, the embedded mode's odd case).
import type { Prisma } from '../../shared/db/database';

/** What a key says when a request arrives with it. */
export type Begin =
  /** The key is this request's now: run it, then complete() or release(). */
  | { kind: 'claimed' }
  /** The first request finished: answer its result again. */
  | { kind: 'replay'; httpStatus: number; response: unknown }
  /** The key was first used with another operation or variables. */
  | { kind: 'mismatch' }
  /** The first request with the key is still running. */
  | { kind: 'in-flight' };

export interface BeginRequest {
  principal: string;
  key: string;
  requestHash: string;
  ttlSeconds: number;
  /** How long the claim blocks retries while the first request runs (after it, a retry may take it over). */
  lockMs: number;
}

export interface IdempotencyStore {
  begin(request: BeginRequest): Promise<Begin>;
  /** Keeps the first result for retries. */
  complete(principal: string, key: string, httpStatus: number, response: unknown): Promise<void>;
  /** Gives the key up (the request failed before doing anything): a retry runs again. */
  release(principal: string, key: string): Promise<void>;
  close(): Promise<void>;
}

/** How often expired keys are deleted. */
export const DEFAULT_PRUNE_INTERVAL_MS = 10 * 60_000;

interface KeyRow {
  request_hash: string;
  http_status: number | null;
  response: unknown;
  locked_until: Date | null;
}

function decide(row: KeyRow | undefined, requestHash: string): Begin {
  // Gone between the two statements (expired and pruned, or released): the retry may claim it.
  if (!row) return { kind: 'in-flight' };
  if (row.request_hash !== requestHash) return { kind: 'mismatch' };
  if (row.http_status === null) return { kind: 'in-flight' };
  return { kind: 'replay', httpStatus: row.http_status, response: row.response };
}

/** Keys in PostgreSQL: one INSERT … ON CONFLICT claims a fresh, expired or abandoned key; one UPDATE keeps the result. */
export class DatabaseIdempotencyStore implements IdempotencyStore {
  private readonly pruner: NodeJS.Timeout;

  constructor(private readonly prisma: Prisma, pruneIntervalMs = DEFAULT_PRUNE_INTERVAL_MS) {
    this.pruner = setInterval(() => void this.prune().catch(() => {}), pruneIntervalMs).unref();
  }

  async begin({ principal, key, requestHash, ttlSeconds, lockMs }: BeginRequest): Promise<Begin> {
    const claimed = await this.prisma.$queryRaw<{ claimed: boolean }[]>`
      INSERT INTO "patient_graph"."idempotency_keys" AS k (principal, key, request_hash, locked_until, expires_at)
      VALUES (${principal}, ${key}, ${requestHash}, now() + make_interval(secs => ${lockMs / 1000}::float8), now() + make_interval(secs => ${ttlSeconds}::float8))
      ON CONFLICT (principal, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at,
            http_status = NULL, response = NULL, created_at = now()
        WHERE k.expires_at < now() OR (k.http_status IS NULL AND k.locked_until < now() AND k.request_hash = EXCLUDED.request_hash)
      RETURNING true AS claimed`;
    if (claimed.length) return { kind: 'claimed' };
    const [row] = await this.prisma.$queryRaw<KeyRow[]>`
      SELECT request_hash, http_status, response, locked_until FROM "patient_graph"."idempotency_keys" WHERE principal = ${principal} AND key = ${key}`;
    return decide(row, requestHash);
  }

  async complete(principal: string, key: string, httpStatus: number, response: unknown): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "patient_graph"."idempotency_keys" SET http_status = ${httpStatus}::int, response = ${JSON.stringify(response)}::jsonb, locked_until = NULL
      WHERE principal = ${principal} AND key = ${key}`;
  }

  async release(principal: string, key: string): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM "patient_graph"."idempotency_keys" WHERE principal = ${principal} AND key = ${key} AND http_status IS NULL`;
  }

  async prune(): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM "patient_graph"."idempotency_keys" WHERE expires_at < now()`;
  }

  async close(): Promise<void> {
    clearInterval(this.pruner);
  }
}

interface MemoryEntry {
  requestHash: string;
  httpStatus: number | null;
  response: unknown;
  lockedUntil: number;
  expiresAt: number;
}

/** Keys in this process only: for a gateway that has no database (never shared across replicas). */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, MemoryEntry>();

  async begin({ principal, key, requestHash, ttlSeconds, lockMs }: BeginRequest): Promise<Begin> {
    const id = JSON.stringify([principal, key]);
    const now = Date.now();
    const entry = this.entries.get(id);
    const takeOver = entry && entry.httpStatus === null && entry.lockedUntil < now && entry.requestHash === requestHash;
    if (!entry || entry.expiresAt < now || takeOver) {
      this.entries.set(id, { requestHash, httpStatus: null, response: null, lockedUntil: now + lockMs, expiresAt: now + ttlSeconds * 1000 });
      return { kind: 'claimed' };
    }
    return decide({ request_hash: entry.requestHash, http_status: entry.httpStatus, response: entry.response, locked_until: null }, requestHash);
  }

  async complete(principal: string, key: string, httpStatus: number, response: unknown): Promise<void> {
    const entry = this.entries.get(JSON.stringify([principal, key]));
    if (entry) Object.assign(entry, { httpStatus, response: JSON.parse(JSON.stringify(response)) });
  }

  async release(principal: string, key: string): Promise<void> {
    const id = JSON.stringify([principal, key]);
    if (this.entries.get(id)?.httpStatus === null) this.entries.delete(id);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
