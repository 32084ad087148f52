import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { createContentLoaders, type ContentLoaders } from './loaders';
import { resolvers } from './resolvers';

export const contentSubgraph: SubgraphModule<ContentLoaders> = {
  name: 'content',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  createLoaders: createContentLoaders,
};
