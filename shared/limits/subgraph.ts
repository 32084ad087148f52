// A subgraph's operation limits (the same as the gateway's, with SUBGRAPH_HEADROOM for what the
// query planner multiplies), its response bound, and the abort guard on its object fields.
import type { BaseContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import type { Caller } from '../auth/caller';
import { abortGuard } from './abort';
import { operationLimits } from './plugin';
import { resultOverLimit } from './response';
import { defaultLimits, SUBGRAPH_HEADROOM, tierOf, type LimitsSettingValues } from './tiers';

export function subgraphLimits<C extends BaseContext & { caller: Caller }>(settings: LimitsSettingValues | undefined, hideSuggestions: boolean) {
  const values = settings ?? defaultLimits();
  const { plugin, parseOptions, stringifyResult, validationRules } = operationLimits<C>({
    settings: values,
    tierOf: (context) => tierOf(context.caller.role),
    headroom: SUBGRAPH_HEADROOM,
  });
  return {
    plugin,
    apollo: { parseOptions, stringifyResult, validationRules, validationOptions: { hideSuggestions } },
    /** What an answer given without HTTP (in-process) becomes when it is larger than the response bound, as stringifyResult does; null within it. */
    overResponseLimit: (result: unknown) => resultOverLimit(result, values.maxResponseBytes),
    /** The schema with every object field checking the request's abort signal first. */
    guard: (schema: GraphQLSchema): GraphQLSchema => applyMiddleware(schema, abortGuard(schema) as never),
  };
}
