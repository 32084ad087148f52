// The labs subgraph's data-access object: the Prisma client typed down to the models labs
// owns (shared/db/ownership.ts), plus transactions and raw SQL. Its loaders read through it, so
// reaching another domain's model there does not compile; test/ownership.unit.test.ts scans the
// whole subgraph for the same rule.
import type { Prisma } from '../../shared/db/database';
import { ownedData, type OwnedData } from '../../shared/db/ownership';

export type LabsData = OwnedData<'labs'>;

export const labsData = (prisma: Prisma): LabsData => ownedData(prisma, 'labs');
