// A request's abort signal on the server side: it fires when the client (the gateway, for a
// subgraph) closes the connection before the response was sent. Resolvers stop at the next
// object or list field (abortGuard), so an abandoned operation stops loading and building data.
import type { ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, getNamedType, isCompositeType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Logger } from '../logger';

/** Aborted when the connection closes before the response finished. */
export function abandonedWhenClosed(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('The client closed the connection'));
  });
  return controller.signal;
}

export const REQUEST_ABANDONED = 'REQUEST_ABANDONED';

const abandoned = () => new GraphQLError('The request was abandoned', { extensions: { code: REQUEST_ABANDONED } });

type Middleware = (resolve: GraphQLFieldResolver<unknown, { signal?: AbortSignal }>, ...rest: Parameters<GraphQLFieldResolver<unknown, { signal?: AbortSignal }>>) => unknown;

/**
 * graphql-middleware for every field that returns objects (where loaders run and lists grow):
 * once the request's signal has fired, the field is not resolved. Leaf fields are left alone:
 * they only read what their parent already holds.
 */
export function abortGuard(schema: GraphQLSchema): Record<string, Record<string, Middleware>> {
  const guard: Middleware = (resolve, parent, args, context, info) => {
    if (context?.signal?.aborted) throw abandoned();
    return resolve(parent, args, context, info);
  };
  const map: Record<string, Record<string, Middleware>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || type === schema.getSubscriptionType() || !('getFields' in type) || !('isTypeOf' in type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (isCompositeType(getNamedType(field.type))) (map[type.name] ??= {})[field.name] = guard;
    }
  }
  return map;
}

/**
 * One warning per request its caller abandoned (the client hung up, or the gateway's deadline
 * passed), with the number of fields it stopped: the error policy logs none of those fields
 * (shared/server/format-error.ts), and a slow subgraph should still leave a trace.
 */
export function abandonedRequestLog<C extends BaseContext & { log: Logger }>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          const stopped = errors.filter((error) => error.extensions?.code === REQUEST_ABANDONED).length;
          if (stopped) contextValue.log.warn({ fieldsStopped: stopped }, 'request abandoned by its caller before its answer');
        },
      };
    },
  };
}
