// A database of a test's own, of the same kind as the run's: a fresh database on the
// PostgreSQL server when DATABASE_URL is set (owned by DATABASE_OWNER_URL's role when that is set:
// `db.owner` migrates, `db.sql` is the application role), else a PGlite in a temporary folder;
// and the same made ready (migrated, seeded) for a stack a test starts in its own process.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedDatabase } from '../../prisma/seed';
import { openDatabase, type Database } from '../../shared/db/database';
import { migrateDatabase } from '../../shared/db/prepare';
import { createFreshDatabase } from './stack';

export interface ScratchDatabase extends Database {
  /** The settings a child process needs to open this database itself (close it here first: a PGlite folder is one process's). */
  env: { DATABASE_URL?: string; DATABASE_OWNER_URL?: string; DATA_DIR: string };
  dispose(): Promise<void>;
}

export async function openScratchDatabase(): Promise<ScratchDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'loop-scratch-'));
  const removeDir = async () => rmSync(dataDir, { recursive: true, force: true });
  if (process.env.DATABASE_URL) {
    const fresh = await createFreshDatabase(process.env.DATABASE_URL);
    const db = await openDatabase({ databaseUrl: fresh.url, ownerUrl: fresh.ownerUrl, dataDir });
    const env = { DATABASE_URL: fresh.url, DATABASE_OWNER_URL: fresh.ownerUrl ?? '', DATA_DIR: dataDir };
    const close = closeOnce(db);
    return { ...db, env, close, async dispose() { await close(); await fresh.drop(); await removeDir(); } };
  }
  const db = await openDatabase({ dataDir });
  const close = closeOnce(db);
  return { ...db, env: { DATABASE_URL: '', DATA_DIR: dataDir }, close, async dispose() { await close(); await removeDir(); } };
}

function closeOnce(db: Database): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= db.close());
}

/** The same database opened again in this process (after a child process used its PGlite folder). */
export async function reopenScratchDatabase(db: ScratchDatabase): Promise<ScratchDatabase> {
  await db.close();
  const reopened = await openDatabase({ databaseUrl: db.env.DATABASE_URL || undefined, ownerUrl: db.env.DATABASE_OWNER_URL || undefined, dataDir: db.env.DATA_DIR });
  const close = closeOnce(reopened);
  return { ...reopened, env: db.env, close, async dispose() { await close(); await db.dispose(); } };
}

/** A data folder and, with DATABASE_URL, a database of the test's own: for `launch()` in the test's process. */
export interface SeededPlace {
  dataDir: string;
  /** Unset: the embedded database in dataDir. */
  databaseUrl: string | undefined;
  /** CI's second pass: the owner role migrates, the application role serves (DATABASE_OWNER_URL). */
  ownerUrl: string | undefined;
  dispose(): Promise<void>;
}

/** Makes a place for an in-process stack, migrated and seeded with `patients` patients (closed again, for the stack to open). */
export async function seededScratchPlace(prefix: string, patients: number): Promise<SeededPlace> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const fresh = process.env.DATABASE_URL ? await createFreshDatabase(process.env.DATABASE_URL) : undefined;
  const db = await openDatabase({ databaseUrl: fresh?.url, ownerUrl: fresh?.ownerUrl, dataDir });
  await migrateDatabase(db);
  await seedDatabase(db.prisma, { patients });
  await db.close();
  return {
    dataDir,
    databaseUrl: fresh?.url,
    ownerUrl: fresh?.ownerUrl,
    async dispose() {
      await fresh?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
