// Subgraph operations executed by graphql-jit instead of graphql-js. Apollo Server has no option
// for another executor except its gateway interface, so this is one: it serves the subgraph's own
// schema and runs each operation through a function graphql-jit compiled for that document (once
// per operation text and name, then reused). Parsing, validation, plugins, context and error
// formatting stay Apollo Server's; only execution changes.
import type { BaseContext } from '@apollo/server';
import type { GatewayInterface } from './gateway-interface';
import { GraphQLError, getVariableValues, printSchema, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** Compiled operations kept per subgraph (its gateway's plans ask a bounded set; the oldest goes first). */
export const COMPILED_OPERATIONS_KEPT = 1_000;

/**
 * graphql-jit's error for a resolver's error without `extensions` (a Prisma error, a TypeError)
 * has none, where graphql-js gives `{}` and Apollo Server reads `extensions.code`: the same error
 * as graphql-js makes it (path, locations, the original error for the error policy to unwrap).
 */
function withExtensions(error: GraphQLError): GraphQLError {
  if (error.extensions) return error;
  const standard = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined });
  (standard as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return standard;
}

export function compiledExecution<C extends BaseContext>(schema: GraphQLSchema, kept = COMPILED_OPERATIONS_KEPT): GatewayInterface<C> {
  const compiled = new Map<string, CompiledQuery>();
  const compile = (key: string, document: Parameters<typeof compileQuery>[1], operationName: string | undefined) => {
    const made = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true }) as CompiledQuery | ExecutionResult;
    if (!isCompiledQuery(made)) return made;
    if (compiled.size >= kept) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, made);
    return made;
  };
  return {
    async load() {
      return {
        executor: async (requestContext) => {
          const operationName = requestContext.operationName ?? undefined;
          const key = `${requestContext.queryHash}\n${operationName ?? ''}`;
          const query = compiled.get(key) ?? compile(key, requestContext.document, operationName);
          if (!isCompiledQuery(query)) return query as never;
          const variables = requestContext.request.variables ?? {};
          const result = await query.query(undefined, requestContext.context, variables);
          if (!result.errors) return result as never;
          // No data at all: the variables were refused. graphql-js's coercion says why as Apollo
          // Server recognises it (BAD_USER_INPUT, the variable's location); graphql-jit's does not.
          if (result.data === undefined && requestContext.operation) {
            const coerced = getVariableValues(schema, requestContext.operation.variableDefinitions ?? [], variables);
            if (coerced.errors) return { errors: coerced.errors } as never;
          }
          result.errors = result.errors.map(withExtensions);
          return result as never;
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async stop() {},
  };
}
