// The audit trail cannot be rewritten by the application (issue 13, item 8). Its database role may
// only INSERT and SELECT on the audit tables: no UPDATE, DELETE, TRUNCATE, and not owning them, no
// DISABLE TRIGGER either. What an owner or superuser changes anyway is named by the verifier of
// the signed digests: each row changed, deleted or inserted, each digest removed.
//
// The application role is, in CI's PostgreSQL pass, the real login role the suite runs with
// (DATABASE_URL, the owner in DATABASE_OWNER_URL); with one PostgreSQL role, a login role this test
// makes; on the embedded PGlite (one process, no logins), a role the test switches to with SET ROLE.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { systemClock } from '../shared/clock';
import { loadConfig } from '../shared/config';
import { openDatabase, type Database, type SqlRunner } from '../shared/db/database';
import { migrateDatabase, prepareDatabase } from '../shared/db/prepare';
import { domainPorts } from '../bin/ports';
import { auditAccess, grantApplicationRole } from '../shared/db/roles';
import { serviceLogger } from '../shared/logger';
import { LocalPubSub } from '../shared/pubsub';
import { processJobQueue } from '../shared/queue/jobs';
import { digestSigningKey, digestVerificationKeys } from '../shared/rbac/digest-keys';
import { signPendingDigests, verifyAuditTrail } from '../shared/rbac/digests';
import { patientSubgraph } from '../subgraphs/patient';
import { openScratchDatabase, reopenScratchDatabase, type ScratchDatabase } from './support/database';
import { eventually } from './support/ws';
import { ROOT, TSX } from './support/stack';

const ROW = `INSERT INTO patient_graph.rbac_logs (actor_id, actor_role, resource, action, decision, reason, request_id, service)
             VALUES ($1, 'staff', 'profile', 'read', 'ALLOW', 'integrity test', $2, 'patient')`;

interface ApplicationRole {
  name: string;
  sql: SqlRunner;
  dispose(): Promise<void>;
}

/** The application's role on this database, as described at the top of the file. */
async function applicationRole(db: ScratchDatabase): Promise<ApplicationRole> {
  if (db.separateOwner) {
    const [{ role }] = await db.sql.query<{ role: string }>('SELECT current_user AS role');
    return { name: role, sql: db.sql, dispose: async () => {} };
  }
  const name = `loop_audit_app_${process.pid}_${Date.now()}`;
  if (db.kind === 'postgres') {
    const password = randomBytes(12).toString('hex');
    await db.owner.query(`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`);
    await grantApplicationRole(db.owner, name);
    const url = new URL(db.env.DATABASE_URL!);
    url.username = name;
    url.password = password;
    const app: Database = await openDatabase({ databaseUrl: url.toString(), dataDir: db.env.DATA_DIR, poolSize: 2 });
    return {
      name,
      sql: app.sql,
      async dispose() {
        await app.close();
        await db.owner.query(`DROP OWNED BY "${name}"`);
        await db.owner.query(`DROP ROLE "${name}"`);
      },
    };
  }
  await db.owner.query(`CREATE ROLE "${name}" NOLOGIN`);
  await grantApplicationRole(db.owner, name);
  // PGlite is one connection: take the role for one statement at a time, then give it back.
  const asRole = async <T>(run: () => Promise<T>): Promise<T> => {
    await db.sql.query(`SET ROLE "${name}"`);
    try {
      return await run();
    } finally {
      await db.sql.query('RESET ROLE');
    }
  };
  return {
    name,
    sql: {
      query: (text, params) => asRole(() => db.sql.query(text, params)),
      execInTransaction: (script, after) => asRole(() => db.sql.execInTransaction(script, after)),
      withAdvisoryLock: (_key, fn) => fn(),
    },
    dispose: async () => {},
  };
}

