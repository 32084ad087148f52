// Care-alert settings, read from the environment in one function, each default named and
// explained here (to move into the central settings module when it lands).
import type { CareAlertSeverity } from '../../../shared/domain/care-alerts';

/**
 * CARE_ALERT_ESCALATE_<SEVERITY>_SECONDS: an alert nobody has acknowledged this long after it
 * was raised is escalated to the admins. Critical: 15 minutes, well inside the 30-60 minutes
 * within which hospital policies (CLIA, The Joint Commission NPSG.02.03.01) expect a critical
 * result to reach a responsible clinician.
 */
export const DEFAULT_ESCALATE_AFTER_SECONDS: Record<CareAlertSeverity, number> = { CRITICAL: 15 * 60, HIGH: 60 * 60, MEDIUM: 4 * 3600, LOW: 24 * 3600 };
/** CARE_ALERT_ESCALATION_REPEAT_SECONDS: after the first escalation, escalated again this often while still unacknowledged. */
export const DEFAULT_ESCALATION_REPEAT_SECONDS = 30 * 60;
/** CARE_ALERT_MAX_ESCALATIONS: escalations of one alert at most (then it waits in the queue, escalated). */
export const DEFAULT_MAX_ESCALATIONS = 10;
/** CARE_ALERT_POLL_SECONDS: how often a worker looks for jobs another process sent (this process's own wake it at once). */
export const DEFAULT_POLL_SECONDS = 1;
/** CARE_ALERT_WEBHOOK_TIMEOUT_MS: one webhook delivery attempt's deadline. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
/** CARE_ALERT_WEBHOOK_RETRY_LIMIT: retries of a failed delivery before it is dead-lettered. */
export const DEFAULT_WEBHOOK_RETRY_LIMIT = 5;
/** CARE_ALERT_WEBHOOK_RETRY_DELAY_SECONDS: the first retry's delay; it doubles per retry (with jitter). */
export const DEFAULT_WEBHOOK_RETRY_DELAY_SECONDS = 30;

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

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number of at least ${min}, got "${raw}"`);
  return value;
}

function webhookFrom(env: NodeJS.ProcessEnv): WebhookSettings | null {
  const url = env.CARE_ALERT_WEBHOOK_URL?.trim();
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`CARE_ALERT_WEBHOOK_URL must be an absolute URL, got "${url}"`);
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && env.NODE_ENV !== 'production')) {
    throw new Error('CARE_ALERT_WEBHOOK_URL must be https in production (alerts carry health information)');
  }
  const secret = env.CARE_ALERT_WEBHOOK_SECRET ?? '';
  if (secret.length < 32) throw new Error('CARE_ALERT_WEBHOOK_SECRET must be at least 32 characters when CARE_ALERT_WEBHOOK_URL is set');
  return { url, secret, timeoutMs: number(env, 'CARE_ALERT_WEBHOOK_TIMEOUT_MS', DEFAULT_WEBHOOK_TIMEOUT_MS, 100) };
}

export function loadCareAlertsConfig(env: NodeJS.ProcessEnv = process.env): CareAlertsConfig {
  const escalateAfterSeconds = Object.fromEntries(
    Object.entries(DEFAULT_ESCALATE_AFTER_SECONDS).map(([severity, seconds]) => [severity, number(env, `CARE_ALERT_ESCALATE_${severity}_SECONDS`, seconds, 1)]),
  ) as Record<CareAlertSeverity, number>;
  return {
    escalateAfterSeconds,
    escalationRepeatSeconds: number(env, 'CARE_ALERT_ESCALATION_REPEAT_SECONDS', DEFAULT_ESCALATION_REPEAT_SECONDS, 1),
    maxEscalations: number(env, 'CARE_ALERT_MAX_ESCALATIONS', DEFAULT_MAX_ESCALATIONS, 1),
    pollSeconds: number(env, 'CARE_ALERT_POLL_SECONDS', DEFAULT_POLL_SECONDS, 0.5),
    webhook: webhookFrom(env),
    webhookRetryLimit: number(env, 'CARE_ALERT_WEBHOOK_RETRY_LIMIT', DEFAULT_WEBHOOK_RETRY_LIMIT, 0),
    webhookRetryDelaySeconds: number(env, 'CARE_ALERT_WEBHOOK_RETRY_DELAY_SECONDS', DEFAULT_WEBHOOK_RETRY_DELAY_SECONDS, 1),
  };
}
