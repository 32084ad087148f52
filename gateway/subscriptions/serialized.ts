// An event fanned out to many graphql-ws subscribers is serialized once: the fan-out
// (fanout.ts) turns the group's result into the JSON of a graphql-ws `next` payload one time and
// each subscriber's socket gets it with its own operation id in front, written straight away.
// Without this, every subscriber's copy went through graphql-ws's own loop (a promise chain, the
// message copied, validated and stringified per subscriber), which at 10,000 subscribers was
// most of an event's CPU and garbage. The frame is the one graphql-ws would have sent.
import type { ExecutionResult } from 'graphql';
import WebSocket from 'ws';

/** Takes an event's result already serialized (nextPayloadJson), for one client subscription. */
export interface SerializedSink {
  next(payloadJson: string): void;
}

/** The `payload` of graphql-ws's `next` message for `result`, as JSON (errors as their toJSON(), as graphql-ws sends them). */
export function nextPayloadJson(result: ExecutionResult): string {
  const { errors, ...rest } = result;
  if (!errors) return JSON.stringify(rest);
  return JSON.stringify({ ...rest, errors: errors.map((error) => (typeof error.toJSON === 'function' ? error.toJSON() : error)) });
}

/** Writes `next` messages for operation `id` on a graphql-ws socket (nothing once the socket is no longer open). */
export function socketSink(socket: WebSocket, id: string): SerializedSink {
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  return {
    next(payloadJson) {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(`${head}${payloadJson}}`);
    },
  };
}
