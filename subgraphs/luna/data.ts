// The luna subgraph's data-access object: the Prisma client typed down to the models luna
// owns (shared/db/ownership.ts), plus transactions and raw SQL. Its loaders read through it, so
// reaching another domain's model there does not compile; test/ownership.unit.test.ts scans the
// whole subgraph for the same rule.
import type { Prisma } from '../../shared/db/database';
import { ownedData, type OwnedData } from '../../shared/db/ownership';

export type LunaData = OwnedData<'luna'>;

export const lunaData = (prisma: Prisma): LunaData => ownedData(prisma, 'luna');
