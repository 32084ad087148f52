// Events written to graphql-ws sockets serialized once per group (gateway/subscriptions/serialized.ts):
// each subscriber's frame is the `next` message graphql-ws itself would send, with its own id,
// and nothing is written to a socket that is no longer open.
import { GraphQLError } from 'graphql';
import { MessageType, stringifyMessage } from 'graphql-ws';
import WebSocket from 'ws';
import { nextPayloadJson, socketSink } from '../subscriptions/serialized';

function fakeSocket(readyState: number) {
  const sent: string[] = [];
  return { socket: { readyState, send: (data: string) => sent.push(data) } as unknown as WebSocket, sent };
}

/** The frame graphql-ws's server sends for `result` (its emit.next: errors as their toJSON()). */
function graphqlWsFrame(id: string, result: { data?: unknown; errors?: readonly GraphQLError[] }): unknown {
  const { errors, ...rest } = result;
  return JSON.parse(stringifyMessage({ id, type: MessageType.Next, payload: { ...rest, ...(errors ? { errors: errors.map((error) => error.toJSON()) } : {}) } as never }));
}

describe('events serialized once for many subscribers', () => {
  it("gives each subscriber graphql-ws's own next message, with its operation id", () => {
    const result = { data: { wearableReadingAdded: { value: 61.5, patient: { firstName: 'Ada "Quote"' } } } };
    const json = nextPayloadJson(result);
    const [a, b] = [fakeSocket(WebSocket.OPEN), fakeSocket(WebSocket.OPEN)];
    socketSink(a.socket, 'op-1').next(json);
    socketSink(b.socket, 'x"2').next(json);
    expect(a.sent.map((frame) => JSON.parse(frame))).toEqual([graphqlWsFrame('op-1', result)]);
    expect(b.sent.map((frame) => JSON.parse(frame))).toEqual([graphqlWsFrame('x"2', result)]);
  });

  it('serializes errors as graphql-ws does, data beside them', () => {
    const result = { data: { wearableReadingAdded: { value: 1, patient: null } }, errors: [new GraphQLError('Forbidden', { path: ['wearableReadingAdded', 'patient'], extensions: { code: 'FORBIDDEN', serviceName: 'patient' } })] };
    const { socket, sent } = fakeSocket(WebSocket.OPEN);
    socketSink(socket, '7').next(nextPayloadJson(result));
    expect(JSON.parse(sent[0])).toEqual(graphqlWsFrame('7', result));
  });

  it('writes nothing to a socket that is closing or closed', () => {
    for (const state of [WebSocket.CLOSING, WebSocket.CLOSED]) {
      const { socket, sent } = fakeSocket(state);
      socketSink(socket, '1').next(nextPayloadJson({ data: { x: 1 } }));
      expect(sent).toEqual([]);
    }
  });
});
