// The protocols subgraph's data-access object: the Prisma client typed down to the models protocols
// owns (shared/db/ownership.ts), plus transactions and raw SQL. Its loaders read through it, so
// reaching another domain's model there does not compile; test/ownership.unit.test.ts scans the
// whole subgraph for the same rule.
import type { Prisma } from '../../shared/db/database';
import { ownedData, type OwnedData } from '../../shared/db/ownership';

export type ProtocolsData = OwnedData<'protocols'>;

export const protocolsData = (prisma: Prisma): ProtocolsData => ownedData(prisma, 'protocols');
