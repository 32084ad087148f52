// The response size limit (RESPONSE_MAX_BYTES): a result that serializes larger is replaced by
// the OPERATION_LIMIT error, on the gateway and on every subgraph (Apollo's stringifyResult).
import type { GraphQLFormattedError } from 'graphql';
import { operationLimitError } from './operation';

export function boundedStringify(maxBytes: number): (value: unknown) => string {
  return (value) => {
    const text = JSON.stringify(value);
    const refusal = overResponseLimit(text, maxBytes);
    return refusal ? JSON.stringify(refusal) : text;
  };
}

/** The answer that replaces a result serialized as `text` when it is larger than maxBytes (null when it is not). */
export function overResponseLimit(text: string, maxBytes: number): { errors: GraphQLFormattedError[] } | null {
  // UTF-8 is at most 3 bytes per UTF-16 unit: most responses are measured without encoding them.
  const bytes = text.length * 3 <= maxBytes ? text.length : Buffer.byteLength(text);
  if (bytes <= maxBytes) return null;
  const error = operationLimitError({ limit: 'responseBytes', allowed: maxBytes, measured: bytes });
  return { errors: [{ message: error.message, extensions: error.extensions }] };
}
