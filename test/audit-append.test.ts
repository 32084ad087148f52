// The audit append writes a decision once per gateway request and service, however its appends
// interleave (issue 16, item 1: rows scale with distinct decisions, never with repeated fetches).
// A query's deferred parts, or a cluster's workers, fetch from one service at the same time; on a
// PostgreSQL server each append then runs on its own connection, and a plain `INSERT … WHERE NOT
// EXISTS` let both write (CI saw every wearables row of a deferred dashboard twice).
import { randomUUID } from 'node:crypto';
import { auditAppend, auditAppendFor, type AuditDecision, type AuditRequest } from '../shared/audit/append';
import { migrateDatabase } from '../shared/db/prepare';
import { openScratchDatabase, type ScratchDatabase } from './support/database';

const APPENDS_AT_ONCE = 8;

const request = (service: string, requestId = randomUUID()): AuditRequest => ({
  actorId: 'audit-append-test',
  actorRole: 'admin',
  operationName: 'PatientDashboard',
  requestId,
  correlationId: null,
  clientIp: null,
  service,
});
const decisions: AuditDecision[] = [randomUUID(), randomUUID(), randomUUID(), null].map((patientId) => ({
  resource: 'wearables',
  action: 'read',
  patientId,
  decision: 'ALLOW',
  reason: 'admin may read',
}));

describe('the audit append', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await openScratchDatabase();
    await migrateDatabase(db);
    // Connections opened beforehand, so the appends below really run side by side on a server.
    await Promise.all(Array.from({ length: APPENDS_AT_ONCE }, () => db.prisma.$executeRaw`SELECT pg_sleep(0.05)`));
  }, 120_000);
  afterAll(() => db?.dispose());

  const rowsOf = async (requestIds: string[]) =>
    db.sql.query<{ request_id: string; service: string; patient_id: string | null }>(
      'SELECT request_id, service, patient_id::text AS patient_id FROM patient_graph.rbac_logs WHERE request_id = ANY($1::text[]) ORDER BY request_id, service, patient_id',
      [requestIds],
    );

  it('writes each decision once when appends of the same request and service run at the same time', async () => {
    const asked = request('wearables');
    await Promise.all(Array.from({ length: APPENDS_AT_ONCE }, () => auditAppend(db.prisma, asked, decisions)));
    const rows = await rowsOf([asked.requestId!]);
    expect(rows).toHaveLength(decisions.length);
    expect(rows.map((row) => row.patient_id).sort()).toEqual(decisions.map((row) => row.patientId).sort());
  });

  it('still writes the same decision for another service or another request', async () => {
    const requestId = randomUUID();
    const other = randomUUID();
    await Promise.all([
      auditAppend(db.prisma, request('wearables', requestId), decisions),
      auditAppend(db.prisma, request('labs', requestId), decisions),
      auditAppend(db.prisma, request('wearables', other), decisions),
    ]);
    expect(await rowsOf([requestId, other])).toHaveLength(3 * decisions.length);
  });

  it('writes a fan-out once per subscriber request, with overlapping fan-outs running at the same time', async () => {
    const subscribers = Array.from({ length: 5 }, () => request('wearables'));
    await Promise.all(Array.from({ length: APPENDS_AT_ONCE }, (_, i) => auditAppendFor(db.prisma, i % 2 ? subscribers : [...subscribers].reverse(), decisions)));
    expect(await rowsOf(subscribers.map((row) => row.requestId!))).toHaveLength(subscribers.length * decisions.length);
  });

  // The duplicate check once read the whole trail on every append (a sequential scan, planned
  // while the table was small and kept by PL/pgSQL), so its cost grew with every row ever written.
  // The backend's scan counters are read before and after, in one transaction (nothing flushes
  // them there), so the difference is the append's alone.
  it('reads only the appended requests\' rows of the trail, through its request_id index', async () => {
    const [before, after] = await db.prisma.$transaction(async (tx) => {
      const scans = () =>
        tx.$queryRaw<Array<{ seq: bigint; idx: bigint; fetched: bigint }>>`
          SELECT seq_scan AS seq, idx_scan AS idx, idx_tup_fetch AS fetched FROM pg_stat_xact_user_tables WHERE schemaname = 'patient_graph' AND relname = 'rbac_logs'`;
      const first = await scans();
      await auditAppend(tx, request('wearables'), decisions);
      return [first[0], (await scans())[0]];
    });
    expect(after.seq - before.seq).toBe(0n);
    expect(after.idx - before.idx).toBeGreaterThan(0n);
    // A new request has no rows yet: the check fetched none of the trail's.
    expect(after.fetched - before.fetched).toBe(0n);
  });
});
