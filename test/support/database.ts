// A database of a test's own, of the same kind as the run's: a fresh database on the
// PostgreSQL server when DATABASE_URL is set, else a PGlite in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../shared/db/database';
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