const count = async (sql: SqlRunner, table: string) => Number((await sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

describe('the audit trail', () => {
  let db: ScratchDatabase;
  let app: ApplicationRole;
  let signingKey: JWK;
  let config: ReturnType<typeof loadConfig>;

  beforeAll(async () => {
    db = await openScratchDatabase();
    await migrateDatabase(db);
    app = await applicationRole(db);
    config = loadConfig({ NODE_ENV: 'test', DATA_DIR: db.env.DATA_DIR });
    signingKey = await digestSigningKey(config);
  }, 120_000);

  afterAll(async () => {
    await app?.dispose();
    await db?.dispose();
  });

  describe("the application's database role", () => {
    it('appends to and reads the audit tables', async () => {
      await app.sql.query(ROW, ['user_app', 'app-insert']);
      expect(await count(app.sql, 'patient_graph.rbac_logs')).toBe(1);
      expect(await count(app.sql, 'patient_graph.audit_digests')).toBe(0);
    });

    it.each([
      ['UPDATE rbac_logs', `UPDATE patient_graph.rbac_logs SET decision = 'DENY'`],
      ['DELETE FROM rbac_logs', 'DELETE FROM patient_graph.rbac_logs'],
      ['TRUNCATE rbac_logs', 'TRUNCATE patient_graph.rbac_logs'],
      ['DISABLE TRIGGER on rbac_logs', 'ALTER TABLE patient_graph.rbac_logs DISABLE TRIGGER rbac_logs_append_only'],
      ['DROP rbac_logs', 'DROP TABLE patient_graph.rbac_logs'],
      ['UPDATE audit_digests', 'UPDATE patient_graph.audit_digests SET signature = signature'],
      ['DELETE FROM audit_digests', 'DELETE FROM patient_graph.audit_digests'],
      ['TRUNCATE audit_digests', 'TRUNCATE patient_graph.audit_digests'],
      ['DISABLE TRIGGER on audit_digests', 'ALTER TABLE patient_graph.audit_digests DISABLE TRIGGER ALL'],
    ])('may not %s', async (_name, statement) => {
      await expect(app.sql.query(statement)).rejects.toThrow(/permission denied|must be owner/);
      expect(await count(db.owner, 'patient_graph.rbac_logs')).toBe(1);
    });

    it('is reported as append-only, and the owner as able to rewrite the trail', async () => {
      expect(await auditAccess(app.sql)).toEqual({ role: app.name, rewrites: [] });
      expect((await auditAccess(db.owner)).rewrites.length).toBeGreaterThan(0);
    });

    it('keeps every right on every other table, and may make the job queue its schema', async () => {
      const missing = await app.sql.query<{ table: string }>(
        `SELECT table_schema || '.' || table_name AS table FROM information_schema.tables
          WHERE table_schema IN ('patient_graph', 'health', 'payload') AND table_type = 'BASE TABLE'
            AND table_name NOT IN ('rbac_logs', 'audit_digests')
            AND NOT (has_table_privilege(current_user, format('%I.%I', table_schema, table_name), 'SELECT')
                 AND has_table_privilege(current_user, format('%I.%I', table_schema, table_name), 'INSERT')
                 AND has_table_privilege(current_user, format('%I.%I', table_schema, table_name), 'UPDATE')
                 AND has_table_privilege(current_user, format('%I.%I', table_schema, table_name), 'DELETE'))`,
      );
      expect(missing).toEqual([]);
      await app.sql.query('CREATE SCHEMA IF NOT EXISTS loop_queue_probe');
      await app.sql.query('DROP SCHEMA loop_queue_probe');
    });
  });

  describe('the start-up check', () => {
    it('refuses a production start whose role could rewrite the audit trail, naming why', async () => {
      const log = serviceLogger('test');
      if (db.kind === 'pglite') {
        // The embedded database is one process with no logins: nothing to check, it starts.
        await expect(prepareDatabase(db, { log, requireAppendOnlyRole: true })).resolves.toBeUndefined();
        return;
      }
      const asOwner: Database = { ...db, sql: db.owner, separateOwner: false };
      await expect(prepareDatabase(asOwner, { log, requireAppendOnlyRole: true })).rejects.toThrow(/can rewrite the audit trail \(it .*(owns patient_graph\.rbac_logs|superuser)/);
      const asApplication: Database = { ...db, sql: app.sql, separateOwner: true };
      await expect(prepareDatabase(asApplication, { log, requireAppendOnlyRole: true })).resolves.toBeUndefined();
    });
  });

  describe('signed digests', () => {
    let rows: string[];

    it('cover every row once, in a chain, and verify clean', async () => {
      for (let i = 0; i < 5; i++) await app.sql.query(ROW, [`user_${i}`, `before-gap-${i}`]);
      // A rolled-back insert leaves a hole in the ids: the only place a forged row could go unseen, if digests ignored holes.
      await expect(db.owner.execInTransaction(`${ROW.replace('$1', "'x'").replace('$2', "'rolled-back'")}; SELECT no_such_function();`)).rejects.toThrow();
      for (let i = 0; i < 3; i++) await app.sql.query(ROW, [`user_${i}`, `after-gap-${i}`]);
      rows = (await db.owner.query<{ id: string }>('SELECT id::text AS id FROM patient_graph.rbac_logs ORDER BY rbac_logs.id')).map((row) => row.id);
      expect(rows).toHaveLength(9);

      const written = await signPendingDigests(app.sql, signingKey, { maxRows: 4, lagSeconds: 0 });
      expect(written.map((digest) => digest.rows)).toEqual([4, 4, 1]);
      expect(await signPendingDigests(app.sql, signingKey, { maxRows: 4, lagSeconds: 0 })).toEqual([]);

      const report = await verifyAuditTrail(app.sql, await digestVerificationKeys(config));
      expect(report).toEqual({ digests: 3, rowsCovered: 9, coveredThrough: rows[8], pendingRows: 0, findings: [] });
    });

    it('leave rows younger than the lag for the next digest', async () => {
      await app.sql.query(ROW, ['user_young', 'young']);
      expect(await signPendingDigests(app.sql, signingKey, { lagSeconds: 3_600 })).toEqual([]);
      expect((await verifyAuditTrail(app.sql, await digestVerificationKeys(config))).pendingRows).toBe(1);
    });

    it("are signed in the patient service's background, every AUDIT_DIGEST_INTERVAL_SECONDS", async () => {
      const before = await count(db.owner, 'patient_graph.audit_digests');
      await db.owner.query(ROW, ['user_background', 'background']);
      const log = serviceLogger('patient');
      // The patient's services start the process's job queue (care alerts, exports); the process, here the test, stops it.
      const queue = processJobQueue(db, log);
      const runtime = { prisma: db.prisma, ports: domainPorts(db.prisma), db, pubsub: new LocalPubSub(), queue, log, clock: systemClock };
      const { stop } = await patientSubgraph.startServices!({
        ...runtime,
        config: loadConfig({ NODE_ENV: 'test', DATA_DIR: db.env.DATA_DIR, AUDIT_DIGEST_INTERVAL_SECONDS: '1', AUDIT_DIGEST_LAG_SECONDS: '0' }),
      });
      try {
        await eventually(async () => (await count(db.owner, 'patient_graph.audit_digests')) > before, 5_000, 'a digest from the background writer');
      } finally {
        await stop();
        await queue.stop();
      }
    });

    it('name each row an owner changed, deleted or inserted after it was signed', async () => {
      const gap = (BigInt(rows[5]) + 1n).toString();
      expect(rows).not.toContain(gap);
      // As the owner (a superuser could too): the trigger off, the trail rewritten, the trigger on again.
      await db.owner.execInTransaction(`
        ALTER TABLE patient_graph.rbac_logs DISABLE TRIGGER rbac_logs_append_only;
        UPDATE patient_graph.rbac_logs SET decision = 'DENY' WHERE id = ${rows[1]};
        DELETE FROM patient_graph.rbac_logs WHERE id = ${rows[6]};
        INSERT INTO patient_graph.rbac_logs (id, actor_id, actor_role, resource, action, decision, service, created_at)
          VALUES (${gap}, 'user_forged', 'admin', 'profile', 'read', 'ALLOW', 'patient', now() - interval '1 day');
        ALTER TABLE patient_graph.rbac_logs ENABLE TRIGGER rbac_logs_append_only;
      `);
      const report = await verifyAuditTrail(app.sql, await digestVerificationKeys(config));
      expect(report.findings.map(({ kind, id, seq }) => ({ kind, id, seq }))).toEqual([
        { kind: 'row-changed', id: rows[1], seq: 1 },
        { kind: 'row-inserted', id: gap, seq: 2 },
        { kind: 'row-deleted', id: rows[6], seq: 2 },
      ]);
      expect(report.findings[0].message).toBe(`row ${rows[1]} was changed after digest 1 signed it`);
    });

    it('are named by `npm run audit:verify`, which exits 1', async () => {
      // A PGlite folder is one process's: hand it to the command.
      if (db.kind === 'pglite') await db.close();
      const result = spawnSync(TSX, [path.join(ROOT, 'scripts/audit-verify.ts')], {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', ...db.env, DATABASE_OWNER_URL: '' },
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(`PROBLEM row ${rows[1]} was changed after digest 1 signed it`);
      expect(result.stdout).toContain(`PROBLEM row ${rows[6]} was deleted after digest 2 signed it`);
      expect(result.stdout).toContain(`PROBLEM row ${BigInt(rows[5]) + 1n} was inserted into the range digest 2 signed`);
      expect(result.stdout).toContain('3 problem(s) found.');
      if (db.kind === 'pglite') db = await reopenScratchDatabase(db);
    });

    it('name a digest an owner deleted', async () => {
      await db.owner.execInTransaction(`
        ALTER TABLE patient_graph.audit_digests DISABLE TRIGGER audit_digests_append_only;
        DELETE FROM patient_graph.audit_digests WHERE seq = 2;
        ALTER TABLE patient_graph.audit_digests ENABLE TRIGGER audit_digests_append_only;
      `);
      const report = await verifyAuditTrail(db.owner, await digestVerificationKeys(config));
      expect(report.findings.map(({ kind, seq }) => ({ kind, seq }))).toEqual(
        expect.arrayContaining([
          { kind: 'digest-missing', seq: 2 },
          { kind: 'chain-broken', seq: 3 },
        ]),
      );
      expect(report.findings.find((finding) => finding.kind === 'digest-missing')!.message).toBe(
        `digest 2 is missing (deleted from audit_digests): rows after ${rows[3]} through ${rows[7]} are no longer covered`,
      );
    });
  });
});

