import { loadTypeDefs, type SubgraphModule } from '../../shared/server/subgraph';
import { createLabsLoaders, type LabsLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { startLabsServices, type LabsServices } from './services';

export const labsSubgraph: SubgraphModule<LabsLoaders, LabsServices> = {
  name: 'labs',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createLabsLoaders,
  // The upload limit and extractor; critical values raise care alerts through the job queue (services.ts).
  startServices: startLabsServices,
};
