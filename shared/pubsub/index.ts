// One pub/sub abstraction for domain events (a reading stored, a lab result added, a Luna
// turn's progress): in-process by default, Redis when REDIS_URL is set so an event published
// by any replica reaches subscribers on every replica. Payloads are JSON either way, so code
// behaves the same in both. Replayable topics also keep their recent events for late
// subscribers (see PubSub.subscribeWithReplay).
import { LocalPubSub } from './local';
import { RedisPubSub } from './redis';
import type { PubSub } from './types';

export type { PubSub, ReplayOptions } from './types';
export { DEFAULT_MAX_QUEUED_EVENTS } from './queue';
export { LocalPubSub } from './local';
export { RedisPubSub, REDIS_CHANNEL_PREFIX } from './redis';

export function createPubSub(redisUrl: string | undefined): PubSub {
  return redisUrl ? new RedisPubSub(redisUrl) : new LocalPubSub();
}

/** The topics of the platform's live streams, in one place. */
export const topics = {
  wearableReadingAdded: (patientId: string) => `wearables.reading-added.${patientId}`,
  labResultAdded: (patientId: string) => `labs.result-added.${patientId}`,
  /** Replayable: the events of a conversation's Luna turns. */
  lunaConversation: (conversationId: string) => `luna.conversation.${conversationId}`,
  /** The catalog's clinical rules changed (a dosing range, a contraindication): caches of them are stale. */
  catalogChanged: 'content.catalog-changed',
  /** Any published content changed (a content mutation succeeded): caches of public answers are stale. */
  contentChanged: 'content.changed',
  /** A care alert was raised or escalated (for every patient: the care team's queue). */
  careAlertRaised: 'care.alert-raised',
};
