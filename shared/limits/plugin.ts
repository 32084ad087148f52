// Operation limits as an Apollo Server plugin, the same on the gateway and on every subgraph:
// after the document is parsed (within LIMIT_TOKENS) and validated, and before the gateway plans
// it or a subgraph resolves it, the selected operation is measured for the caller's tier. Over a
// limit, or with a bad string input, the request ends with that one error and nothing runs.
// It runs per request (not per cached document): the tier and the variables (`first: $n`) count.
import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { checkStringInputs } from './inputs';
import { ErrorCode } from '../graphql/errors';
import { checkOperation, directivesPerFieldRule, operationLimitError } from './operation';
import { boundedStringify } from './response';
import { allowedFor, type LimitsSettingValues, type LimitTier } from './tiers';

export interface OperationLimitsOptions<C> {
  settings: LimitsSettingValues;
  /** The caller's tier, from the request context. */
  tierOf(context: C): LimitTier;
  /** 1 on the gateway; SUBGRAPH_HEADROOM on a subgraph. */
  headroom?: number;
}

export function operationLimitsPlugin<C extends BaseContext>(options: OperationLimitsOptions<C>): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async validationDidStart() {
          // Over a limit, that error alone answers (not the other rules' findings in the same document).
          return async (errors) => {
            const limit = errors?.find((error) => (error as { extensions?: Record<string, unknown> }).extensions?.code === ErrorCode.OPERATION_LIMIT);
            if (limit && errors) (errors as unknown as unknown[]).splice(0, errors.length, limit);
          };
        },
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          const allowed = allowedFor(options.settings, options.tierOf(contextValue), options.headroom);
          const violation = checkOperation({ schema, document, operationName: request.operationName, variables: request.variables, allowed });
          if (violation) throw operationLimitError(violation, { http: { status: 400 } });
          const badString = operation && checkStringInputs(schema, document, operation, request.variables, options.settings.maxStringLength);
          if (badString) throw badString;
        },
      };
    },
  };
}

/** The Apollo Server options that carry the limits: the plugin, the parser's token limit and the response size. */
export function operationLimits<C extends BaseContext>(options: OperationLimitsOptions<C>) {
  const headroom = options.headroom ?? 1;
  return {
    plugin: operationLimitsPlugin(options),
    parseOptions: { maxTokens: options.settings.maxTokens * headroom },
    validationRules: [directivesPerFieldRule(options.settings.maxDirectivesPerField)],
    stringifyResult: boundedStringify(options.settings.maxResponseBytes),
  } satisfies Pick<ApolloServerOptions<C>, 'parseOptions' | 'stringifyResult' | 'validationRules'> & { plugin: ApolloServerPlugin<C> };
}
