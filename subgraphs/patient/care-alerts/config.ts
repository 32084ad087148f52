// Care-alert settings as the workers use them, derived from the process's settings (declared,
// typed and defaulted in shared/config/settings.ts, `CARE_ALERT_…`).
import type { Config } from '../../../shared/config';
import type { CareAlertSeverity } from '../../../shared/domain/care-alerts';

export interface WebhookSettings {
  url: string;
  /** The HMAC-SHA256 key of the signature header. */
  secret: string;
  timeoutMs: number;
}

export interface CareAlertsConfig {
  escalateAfterSeconds: Record<CareAlertSeverity, number>;
  escalationRepeatSeconds: number;
  maxEscalations: number;
  pollSeconds: number;
  /** Null: no webhook; alerts are still stored, streamed and escalated. */
  webhook: WebhookSettings | null;
  webhookRetryLimit: number;
  webhookRetryDelaySeconds: number;
}

export function careAlertsConfig({ careAlerts: settings }: Pick<Config, 'careAlerts'>): CareAlertsConfig {
  return {
    escalateAfterSeconds: { CRITICAL: settings.escalateCRITICAL, HIGH: settings.escalateHIGH, MEDIUM: settings.escalateMEDIUM, LOW: settings.escalateLOW },
    escalationRepeatSeconds: settings.escalationRepeatSeconds,
    maxEscalations: settings.maxEscalations,
    pollSeconds: settings.pollSeconds,
    // loadConfig() refuses a URL without its secret.
    webhook: settings.webhookUrl ? { url: settings.webhookUrl, secret: settings.webhookSecret!, timeoutMs: settings.webhookTimeoutMs } : null,
    webhookRetryLimit: settings.webhookRetryLimit,
    webhookRetryDelaySeconds: settings.webhookRetryDelaySeconds,
  };
}
