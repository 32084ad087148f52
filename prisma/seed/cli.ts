// `npx tsx prisma/seed/cli.ts [patients]` (else SEED_PATIENTS): migrates the configured database (DATABASE_URL,
// as DATABASE_OWNER_URL when set; else the embedded PGlite in DATA_DIR) and fills it with the
// demo data set, only when it has no patients yet.
import { loadConfig } from '../../shared/config';
import { openDatabase } from '../../shared/db/database';
import { migrateDatabase } from '../../shared/db/prepare';
import { seedDatabase } from './index';

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
    const [{ count }] = await db.sql.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM "patient_graph"."customer_profiles"',
    );
    if (count > 0) {
      console.log(`${db.description} already has ${count} patients: not seeding.`);
      return;
    }
    const started = Date.now();
    const summary = await seedDatabase(db.prisma, { patients });
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
