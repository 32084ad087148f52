// Tamper evidence for the audit trail, after AWS CloudTrail's digest files: every so often the
// rows of patient_graph.rbac_logs written since the last digest are hashed one by one, and a
// digest is stored (patient_graph.audit_digests) holding each row's hash and a signature (compact
// JWS, EdDSA, jose) over the range, those hashes and the previous digest, so the digests form a
// chain. The verifier re-hashes the rows and names each one changed, deleted or inserted inside a
// signed range, and each digest missing, altered or out of the chain. Rows newer than the last
// digest are reported as not yet covered. Both tables are append-only to the application's role.
import { createHash } from 'node:crypto';
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { DEFAULT_AUDIT_DIGEST_LAG_SECONDS, DEFAULT_AUDIT_DIGEST_MAX_ROWS } from '../config/settings';
import type { SqlRunner } from '../db/database';

export const DIGEST_ISSUER = 'loop-health-audit';
/** Version of the row serialization below: a change to it (a new column) is a new version. */
export const DIGEST_FORMAT = 1;
/** 128 bits of SHA-256 per row: a second preimage stays out of reach, at 24 bytes a row with its id. */
const ROW_HASH_BYTES = 16;
const ENTRY_BYTES = 8 + ROW_HASH_BYTES;
/** One digest writer at a time across replicas. */
const DIGEST_LOCK_KEY = 72707371;

/** Every column, as text the same on every server and session (time zone, date style). Order by `r.id`: `id` alone is the text column. */
const ROW_SELECT = `SELECT r.id::text AS id, actor_id, actor_role, resource, action, patient_id::text AS patient_id, decision::text AS decision,
  reason, operation_name, request_id, correlation_id, client_ip, service,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
  FROM patient_graph.rbac_logs AS r`;

interface AuditRow {
  id: string;
  [column: string]: string | null;
}

const COLUMNS = ['id', 'actor_id', 'actor_role', 'resource', 'action', 'patient_id', 'decision', 'reason', 'operation_name', 'request_id', 'correlation_id', 'client_ip', 'service', 'created_at'];

export function rowHash(row: AuditRow): Buffer {
  return createHash('sha256')
    .update(JSON.stringify(COLUMNS.map((column) => row[column] ?? null)))
    .digest()
    .subarray(0, ROW_HASH_BYTES);
}

const sha256url = (data: Buffer | string) => createHash('sha256').update(data).digest('base64url');

function encodeEntries(rows: AuditRow[]): Buffer {
  const entries = Buffer.alloc(rows.length * ENTRY_BYTES);
  rows.forEach((row, i) => {
    entries.writeBigUInt64BE(BigInt(row.id), i * ENTRY_BYTES);
    rowHash(row).copy(entries, i * ENTRY_BYTES + 8);
  });
  return entries;
}

function decodeEntries(entries: Buffer): Map<string, Buffer> {
  const byId = new Map<string, Buffer>();
  for (let offset = 0; offset + ENTRY_BYTES <= entries.length; offset += ENTRY_BYTES) {
    byId.set(entries.readBigUInt64BE(offset).toString(), entries.subarray(offset + 8, offset + ENTRY_BYTES));
  }
  return byId;
}

/** What a digest's signature covers. */
interface DigestClaims {
  v: number;
  seq: number;
  /** The range is (after, last] of rbac_logs ids. */
  after: string;
  last: string;
  count: number;
  /** SHA-256 of the entries. */
  rows: string;
  /** SHA-256 of the previous digest's signature; null for the first. */
  prev: string | null;
}

interface StoredDigest {
  seq: number;
  after_id: string;
  last_id: string;
  row_count: number;
  entries: Uint8Array;
  signature: string;
}

export interface DigestOptions {
  /** Most rows per digest (AUDIT_DIGEST_MAX_ROWS); default DEFAULT_AUDIT_DIGEST_MAX_ROWS. */
  maxRows?: number;
  /** Rows younger than this wait (AUDIT_DIGEST_LAG_SECONDS); default DEFAULT_AUDIT_DIGEST_LAG_SECONDS. */
  lagSeconds?: number;
}

/**
 * Signs digests over every row not yet covered and older than the lag (several digests for a
 * backlog). A range ends before the first row still inside the lag, so a row committed late
 * cannot land in a range already signed. Returns the digests written.
 */
export async function signPendingDigests(sql: SqlRunner, signingJwk: JWK, options: DigestOptions = {}): Promise<{ seq: number; lastId: string; rows: number; hash: string }[]> {
  const maxRows = options.maxRows ?? DEFAULT_AUDIT_DIGEST_MAX_ROWS;
  const lag = options.lagSeconds ?? DEFAULT_AUDIT_DIGEST_LAG_SECONDS;
  const key = await importJWK(signingJwk, 'EdDSA');
  return sql.withAdvisoryLock(DIGEST_LOCK_KEY, async () => {
    const written: { seq: number; lastId: string; rows: number; hash: string }[] = [];
    for (;;) {
      const [previous] = await sql.query<{ seq: number; last_id: string; signature: string }>(
        'SELECT seq, last_id::text AS last_id, signature FROM patient_graph.audit_digests ORDER BY seq DESC LIMIT 1',
      );
      const after = previous?.last_id ?? '0';
      const rows = await sql.query<AuditRow>(
        `${ROW_SELECT}
         WHERE r.id > $1::bigint
           AND r.id < coalesce((SELECT min(id) FROM patient_graph.rbac_logs WHERE id > $1::bigint AND created_at >= now() - make_interval(secs => $2)), 9223372036854775807)
         ORDER BY r.id LIMIT $3`,
        [after, lag, maxRows],
      );
      if (!rows.length) return written;
      const entries = encodeEntries(rows);
      const claims: DigestClaims = {
        v: DIGEST_FORMAT,
        seq: (previous?.seq ?? 0) + 1,
        after,
        last: rows[rows.length - 1].id,
        count: rows.length,
        rows: sha256url(entries),
        prev: previous ? sha256url(previous.signature) : null,
      };
      const signature = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'EdDSA', kid: signingJwk.kid, typ: 'audit-digest+jwt' })
        .setIssuer(DIGEST_ISSUER)
        .setIssuedAt()
        .sign(key);
      await sql.query(
        'INSERT INTO patient_graph.audit_digests (seq, after_id, last_id, row_count, entries, signature) VALUES ($1, $2::bigint, $3::bigint, $4, $5, $6)',
        [claims.seq, claims.after, claims.last, claims.count, entries, signature],
      );
      written.push({ seq: claims.seq, lastId: claims.last, rows: claims.count, hash: sha256url(signature) });
    }
  });
}

