// The @defer directive as the GraphQL incremental delivery RFC defines it, added to the schema
// the gateway serves (validation, introspection): graphql-js 16 and @apollo/gateway leave it
// out. Clients that cannot read multipart/mixed still get one whole answer (plugin.ts).
import type { GatewayInterface } from '../../shared/server/gateway-interface';
import { DirectiveLocation, GraphQLBoolean, GraphQLDirective, GraphQLNonNull, GraphQLSchema, GraphQLString } from 'graphql';
import type { GatewayContext } from '../context';

export const GraphQLDeferDirective = new GraphQLDirective({
  name: 'defer',
  description: 'Delivers this fragment in a later part of a multipart/mixed response (GraphQL incremental delivery); clients that do not accept multipart/mixed get it in the one answer.',
  locations: [DirectiveLocation.FRAGMENT_SPREAD, DirectiveLocation.INLINE_FRAGMENT],
  args: {
    if: { type: new GraphQLNonNull(GraphQLBoolean), defaultValue: true, description: 'Deferred only when true.' },
    label: { type: GraphQLString, description: 'Names the fragment in the subsequent payload that delivers it.' },
  },
});

/** The schema with @defer among its directives (once). */
export function withDeferDirective(schema: GraphQLSchema): GraphQLSchema {
  if (schema.getDirective('defer')) return schema;
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, directives: [...config.directives, GraphQLDeferDirective] });
}

/** The gateway as Apollo Server sees it, serving every schema it loads with @defer. */
export function withDefer(gateway: GatewayInterface<GatewayContext>): GatewayInterface<GatewayContext> {
  return {
    load: (options) => gateway.load(options),
    stop: () => gateway.stop(),
    onSchemaLoadOrUpdate: (callback) =>
      gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => callback({ apiSchema: withDeferDirective(apiSchema), coreSupergraphSdl })),
  };
}
