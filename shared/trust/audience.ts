// The requests one subgraph fetch is made for, when the gateway makes it once for many: a
// subscription event resolved once and fanned out to every subscriber of the same selection and
// caller (gateway/subscriptions/fanout.ts), or identical queries of one caller gathered into one
// execution (gateway/gathered-reads.ts). It travels in the body's `extensions`, which the
// gateway's signature covers (the body hash), and the subgraph writes each decision's audit row
// for each of these requests (shared/rbac/audit.ts), in one statement.

/** The body extension carrying the audience. */
export const AUDIENCE_EXTENSION = 'fanoutAudience';

/** One subscriber's request, as the gateway established it (as ForwardedRequest has it). */
export interface AudienceMember {
  requestId: string;
  correlationId: string | null;
  clientIp: string | null;
  operationName: string | null;
  /**
   * A request the gateway names in one execution only (gathered reads), where a subscriber is
   * named again on every event: its rows are not remembered as written (shared/rbac/audit.ts).
   */
  once?: true;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The audience in a signed body's extensions, or null when there is none (or it is not one). */
export function audienceOf(extensions: unknown): AudienceMember[] | null {
  const list = (extensions as Record<string, unknown> | null | undefined)?.[AUDIENCE_EXTENSION];
  if (!Array.isArray(list) || list.length === 0) return null;
  const members: AudienceMember[] = [];
  for (const entry of list as Record<string, unknown>[]) {
    const requestId = text(entry?.requestId);
    if (!requestId) return null;
    members.push({ requestId, correlationId: text(entry.correlationId), clientIp: text(entry.clientIp), operationName: text(entry.operationName), ...(entry.once === true && { once: true }) });
  }
  return members;
}

/**
 * The subscribe message's extension asking a subgraph to hold a subscription rather than stream
 * it: the subscribe resolver runs (the caller's RBAC check and its audit row, as for any
 * subscription), then the subgraph acknowledges with one HELD_ACK result and sends nothing more
 * until the gateway ends it. The gateway streams the events once per group of subscribers and
 * holds one such subscription per further subscriber (gateway/subscriptions/fanout.ts).
 */
export const HELD_EXTENSION = 'fanoutHeld';
/** The extension key on the acknowledgement of a held subscription (its `data` is null, no errors). */
export const HELD_ACK = 'fanoutHeldAck';
