import { mkdirSync, mkdtempSync, cpSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../shared/db/migrate';
import { openScratchDatabase } from './support/database';

describe('migrations', () => {
  let db: Awaited<ReturnType<typeof openScratchDatabase>>;
  beforeAll(async () => {
    db = await openScratchDatabase();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it('apply every migration once, with Prisma bookkeeping, and nothing the second time', async () => {
    const names = readMigrations().map((m) => m.name);
    expect(await migrate(db.owner)).toEqual(names);
    expect(await migrate(db.owner)).toEqual([]);
    const rows = await db.owner.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => r.finished_at !== null && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it('create the three Postgres schemas with every table of the platform', async () => {
    const tables = await db.owner.query<{ table: string }>(
      `SELECT table_schema || '.' || table_name AS table FROM information_schema.tables
       WHERE table_schema IN ('patient_graph', 'health', 'payload') ORDER BY 1`,
    );
    const names = tables.map((t) => t.table);
    for (const table of [
      'patient_graph.customer_profiles', 'patient_graph.lab_results', 'patient_graph.protocols', 'patient_graph.patient_events',
      'patient_graph.rbac_logs', 'patient_graph.audit_digests', 'patient_graph.identity_mappings', 'patient_graph.subscriptions', 'patient_graph.patient_treatments',
      'patient_graph.patient_prescriptions', 'patient_graph.conversation_history', 'patient_graph.wearable_data',
      'patient_graph.patient_wearable_readings', 'patient_graph.patient_wearable_daily_stats',
      'health.customers', 'health.products', 'health.protocol_stacks', 'health.protocol_stack_items', 'health.patient_cgm_connections',
      'health.patient_glucose_readings', 'health.patient_check_ins', 'health.follows',
      'payload.users', 'payload.media', 'payload.peptides', 'payload.stacks', 'payload.goals', 'payload.blog_posts', 'payload.faqs',
      'payload.help_articles', 'payload.coas', 'payload.research_papers',
    ]) {
      expect(names).toContain(table);
    }
  });

  // Even for the owner (the application role may not UPDATE or DELETE at all: test/audit-integrity.test.ts).
  it('make the audit trail append-only', async () => {
    await db.owner.query(
      `INSERT INTO patient_graph.rbac_logs (actor_role, resource, action, decision, service) VALUES ('admin', 'profile', 'read', 'ALLOW', 'test')`,
    );
    await expect(db.owner.query(`UPDATE patient_graph.rbac_logs SET decision = 'DENY'`)).rejects.toThrow(/append-only/);
    await expect(db.owner.query(`DELETE FROM patient_graph.rbac_logs`)).rejects.toThrow(/append-only/);
    await db.owner.query(`INSERT INTO patient_graph.audit_digests (seq, after_id, last_id, row_count, entries, signature) VALUES (1, 0, 1, 1, '\\x00', 'x')`);
    await expect(db.owner.query(`DELETE FROM patient_graph.audit_digests`)).rejects.toThrow(/audit_digests is append-only/);
    const [row] = await db.owner.query<{ count: string | number }>('SELECT count(*) AS count FROM patient_graph.rbac_logs');
    expect(Number(row.count)).toBe(1);
  });

  it('refuse a migration that was edited after it was applied', async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: '0'.repeat(64) } : m));
    await expect(migrate(db.owner, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it('apply a failing migration not at all: no half-made table, no bookkeeping row', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loop-migrations-'));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      mkdirSync(path.join(dir, '29991231000000_broken'));
      writeFileSync(
        path.join(dir, '29991231000000_broken/migration.sql'),
        'CREATE TABLE patient_graph.half_done (id int);\nSELECT no_such_function();\n',
      );
      await expect(migrate(db.owner, readMigrations(dir))).rejects.toThrow(/no_such_function/);
      const [table] = await db.owner.query<{ exists: string | null }>(`SELECT to_regclass('patient_graph.half_done')::text AS exists`);
      expect(table.exists).toBeNull();
      const rows = await db.owner.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '29991231000000_broken'`);
      expect(rows).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
