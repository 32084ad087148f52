// A turn's writes. The user's message (and the reply's PENDING placeholder) are stored before
// the turn starts; the end of the turn completes or fails the reply, moves the conversation's
// lastMessageAt and logs the clinical interaction, all in one transaction.
import { raiseCareAlert, type CareAlertRequest } from '../../../shared/domain/care-alerts';
import type { Prisma } from '../../../shared/db/database';
import type { JobQueue } from '../../../shared/queue/jobs';
import type { ChatMessage } from '../../../generated/prisma/client';
import type { GuardrailRecord, ToolCallRecord } from '../messages';
import type { MessageJson } from './events';

export interface ClinicalInteractionRecord {
  kind: 'emergency' | 'guardrail_intervention' | 'health_information' | 'general_question';
  severity: 'critical' | 'high' | 'medium' | 'low';
  detail: Record<string, unknown>;
}

export interface TurnEnding {
  turnId: string;
  conversationId: string;
  patientId: string;
  status: 'COMPLETE' | 'FAILED';
  content: string;
  toolCalls: ToolCallRecord[];
  guardrails: GuardrailRecord[];
  interaction: ClinicalInteractionRecord | null;
  /** A care alert the turn raises with its ending (an emergency message): raised in the same transaction. */
  alert?: CareAlertRequest | null;
}

export function messageJson(message: ChatMessage): MessageJson {
  return {
    id: message.id,
    conversationId: message.conversationId,
    role: message.role,
    content: message.content,
    status: message.status,
    toolCalls: message.toolCalls ?? [],
    guardrails: message.guardrails ?? [],
    createdAt: message.createdAt.toISOString(),
  };
}

/** `queue`: where the ending's care alert is raised. */
export async function finishTurn(prisma: Prisma, queue: JobQueue, ending: TurnEnding): Promise<ChatMessage> {
  return prisma.$transaction(async (tx) => {
    const message = await tx.chatMessage.update({
      where: { id: ending.turnId },
      data: { status: ending.status, content: ending.content, toolCalls: ending.toolCalls as never, guardrails: ending.guardrails as never },
    });
    await tx.conversation.update({ where: { id: ending.conversationId }, data: { lastMessageAt: new Date() } });
    if (ending.interaction) {
      await tx.clinicalInteraction.create({
        data: {
          conversationId: ending.conversationId,
          profileId: ending.patientId,
          kind: ending.interaction.kind,
          severity: ending.interaction.severity,
          detail: { ...ending.interaction.detail, messageId: ending.turnId } as never,
        },
      });
    }
    if (ending.alert) await raiseCareAlert(queue, tx, ending.alert);
    return message;
  });
}

/** Replies left PENDING by a process that died mid-turn: failed, so the conversation can go on. */
export async function failAbandonedTurns(prisma: Prisma, olderThan: Date): Promise<number> {
  const { count } = await prisma.chatMessage.updateMany({
    where: { role: 'ASSISTANT', status: 'PENDING', createdAt: { lt: olderThan } },
    data: { status: 'FAILED', content: 'Luna was interrupted before finishing this answer. Please ask again.' },
  });
  return count;
}
