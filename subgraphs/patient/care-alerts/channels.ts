// Where care-alert notifications leave the platform. A channel delivers one notification or
// throws (the delivery queue retries it with backoff, then dead-letters it). The one channel
// today is a signed webhook (a paging or messaging system behind it); with none configured,
// alerts are still stored, streamed to subscribers and escalated.
import { createHmac } from 'node:crypto';
import type { CareAlert } from '../../../generated/prisma/client';
import type { WebhookSettings } from './config';

export type NotificationEvent = 'raised' | 'escalated';
/** Who should act: the care team when an alert is raised, the admins when it is escalated. */
export type Audience = 'care_team' | 'admins';

export interface CareAlertNotification {
  /** The delivery's id: the receiver's idempotency key (a retry repeats it). */
  id: string;
  event: NotificationEvent;
  audience: Audience;
  escalationLevel: number;
  alert: Pick<CareAlert, 'id' | 'profileId' | 'kind' | 'severity' | 'title' | 'status' | 'occurredAt' | 'createdAt' | 'sourceService' | 'sourceType' | 'sourceId'>;
}

export interface NotificationChannel {
  readonly name: string;
  deliver(notification: CareAlertNotification): Promise<void>;
}

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (the timestamp lets a receiver refuse replays). */
export const SIGNATURE_HEADER = 'x-loop-signature';

export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The body a receiver gets: the minimum a pager needs (no names, no contact details; the title names the finding). */
export function webhookBody(notification: CareAlertNotification, sentAt = new Date()): string {
  const { alert } = notification;
  return JSON.stringify({
    id: notification.id,
    type: `care_alert.${notification.event}`,
    audience: notification.audience,
    escalationLevel: notification.escalationLevel,
    sentAt: sentAt.toISOString(),
    alert: {
      id: alert.id,
      patientId: alert.profileId,
      kind: alert.kind,
      severity: alert.severity,
      title: alert.title,
      status: alert.status,
      occurredAt: new Date(alert.occurredAt).toISOString(),
      raisedAt: new Date(alert.createdAt).toISOString(),
      source: { service: alert.sourceService, type: alert.sourceType, id: alert.sourceId },
    },
  });
}

export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook';

  constructor(private readonly settings: WebhookSettings) {}

  async deliver(notification: CareAlertNotification): Promise<void> {
    const body = webhookBody(notification);
    const timestamp = Math.floor(Date.now() / 1000);
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'loop-health-care-alerts/1',
          [SIGNATURE_HEADER]: signature(this.settings.secret, timestamp, body),
          'x-loop-delivery': notification.id,
          'x-loop-event': `care_alert.${notification.event}`,
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw new Error(`webhook unreachable: ${(error as Error).name === 'TimeoutError' ? `no answer within ${this.settings.timeoutMs} ms` : (error as Error).message}`);
    }
    await response.body?.cancel().catch(() => {});
    if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
  }
}

export function channelsFrom(settings: { webhook: WebhookSettings | null }): NotificationChannel[] {
  return settings.webhook ? [new WebhookChannel(settings.webhook)] : [];
}
