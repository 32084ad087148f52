// The one place that lists the subgraphs a process can run. Adding a subgraph: a folder
// with schema.graphql + index.ts, a line here, an entry in rover.yaml, a port in config.
import type { SubgraphName } from '../shared/config';
import type { SubgraphModule } from '../shared/server/subgraph';
import { contentSubgraph } from './content';
import { labsSubgraph } from './labs';
import { lunaSubgraph } from './luna';
import { patientSubgraph } from './patient';
import { protocolsSubgraph } from './protocols';
import { wearablesSubgraph } from './wearables';

export const SUBGRAPHS: Record<SubgraphName, SubgraphModule<unknown>> = {
  patient: patientSubgraph,
  labs: labsSubgraph,
  protocols: protocolsSubgraph,
  wearables: wearablesSubgraph,
  content: contentSubgraph,
  luna: lunaSubgraph,
} as Record<SubgraphName, SubgraphModule<unknown>>;
