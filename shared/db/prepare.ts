// Brings a database to the current schema and, on a new one, loads the demo data set.
// Safe to run from every replica at once: the work happens under one advisory lock.
// Migrations run as the schema's owner; with a separate application role, the owner then grants
// it what it needs (shared/db/roles.ts). On PostgreSQL the application's role is checked: one that
// could rewrite the audit trail stops a production start, and is a warning elsewhere.
import { DatabaseStartupError, type Database } from './database';
import { migrate } from './migrate';
import type { Logger } from '../logger';
import { auditAccess, currentRole, grantApplicationRole } from './roles';

const SEED_LOCK_KEY = 72707370;

export interface PrepareOptions {
  seed: boolean;
  seedPatients?: number;
  log: Logger;
  /** Refuse to start when the application's role could rewrite the audit trail (production). */
  requireAppendOnlyRole?: boolean;
}

/** Applies pending migrations as the owner and (with a separate application role) re-grants that role; returns what was applied. */
export async function migrateDatabase(db: Database): Promise<string[]> {
  const applied = await migrate(db.owner);
  if (db.separateOwner) await grantApplicationRole(db.owner, await currentRole(db.sql));
  return applied;
}

export async function prepareDatabase(db: Database, options: PrepareOptions): Promise<void> {
  const applied = await migrateDatabase(db);
  if (applied.length) options.log.info({ migrations: applied }, 'applied migrations');
  if (db.kind === 'postgres') await checkAuditAccess(db, options);
  if (!options.seed) return;
  await db.sql.withAdvisoryLock(SEED_LOCK_KEY, async () => {
    if ((await db.prisma.customerProfile.count()) > 0) return;
    const started = Date.now();
    const { seedDatabase } = await import('../../prisma/seed');
    const summary = await seedDatabase(db.prisma, { patients: options.seedPatients });
    options.log.info({ ms: Date.now() - started, ...summary }, 'seeded the demo data set');
  });
}

async function checkAuditAccess(db: Database, options: PrepareOptions): Promise<void> {
  const { role, rewrites } = await auditAccess(db.sql);
  if (!rewrites.length) return;
  const message =
    `The application's database role "${role}" can rewrite the audit trail (it ${rewrites.join('; ')}). ` +
    'Connect DATABASE_URL as an application role and set DATABASE_OWNER_URL to the owner role (README, "Database roles").';
  if (options.requireAppendOnlyRole) throw new DatabaseStartupError(message);
  options.log.warn(message);
}
