// Apollo Server's gateway interface (its `gateway` option): the one seam for another executor,
// which the gateway's wrappers (@defer, the audit batch) and the subgraphs' compiled execution use.
import type { ApolloServerOptions, BaseContext } from '@apollo/server';

export type GatewayInterface<C extends BaseContext> = NonNullable<ApolloServerOptions<C>['gateway']>;