export type FindingKind = 'row-changed' | 'row-deleted' | 'row-inserted' | 'digest-missing' | 'digest-invalid' | 'digest-changed' | 'chain-broken';

export interface Finding {
  kind: FindingKind;
  /** The rbac_logs row, for row findings. */
  id?: string;
  /** The digest concerned. */
  seq: number;
  message: string;
}

export interface VerifyReport {
  digests: number;
  rowsCovered: number;
  /** The last id a valid digest covers ('0' when none). */
  coveredThrough: string;
  /** Rows newer than the last digest: not yet signed, so not yet verifiable. */
  pendingRows: number;
  findings: Finding[];
}

/** Checks every digest and every row it covers; names each difference. Reads only. */
export async function verifyAuditTrail(sql: SqlRunner, jwks: { keys: JWK[] }): Promise<VerifyReport> {
  const keys = createLocalJWKSet(jwks as never);
  const findings: Finding[] = [];
  const digests = await sql.query<StoredDigest>(
    'SELECT seq, after_id::text AS after_id, last_id::text AS last_id, row_count, entries, signature FROM patient_graph.audit_digests ORDER BY seq',
  );
  let expectedSeq = 1;
  let previousLast = '0';
  let previousHash: string | null = null;
  let rowsCovered = 0;
  for (const digest of digests) {
    const missing = (upTo: string) => {
      if (digest.seq === expectedSeq) return;
      const which = digest.seq - 1 > expectedSeq ? `s ${expectedSeq}–${digest.seq - 1} are` : ` ${expectedSeq} is`;
      findings.push({ kind: 'digest-missing', seq: expectedSeq, message: `digest${which} missing (deleted from audit_digests): rows after ${previousLast} through ${upTo} are no longer covered` });
    };
    let claims: DigestClaims;
    try {
      ({ payload: claims } = (await jwtVerify(digest.signature, keys, { issuer: DIGEST_ISSUER, algorithms: ['EdDSA'] })) as unknown as { payload: DigestClaims });
    } catch {
      missing(digest.after_id);
      findings.push({ kind: 'digest-invalid', seq: digest.seq, message: `digest ${digest.seq}'s signature is not valid (it was altered, or signed with another key): rows ${digest.after_id}–${digest.last_id} cannot be checked` });
      expectedSeq = digest.seq + 1;
      previousLast = digest.last_id;
      previousHash = sha256url(digest.signature);
      continue;
    }
    missing(claims.after);
    const entries = Buffer.from(digest.entries);
    if (claims.seq !== digest.seq || claims.after !== digest.after_id || claims.last !== digest.last_id || claims.count !== digest.row_count || claims.rows !== sha256url(entries)) {
      findings.push({ kind: 'digest-changed', seq: digest.seq, message: `digest ${digest.seq} was changed after it was signed (its stored range or row hashes differ from its signature)` });
    }
    if (claims.after !== previousLast || claims.prev !== previousHash) {
      findings.push({ kind: 'chain-broken', seq: digest.seq, message: `digest ${digest.seq} does not follow the digest before it (a digest was removed or replaced)` });
    }
    const signed = decodeEntries(entries);
    const rows = await sql.query<AuditRow>(`${ROW_SELECT} WHERE r.id > $1::bigint AND r.id <= $2::bigint ORDER BY r.id`, [claims.after, claims.last]);
    for (const row of rows) {
      const hash = signed.get(row.id);
      if (!hash) findings.push({ kind: 'row-inserted', id: row.id, seq: digest.seq, message: `row ${row.id} was inserted into the range digest ${digest.seq} signed (ids ${claims.after}–${claims.last})` });
      else if (!hash.equals(rowHash(row))) findings.push({ kind: 'row-changed', id: row.id, seq: digest.seq, message: `row ${row.id} was changed after digest ${digest.seq} signed it` });
      signed.delete(row.id);
    }
    for (const id of signed.keys()) findings.push({ kind: 'row-deleted', id, seq: digest.seq, message: `row ${id} was deleted after digest ${digest.seq} signed it` });
    rowsCovered += claims.count;
    expectedSeq = digest.seq + 1;
    previousLast = claims.last;
    previousHash = sha256url(digest.signature);
  }
  const [pending] = await sql.query<{ count: string | number }>('SELECT count(*) AS count FROM patient_graph.rbac_logs WHERE id > $1::bigint', [previousLast]);
  return { digests: digests.length, rowsCovered, coveredThrough: previousLast, pendingRows: Number(pending.count), findings };
}
