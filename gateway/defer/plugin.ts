// @defer over HTTP: when the client accepts multipart/mixed (`deferSpec=20220824`, the payloads
// Apollo Client and Router use; a bare `multipart/mixed` is read as that), a query with @defer
// is answered in parts by execute.ts, after Apollo Server has parsed, validated and applied the
// operation limits as for any request. Otherwise (JSON only, a mutation, a plan with nested or
// conditional @defer) the gateway executes the whole operation and @defer is ignored, as the
// incremental delivery RFC permits.
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { visit, type DocumentNode, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import Negotiator from 'negotiator';
import type { GatewayContext } from '../context';
import { executeDeferred, type DeferDeps, type IncrementalItem } from './execute';

/** The incremental payload format served (Apollo Server's MULTIPART_MIXED_EXPERIMENTAL_ALPHA_2). */
export const DEFER_MEDIA_TYPE = 'multipart/mixed; deferSpec=20220824';

/** True when the Accept header takes multipart/mixed in the format served. */
export function acceptsIncremental(accept: string | null | undefined): boolean {
  if (!accept) return false;
  return new Negotiator({ headers: { accept } }).mediaTypes([DEFER_MEDIA_TYPE]).length > 0;
}

/** Before Apollo: a bare `multipart/mixed` (no deferSpec or incrementalSpec) means the format served. */
export const multipartAccept: RequestHandler = (req, _res, next) => {
  const accept = req.headers.accept;
  if (accept && /multipart\/mixed/i.test(accept)) {
    req.headers.accept = accept
      .split(',')
      .map((range) => (/^\s*multipart\/mixed\s*(;\s*q=[\d.]+\s*)?$/i.test(range) ? range.replace(/multipart\/mixed/i, DEFER_MEDIA_TYPE) : range))
      .join(',');
  }
  next();
};

function hasDefer(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer') found = true;
    },
  });
  return found;
}

export interface DeferPluginOptions extends DeferDeps {
  /** The server's error policy (shared/server/format-error.ts), applied to every part's errors. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

export function deferPlugin(options: DeferPluginOptions): ApolloServerPlugin<GatewayContext> {
  const format = (errors: readonly GraphQLError[] | undefined) => (errors?.length ? errors.map((error) => options.formatError(error.toJSON(), error)) : undefined);
  const formatItem = ({ errors, ...item }: IncrementalItem) => ({ ...item, ...(errors?.length ? { errors: format(errors) } : {}) });
  return {
    async requestDidStart() {
      return {
        async responseForOperation(requestContext) {
          const { document, operation, request, contextValue } = requestContext;
          if (!document || operation?.operation !== 'query' || !hasDefer(document)) return null;
          if (!acceptsIncremental(request.http?.headers.get('accept'))) return null;
          const execution = await executeDeferred(
            { document, operationName: requestContext.operationName ?? undefined, variables: request.variables, context: contextValue },
            options,
          );
          if (!execution) return null;
          contextValue.plannedServices = execution.services;
          const { data, errors, hasNext } = execution.initial;
          async function* subsequentResults() {
            for await (const part of execution!.subsequent) yield { ...part, ...(part.incremental ? { incremental: part.incremental.map(formatItem) } : {}) };
          }
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: {
              kind: 'incremental',
              initialResult: { data, ...(errors?.length ? { errors: format(errors) } : {}), hasNext },
              subsequentResults: subsequentResults() as never,
            },
          };
        },
      };
    },
  };
}
