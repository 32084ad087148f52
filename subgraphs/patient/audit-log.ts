// Reading the audit trail (the rows every subgraph appends through shared/rbac/audit.ts).
import type { Prisma } from '../../shared/db/database';
import { badUserInput, parseId } from '../../shared/graphql/errors';
import { decodeCursor, encodeCursor, pageSize } from '../../shared/graphql/pagination';

export interface AuditLogFilter {
  actor?: string | null;
  patient?: string | null;
  resource?: string | null;
  decision?: 'ALLOW' | 'DENY' | null;
  requestId?: string | null;
  correlationId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export async function auditLogPage(prisma: Prisma, filter: AuditLogFilter | null | undefined, args: { first?: number | null; after?: string | null }) {
  const size = pageSize(args.first, 50);
  if (filter?.from && filter.to && filter.from > filter.to) throw badUserInput('filter.from', 'is after filter.to');
  let before: bigint | undefined;
  if (args.after) {
    const raw = decodeCursor(args.after);
    if (!/^\d+$/.test(raw)) throw badUserInput('after', 'is not a cursor this API returned');
    before = BigInt(raw);
  }
  const rows = await prisma.rbacLog.findMany({
    where: {
      actorId: filter?.actor ?? undefined,
      patientId: filter?.patient ? parseId('filter.patient', filter.patient) : undefined,
      resource: filter?.resource ?? undefined,
      decision: filter?.decision ?? undefined,
      requestId: filter?.requestId ?? undefined,
      correlationId: filter?.correlationId ?? undefined,
      createdAt: filter?.from || filter?.to ? { gte: filter?.from ?? undefined, lte: filter?.to ?? undefined } : undefined,
      id: before !== undefined ? { lt: before } : undefined,
    },
    orderBy: { id: 'desc' },
    take: size + 1,
  });
  const page = rows.slice(0, size).map((row) => ({ ...row, id: row.id.toString() }));
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(node.id), node })),
    pageInfo: { hasNextPage: rows.length > size, endCursor: page.length ? encodeCursor(page[page.length - 1].id) : null },
  };
}
