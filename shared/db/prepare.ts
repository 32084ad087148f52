// Brings a database to the current schema and, when given a seeder (bin/demo-data.ts passes
// the demo data set's), lets it fill a new one. Safe to run from every replica at once: seeding
// happens under one advisory lock. The seeder is passed in: shared/ knows no seed data.
// Migrations run as the schema's owner; with a separate application role, the owner then grants
// it what it needs (shared/db/roles.ts). On PostgreSQL the application's role is checked: one that
// could rewrite the audit trail stops a production start, and is a warning elsewhere.
import { DatabaseStartupError, type Database } from './database';
import { migrate } from './migrate';
import type { Logger } from '../logger';
import type { PrismaClient } from '../../generated/prisma/client';
import { auditAccess, currentRole, grantApplicationRole } from './roles';

const SEED_LOCK_KEY = 72707370;

/** Fills an empty database; answers what it wrote (rows per table), or null when the data was already there. */
export type Seeder = (prisma: PrismaClient) => Promise<Record<string, number> | null>;

export interface PrepareOptions {
  /** Fills a new database (run under the seed lock); none: no seeding. */
  seed?: Seeder;
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
  const started = Date.now();
  const summary = await seedOnce(db, options.seed);
  if (summary) options.log.info({ ms: Date.now() - started, ...summary }, 'seeded the demo data set');
}

/** Runs the seeder under the seed lock: one replica seeds, the others then find the data there. */
export function seedOnce(db: Database, seed: Seeder): Promise<Record<string, number> | null> {
  return db.sql.withAdvisoryLock(SEED_LOCK_KEY, () => seed(db.prisma));
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
