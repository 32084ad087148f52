// The response size limit (RESPONSE_MAX_BYTES): a result that serializes larger is replaced by
// the OPERATION_LIMIT error, on the gateway and on every subgraph (Apollo's stringifyResult, or
// resultOverLimit for an answer handed over in-process).
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

/**
 * overResponseLimit for a result that is not sent as text (an in-process subgraph answer): most
 * are measured by an upper bound on their JSON's size, without building the text; only one whose
 * bound passes maxBytes is serialized to measure it exactly.
 */
export function resultOverLimit(result: unknown, maxBytes: number): { errors: GraphQLFormattedError[] } | null {
  return jsonBytesAtMost(result, maxBytes) <= maxBytes ? null : overResponseLimit(JSON.stringify(result), maxBytes);
}

/** The longest JSON number: 17 digits after "-0.00000" ("-0.0000012345678901234567"). */
const MAX_NUMBER_CHARS = 25;
/** A UTF-16 unit is at most 6 bytes in JSON (a `\u001f` escape); UTF-8 takes at most 3. */
const MAX_BYTES_PER_UNIT = 6;

/**
 * An upper bound on the UTF-8 bytes of JSON.stringify(value) (never less), counted as
 * JSON.stringify walks it (an object's toJSON called once, boxed primitives unboxed); it stops
 * counting once past `stopAt`.
 */
export function jsonBytesAtMost(value: unknown, stopAt: number): number {
  const toJSON = value !== null && typeof value === 'object' ? (value as { toJSON?: unknown }).toJSON : undefined;
  return boundOf(typeof toJSON === 'function' ? toJSON.call(value) : value, stopAt);
}

function boundOf(value: unknown, stopAt: number): number {
  switch (typeof value) {
    case 'string':
      return value.length * MAX_BYTES_PER_UNIT + 2;
    case 'number':
      return MAX_NUMBER_CHARS;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      if (value instanceof Number || value instanceof String || value instanceof Boolean) return boundOf(value.valueOf(), stopAt);
      let total = 2;
      if (Array.isArray(value)) {
        for (const item of value) {
          total += jsonBytesAtMost(item, stopAt) + 1;
          if (total > stopAt) return total;
        }
        return total;
      }
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        total += key.length * MAX_BYTES_PER_UNIT + 4 + jsonBytesAtMost((value as Record<string, unknown>)[key], stopAt);
        if (total > stopAt) return total;
      }
      return total;
    }
    default:
      // undefined, functions, symbols: left out of objects, null in arrays; a bigint makes JSON.stringify throw, as it would here.
      if (typeof value === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
      return 4;
  }
}
