// A turn's events as subscribers receive them (the LunaEvent types of the schema), published
// on the conversation's replayable topic: the turn's first event opens a new replay window, so
// a subscriber that arrives late still reads the current turn from its beginning.
import type { Logger } from '../../../shared/logger';
import { topics, type PubSub } from '../../../shared/pubsub';
import { REPLAY_MAX_EVENTS } from '../config';
import type { EmergencySeverity } from '../emergency';

/** A stored message as it travels in an event (JSON: dates as ISO strings). */
export interface MessageJson {
  id: string;
  conversationId: string;
  role: 'USER' | 'ASSISTANT';
  content: string;
  status: 'COMPLETE' | 'PENDING' | 'FAILED';
  toolCalls: unknown;
  guardrails: unknown;
  createdAt: string;
}

export type LunaEventBody =
  | { __typename: 'LunaTurnStarted'; messageId: string; model: string }
  | { __typename: 'LunaTextDelta'; text: string }
  | { __typename: 'LunaToolCallStarted'; callId: string; name: string; argumentsSummary: string }
  | { __typename: 'LunaToolCallFinished'; callId: string; name: string; ok: boolean; resultSize: number | null; durationMs: number; error: string | null }
  | { __typename: 'LunaGuardrailNotice'; check: string; action: string; detail: string | null }
  | { __typename: 'LunaEmergencyNotice'; category: string; severity: EmergencySeverity; emergencyNumber: string; crisisLine: string | null }
  | { __typename: 'LunaTurnDone'; message: MessageJson }
  | { __typename: 'LunaTurnError'; code: string; reason: string; attempts: number; message: MessageJson };

export type LunaEvent = LunaEventBody & { conversationId: string; turnId: string; sequence: number; at: string };

export class TurnEvents {
  private sequence = 0;

  constructor(
    private readonly pubsub: PubSub,
    private readonly ids: { conversationId: string; turnId: string },
    private readonly replaySeconds: number,
    private readonly log: Logger,
  ) {}

  /** Publishes one event. A pub/sub failure is logged, not thrown: the turn is stored regardless. */
  async emit(body: LunaEventBody): Promise<void> {
    const sequence = ++this.sequence;
    const event: LunaEvent = { ...body, ...this.ids, sequence, at: new Date().toISOString() };
    try {
      await this.pubsub.publishReplayable(topics.lunaConversation(this.ids.conversationId), event, {
        maxLength: REPLAY_MAX_EVENTS,
        ttlSeconds: this.replaySeconds,
        restart: sequence === 1,
      });
    } catch (error) {
      this.log.warn({ err: error, turnId: this.ids.turnId, event: body.__typename }, 'could not publish a Luna event');
    }
  }
}
