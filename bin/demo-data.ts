// The demo data set as a seeder for shared/db/prepare.ts: it fills a database that has no
// patients yet and leaves one that has them alone. Lives in bin/ (process wiring), so that
// shared/ never imports the seed.
import type { Seeder } from '../shared/db/prepare';
import { seedDatabase } from '../prisma/seed';

/** Seeds the demo data set with `patients` patients (else the seed's default) into an empty database. */
export function demoSeeder(patients?: number): Seeder {
  return async (prisma) => {
    if ((await prisma.customerProfile.count()) > 0) return null;
    return seedDatabase(prisma, { patients });
  };
}
