// Keeps PHI out of exported spans. The platform's own spans put none in (operation names, field
// paths, loader names, SQL text with placeholders); the HTTP instrumentations record URLs, and a
// URL's query string can carry a client's values (`GET /graphql?variables=…`, a FHIR search's
// `patient=`). Every URL attribute loses its query values before a span is exported; the
// parameter names stay (they are the API's, not the caller's).
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Attributes that hold a URL or a request target (old and current HTTP semantic conventions). */
export const URL_ATTRIBUTES = ['url.full', 'url.query', 'http.url', 'http.target', 'url.original'];
export const REDACTED = 'REDACTED';

/** `"/graphql?query=…&variables=…"` → `"/graphql?query=REDACTED&variables=REDACTED"`. */
export function scrubQuery(value: string): string {
  const mark = value.indexOf('?');
  // url.query holds the query alone, without the "?".
  const [head, query] = mark === -1 ? (value.includes('=') ? ['', value] : [value, '']) : [value.slice(0, mark + 1), value.slice(mark + 1)];
  if (!query) return value;
  const scrubbed = query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      return equals === -1 ? pair : `${pair.slice(0, equals)}=${REDACTED}`;
    })
    .join('&');
  return `${head}${scrubbed}`;
}

/** A span processor that rewrites URL attributes while the span can still be changed (before export). */
export class ScrubbingSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _context: Context): void {}

  onEnding(span: Span): void {
    for (const key of URL_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string') span.setAttribute(key, scrubQuery(value));
    }
  }

  onEnd(_span: ReadableSpan): void {}

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
