// Brings a database to the current schema and, on a new one, loads the demo data set.
// Safe to run from every replica at once: the work happens under one advisory lock.
import type { Database } from './database';
import { migrate } from './migrate';
import type { Logger } from '../logger';

const SEED_LOCK_KEY = 72707370;

export async function prepareDatabase(db: Database, options: { seed: boolean; seedPatients?: number; log: Logger }): Promise<void> {
  const applied = await migrate(db.sql);
  if (applied.length) options.log.info({ migrations: applied }, 'applied migrations');
  if (!options.seed) return;
  await db.sql.withAdvisoryLock(SEED_LOCK_KEY, async () => {
    if ((await db.prisma.customerProfile.count()) > 0) return;
    const started = Date.now();
    const { seedDatabase } = await import('../../prisma/seed');
    const summary = await seedDatabase(db.prisma, { patients: options.seedPatients });
    options.log.info({ ms: Date.now() - started, ...summary }, 'seeded the demo data set');
  });
}
