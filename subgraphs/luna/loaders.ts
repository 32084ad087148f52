// Luna's per-request DataLoaders: the patient's existence, conversations, messages and clinical interactions, one query per batch.
import { lunaData } from './data';
import { patientFactsLoader } from '../../shared/domain/patient-facts';
import type { LoaderDeps } from '../../shared/server/subgraph';
import { badUserInput } from '../../shared/graphql/errors';
import { countLoader, entityLoader, filteredRelationLoader, relationLoader } from '../../shared/graphql/loaders';
import { Prisma as Sql, type ChatMessage, type Conversation } from '../../generated/prisma/client';

/** One page per parent: `take` rows (page size + 1, to know whether there is a next page) after the row `after`. */
export interface PageFilter {
  take: number;
  after: string | null;
}

export function createLunaLoaders({ prisma: client, ports, reads }: LoaderDeps) {
  const prisma = lunaData(client);
  return {
    /** Existence only (luna uses nothing else of the facts), from the patient subgraph's reader. */
    patient: patientFactsLoader(ports.patientFacts),
    conversation: entityLoader((ids) => prisma.conversation.findMany({ where: { id: { in: [...ids] } } })),
    /**
     * A page of conversations per patient, most recently active first, in one statement for all
     * patients (a LATERAL subquery keeps each patient's page bounded).
     */
    conversationPages: filteredRelationLoader(async (ids, filter: PageFilter): Promise<Conversation[]> => {
      let after = Sql.empty;
      if (filter.after) {
        const cursor = await prisma.conversation.findUnique({ where: { id: filter.after }, select: { id: true, lastMessageAt: true } });
        if (!cursor) throw badUserInput('after', 'does not point into this list');
        after = Sql.sql`AND (c0.last_message_at, c0.id) < (${cursor.lastMessageAt}::timestamptz, ${cursor.id}::uuid)`;
      }
      return prisma.$queryRaw<Conversation[]>(Sql.sql`
        SELECT c.id, c.profile_id AS "profileId", c.title, c.status::text AS status,
               c.last_message_at AS "lastMessageAt", c.created_at AS "createdAt"
        FROM unnest(ARRAY[${Sql.join(ids)}]::uuid[]) AS p(id)
        CROSS JOIN LATERAL (
          SELECT c0.* FROM "patient_graph"."conversation_history" c0
          WHERE c0.profile_id = p.id ${after}
          ORDER BY c0.last_message_at DESC, c0.id DESC
          LIMIT ${filter.take}
        ) c
        ORDER BY c.profile_id, c.last_message_at DESC, c.id DESC`);
    }, (row) => row.profileId),
    /** Conversations per patient, past Prisma's model layer (the dashboard counts fifty patients'). */
    conversationCounts: countLoader((ids) =>
      reads<{ parentId: string; count: number }>(
        `SELECT profile_id::text AS "parentId", count(*)::int AS count
           FROM patient_graph.conversation_history WHERE profile_id = ANY($1::uuid[]) GROUP BY profile_id`,
        [[...ids]],
      ),
    ),
    /** A page of messages per conversation, oldest first, in one statement for all conversations. */
    messagePages: filteredRelationLoader(async (ids, filter: PageFilter): Promise<ChatMessage[]> => {
      let after = Sql.empty;
      if (filter.after) {
        const cursor = await prisma.chatMessage.findUnique({ where: { id: filter.after }, select: { id: true, createdAt: true } });
        if (!cursor) throw badUserInput('after', 'does not point into this list');
        after = Sql.sql`AND (m0.created_at, m0.id) > (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`;
      }
      return prisma.$queryRaw<ChatMessage[]>(Sql.sql`
        SELECT m.id, m.conversation_id AS "conversationId", m.role::text AS role, m.content, m.status::text AS status,
               m.tool_calls AS "toolCalls", m.guardrails, m.created_at AS "createdAt"
        FROM unnest(ARRAY[${Sql.join(ids)}]::uuid[]) AS p(id)
        CROSS JOIN LATERAL (
          SELECT m0.* FROM "patient_graph"."conversation_messages" m0
          WHERE m0.conversation_id = p.id ${after}
          ORDER BY m0.created_at ASC, m0.id ASC
          LIMIT ${filter.take}
        ) m
        ORDER BY m.conversation_id, m.created_at ASC, m.id ASC`);
    }, (row) => row.conversationId),
    /** Each conversation's clinical interactions, newest first. */
    clinicalInteractions: relationLoader(
      (ids) => prisma.clinicalInteraction.findMany({ where: { conversationId: { in: [...ids] } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
      (row) => row.conversationId!,
    ),
    messageCounts: countLoader(async (ids) =>
      (await prisma.chatMessage.groupBy({ by: ['conversationId'], where: { conversationId: { in: [...ids] } }, _count: { _all: true } })).map(
        (row) => ({ parentId: row.conversationId, count: row._count._all }),
      ),
    ),
  };
}

export type LunaLoaders = ReturnType<typeof createLunaLoaders>;
