// Write receipts: what makes a retried keyed mutation never write twice. The gateway signs, with
// each subgraph fetch of a mutation sent with an Idempotency-Key, a token for that fetch
// (gateway/idempotency/token.ts). Each write transaction of such a request first claims its
// receipt (token, service, its rank among the request's write transactions) and, before it
// commits, stores its result there: receipt, write and result commit together or not at all.
// A retry's transaction finds the receipt and returns the stored result without running the
// write again, however the first attempt's answer was lost (a cut socket, a gateway deadline, a
// killed process after the commit). A retry racing the first attempt waits on the receipt's
// row (ON CONFLICT waits for the other insert to commit or roll back), so it cannot write either.
import type { Prisma } from '../db/database';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from '../config/settings';

/** How long a receipt is kept: as long as the gateway keeps the key's first result. */
export const RECEIPT_TTL_SECONDS = DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS;
/** How often a process deletes expired receipts (on its next keyed write after this). */
export const RECEIPT_PRUNE_INTERVAL_MS = 10 * 60_000;

/** Which receipt a transaction writes. */
export interface ReceiptId {
  token: string;
  service: string;
  seq: number;
}

type RawClient = Pick<Prisma, '$queryRaw' | '$executeRaw'>;

/** Thrown inside the transaction to roll it back and hand the stored result back instead. */
export class ReceiptFound {
  constructor(readonly result: unknown) {}
}

const TAG = '__loopReceipt';

/** A result as JSON that keeps what Prisma returns beyond JSON: dates, bigints, bytes. */
export function encodeResult(value: unknown): unknown {
  if (value instanceof Date) return { [TAG]: 'date', value: value.toISOString() };
  if (typeof value === 'bigint') return { [TAG]: 'bigint', value: value.toString() };
  if (value instanceof Uint8Array) return { [TAG]: 'bytes', value: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeResult);
  if (value && typeof value === 'object') {
    // Prisma's Decimal and other value objects carry their own JSON form.
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return (value as { toJSON(): unknown }).toJSON();
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined).map(([key, field]) => [key, encodeResult(field)]));
  }
  return value === undefined ? null : value;
}

export function decodeResult(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeResult);
  if (value && typeof value === 'object') {
    const tagged = value as Record<string, unknown>;
    if (typeof tagged[TAG] === 'string') {
      if (tagged[TAG] === 'date') return new Date(String(tagged.value));
      if (tagged[TAG] === 'bigint') return BigInt(String(tagged.value));
      if (tagged[TAG] === 'bytes') return new Uint8Array(Buffer.from(String(tagged.value), 'base64'));
    }
    return Object.fromEntries(Object.entries(tagged).map(([key, field]) => [key, decodeResult(field)]));
  }
  return value;
}

/**
 * The transaction's first statement: claims the receipt, or (it exists: an earlier attempt
 * committed this transaction) throws ReceiptFound with that attempt's result.
 */
export async function claimReceipt(tx: RawClient, id: ReceiptId): Promise<void> {
  const claimed = await tx.$queryRaw<{ claimed: boolean }[]>`
    INSERT INTO patient_graph.write_receipts (token, service, seq, expires_at)
    VALUES (${id.token}, ${id.service}, ${id.seq}::int, now() + make_interval(secs => ${RECEIPT_TTL_SECONDS}::float8))
    ON CONFLICT (token, service, seq) DO NOTHING
    RETURNING true AS claimed`;
  if (claimed.length) return;
  const [row] = await tx.$queryRaw<{ result: unknown }[]>`
    SELECT result FROM patient_graph.write_receipts WHERE token = ${id.token} AND service = ${id.service} AND seq = ${id.seq}::int`;
  const stored = typeof row?.result === 'string' ? JSON.parse(row.result) : row?.result;
  throw new ReceiptFound(decodeResult(stored ?? null));
}

/** Before the commit: the transaction's result, for the retries. */
export async function storeReceipt(tx: RawClient, id: ReceiptId, result: unknown): Promise<void> {
  await tx.$executeRaw`
    UPDATE patient_graph.write_receipts SET result = ${JSON.stringify(encodeResult(result))}::jsonb
     WHERE token = ${id.token} AND service = ${id.service} AND seq = ${id.seq}::int`;
}

let nextPrune = 0;

/** Deletes expired receipts, at most once per interval per process (best effort: a failure waits for the next). */
export function pruneReceipts(prisma: RawClient, now = Date.now()): void {
  if (now < nextPrune) return;
  nextPrune = now + RECEIPT_PRUNE_INTERVAL_MS;
  void Promise.resolve(prisma.$executeRaw`DELETE FROM patient_graph.write_receipts WHERE expires_at < now()`).catch(() => {});
}
