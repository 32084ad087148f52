// The tokens under which subgraphs keep a keyed mutation's write receipts (shared/audit/receipts.ts):
// the key's scope (principal, key and the operation's hash: another principal or other variables
// never share receipts), and per subgraph fetch a token from the scope and that fetch's exact
// query and variables (two fetches of one operation never share one either). The gateway signs the
// token into the fetch (shared/trust/envelope.ts): no client can name one.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted: the same variables hash the same whatever their order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

export function idempotencyScope(principal: string, key: string, requestHash: string): string {
  return sha256(canonicalJson(['idempotency-scope', principal, key, requestHash]));
}

export function fetchToken(scope: string, query: string, variables: unknown): string {
  return sha256(canonicalJson(['idempotency-fetch', scope, query, variables ?? {}]));
}
