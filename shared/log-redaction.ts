// What never reaches a log line: credentials (authorization headers, cookies, tokens, secrets,
// passwords, API keys) and protected health information (names, email, date of birth, phone,
// address, lab values, conditions, medications, message text). One list of property names,
// made into pino redaction paths for every logger (shared/logger.ts, clients/mcp/log.ts):
// such a property is replaced by "[Redacted]" at the top of a logged object and up to
// REDACTION_DEPTH objects down (`req.headers.authorization`, `req.body.variables.email`).
import type { LoggerOptions } from 'pino';

/** Property names whose values are credentials. Matched exactly (case-sensitive), as sent or logged. */
export const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'apiKey',
  'api_key',
  'privateKey',
] as const;

/** Property names whose values identify a patient or describe their health. */
export const PHI_KEYS = [
  'email',
  'firstName',
  'lastName',
  'first_name',
  'last_name',
  'fullName',
  'dateOfBirth',
  'date_of_birth',
  'birthDate',
  'phone',
  'phoneNumber',
  'address',
  'addressLine1',
  'addressLine2',
  'postalCode',
  'readings',
  'rawValue',
  'labValues',
  'conditions',
  'medications',
  'content',
] as const;

export const REDACTED_KEYS: readonly string[] = [...SECRET_KEYS, ...PHI_KEYS];

/**
 * How many objects down a key is still found. Each level is one more wildcard path per key, and
 * pino's redaction cost grows with them: measured here for this list, a line with an object costs
 * ~20 µs without redaction, ~190 µs with two levels, ~340 µs with three, ~540 µs with four; a
 * child logger ~50 µs with three. Lines with objects are rare (errors, start-up, jobs) and
 * subgraphs make a request's child logger only when the request logs; three levels cover a
 * request as it would be logged (`req.body.variables.<key>`).
 */
export const REDACTION_DEPTH = 3;

export const REDACTED = '[Redacted]';

/** `key`, `*.key`, `*.*.key`… down to REDACTION_DEPTH; names that are not identifiers (dashes) in brackets. */
export function redactionPaths(keys: readonly string[] = REDACTED_KEYS, depth = REDACTION_DEPTH): string[] {
  return keys.flatMap((key) => {
    const plain = /^[A-Za-z_$][\w$]*$/.test(key);
    return Array.from({ length: depth + 1 }, (_, level) => {
      const parents = Array<string>(level).fill('*').join('.');
      if (plain) return parents ? `${parents}.${key}` : key;
      return `${parents}["${key}"]`;
    });
  });
}

/** pino's `redact` option for every logger of the platform. */
export const logRedaction: LoggerOptions['redact'] = { paths: redactionPaths(), censor: REDACTED };
