// The same limits over graphql-ws (gateway/subscriptions/server.ts): a frame is at most the JSON
// body limit, and each operation is parsed within LIMIT_TOKENS, validated and measured for the
// connection's tier before it is planned. Queries and mutations over the socket then go through
// Apollo Server (and its limits plugin) as well.
import type { WebSocket } from 'ws';
import { GraphQLError, parse, validate, type GraphQLSchema } from 'graphql';
import { checkOperation, operationLimitError } from '../../shared/limits/operation';
import { tokenLimitViolation } from '../../shared/limits/tokens';
import { allowedFor, type LimitsSettingValues, type LimitTier } from '../../shared/limits/tiers';

export interface WebSocketLimitsOptions {
  settings: LimitsSettingValues;
  /** Largest frame a client may send (JSON_BODY_LIMIT_BYTES). */
  maxPayloadBytes: number;
}

export function websocketLimits(options: WebSocketLimitsOptions) {
  const { settings } = options;
  return {
    maxPayloadBytes: options.maxPayloadBytes,
    /** Errors that end a subscribe message before anything runs; undefined = it may run. */
    refuse(schema: GraphQLSchema, payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }, tier: LimitTier): GraphQLError[] | undefined {
      let document;
      try {
        document = parse(payload.query, { maxTokens: settings.maxTokens });
      } catch (error) {
        const tokens = tokenLimitViolation(error);
        return [tokens ? operationLimitError(tokens) : (error as GraphQLError)];
      }
      const invalid = validate(schema, document, undefined, { hideSuggestions: true });
      if (invalid.length) return [...invalid];
      const violation = checkOperation({ schema, document, operationName: payload.operationName, variables: payload.variables, allowed: allowedFor(settings, tier) });
      return violation ? [operationLimitError(violation)] : undefined;
    },
    /** Fires when the socket closes: operations of a gone client stop their upstream fetches. */
    socketSignal(socket: WebSocket): AbortSignal {
      const controller = new AbortController();
      socket.once('close', () => controller.abort(new Error('The client closed the connection')));
      return controller.signal;
    },
  };
}
