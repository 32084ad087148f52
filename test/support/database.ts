// A database of a test's own, of the same kind as the run's: a fresh database on the
// PostgreSQL server when DATABASE_URL is set, else a PGlite in a temporary folder; and the
// same made ready (migrated, seeded) for a stack a test starts in its own process.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedDatabase } from '../../prisma/seed';
import { openDatabase, type Database } from '../../shared/db/database';
import { migrate } from '../../shared/db/migrate';
import { createFreshDatabase } from './stack';

export async function openScratchDatabase(): Promise<Database & { dispose(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const fresh = await createFreshDatabase(process.env.DATABASE_URL);
    const db = await openDatabase({ databaseUrl: fresh.url, dataDir: '' });
    return { ...db, async dispose() { await db.close(); await fresh.drop(); } };
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'loop-scratch-'));
  const db = await openDatabase({ dataDir });
  return { ...db, async dispose() { await db.close(); rmSync(dataDir, { recursive: true, force: true }); } };
}

/** A data folder and, with DATABASE_URL, a database of the test's own: for `launch()` in the test's process. */
export interface SeededPlace {
  dataDir: string;
  /** Unset: the embedded database in dataDir. */
  databaseUrl: string | undefined;
  dispose(): Promise<void>;
}

/** Makes a place for an in-process stack, migrated and seeded with `patients` patients (closed again, for the stack to open). */
export async function seededScratchPlace(prefix: string, patients: number): Promise<SeededPlace> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const fresh = process.env.DATABASE_URL ? await createFreshDatabase(process.env.DATABASE_URL) : undefined;
  const db = await openDatabase({ databaseUrl: fresh?.url, dataDir });
  await migrate(db.sql);
  await seedDatabase(db.prisma, { patients });
  await db.close();
  return {
    dataDir,
    databaseUrl: fresh?.url,
    async dispose() {
      await fresh?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
