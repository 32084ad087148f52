// Applies prisma/migrations in order with Prisma's own `_prisma_migrations` bookkeeping,
// so `prisma migrate deploy` and `migrate status` agree with us wherever the native
// engine is available. Each migration runs as one script in one transaction together
// with its bookkeeping row: it is applied whole or not at all.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config';
import type { SqlRunner } from './database';

export const MIGRATIONS_DIR = path.join(projectRoot, 'prisma/migrations');
/** Same key as Prisma's migrate: two processes starting at once apply each migration once. */
const MIGRATION_LOCK_KEY = 72707369;

const BOOKKEEPING_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Returns the names of the migrations it applied. */
export async function migrate(sql: SqlRunner, migrations = readMigrations()): Promise<string[]> {
  return sql.withAdvisoryLock(MIGRATION_LOCK_KEY, async () => {
    await sql.query(BOOKKEEPING_DDL);
    const rows = await sql.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(`Migration ${migration.name} was changed after it was applied; add a new migration instead.`);
        }
        continue;
      }
      await sql.execInTransaction(migration.sql, {
        sql: `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
              VALUES ($1, $2, $3, now(), now(), 1)`,
        params: [randomUUID(), migration.checksum, migration.name],
      });
      done.push(migration.name);
    }
    return done;
  });
}
