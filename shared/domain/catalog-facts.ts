// Referential checks against the content catalog for domains that point at it by id
// (protocol items → peptides). Like patient-facts.ts, a read-only check in one place;
// the catalog's data itself reaches clients through the content subgraph.
import type { Prisma } from '../db/database';
import { badUserInput } from '../graphql/errors';

/** Throws BAD_USER_INPUT naming the first argument whose peptide id is not in the catalog. */
export async function assertPeptidesExist(prisma: Prisma, refs: { argument: string; peptideId: string }[]): Promise<void> {
  if (refs.length === 0) return;
  const found = await prisma.peptide.findMany({
    where: { id: { in: [...new Set(refs.map((r) => r.peptideId))] } },
    select: { id: true },
  });
  const known = new Set(found.map((p) => p.id));
  const missing = refs.find((r) => !known.has(r.peptideId));
  if (missing) throw badUserInput(missing.argument, `peptide ${missing.peptideId} is not in the catalog`);
}
