// Writes that open conversations and take a user's message in.
import { GraphQLError } from 'graphql';
import type { Prisma } from '../../shared/db/database';
import { ErrorCode } from '../../shared/graphql/errors';
import { appendPatientEvent } from '../../shared/domain/patient-events';
import type { ChatMessage, Conversation, Prisma as Db } from '../../generated/prisma/client';

type Tx = Db.TransactionClient;

export const DEFAULT_TITLE = 'New conversation';
/** A conversation started by a message is titled with its opening words. */
const TITLE_CHARS = 60;

export function titleFrom(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length <= TITLE_CHARS ? line : `${line.slice(0, TITLE_CHARS - 1).replace(/\s+\S*$/, '')}…`;
}

/** A new conversation and its timeline event, inside the caller's transaction. */
export async function openConversation(tx: Tx, profileId: string, title: string): Promise<Conversation> {
  const conversation = await tx.conversation.create({ data: { profileId, title } });
  await appendPatientEvent(tx, {
    patientId: profileId,
    type: 'LUNA_CONVERSATION',
    title: `Conversation with Luna: ${title}`,
    source: 'luna',
    detail: { conversationId: conversation.id },
  });
  return conversation;
}

export interface ReceivedMessage {
  conversation: Conversation;
  message: ChatMessage;
  /** Luna's reply, PENDING until the turn ends. */
  reply: ChatMessage;
}

function busy(): GraphQLError {
  return new GraphQLError('Luna is still answering the previous message in this conversation', { extensions: { code: ErrorCode.RATE_LIMITED } });
}

/**
 * Stores the user's message and the reply's placeholder in one transaction (opening the
 * conversation first when there is none). The conversation row is locked while it checks that
 * no other answer is being written: two messages cannot start two turns at once.
 */
export async function receiveMessage(
  prisma: Prisma,
  input: { conversation: Conversation | null; profileId: string; text: string; pendingAfter: Date; author: { id: string | null; role: string } },
): Promise<ReceivedMessage> {
  return prisma.$transaction(async (tx) => {
    let conversation = input.conversation;
    if (conversation) {
      await tx.$queryRaw`SELECT id FROM "patient_graph"."conversation_history" WHERE id = ${conversation.id}::uuid FOR UPDATE`;
      const pending = await tx.chatMessage.findFirst({
        where: { conversationId: conversation.id, status: 'PENDING', createdAt: { gt: input.pendingAfter } },
        select: { id: true },
      });
      if (pending) throw busy();
    } else {
      conversation = await openConversation(tx, input.profileId, titleFrom(input.text));
    }
    // Explicit instants keep the order (the reply after its question) inside one transaction.
    const now = Date.now();
    const message = await tx.chatMessage.create({
      data: { conversationId: conversation.id, role: 'USER', content: input.text, status: 'COMPLETE', authorId: input.author.id, authorRole: input.author.role, createdAt: new Date(now) },
    });
    const reply = await tx.chatMessage.create({ data: { conversationId: conversation.id, role: 'ASSISTANT', content: '', status: 'PENDING', createdAt: new Date(now + 1) } });
    conversation = await tx.conversation.update({ where: { id: conversation.id }, data: { lastMessageAt: new Date(now + 1) } });
    return { conversation, message, reply };
  });
}
