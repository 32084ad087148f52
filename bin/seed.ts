// `npx tsx bin/seed.ts [patients]` (else SEED_PATIENTS): migrates the configured database (DATABASE_URL,
// as DATABASE_OWNER_URL when set; else the embedded PGlite in DATA_DIR) and fills it with the
// demo data set, only when it has no patients yet.
import { loadConfig } from '../shared/config';
import { openDatabase } from '../shared/db/database';
import { migrateDatabase, seedOnce } from '../shared/db/prepare';
import { demoSeeder } from './demo-data';

async function main(): Promise<void> {
  const config = loadConfig();
  const arg = process.argv[2];
  const patients = arg === undefined ? config.seedPatients : Number(arg);
  if (patients !== undefined && (!Number.isInteger(patients) || patients < 0)) {
    throw new Error(`The patient count must be a whole number, got "${arg}"`);
  }
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    ownerUrl: config.audit.ownerUrl,
    dataDir: config.dataDir,
    poolSize: 2,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
  });
  try {
    const applied = await migrateDatabase(db);
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
    const started = Date.now();
    const summary = await seedOnce(db, demoSeeder(patients));
    if (!summary) {
      console.log(`${db.description} already has patients: not seeding.`);
      return;
    }
    console.log(`Seeded ${db.description} in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
    console.table(summary);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
