// The protocols process's services: the reader of the catalog's clinical rules (through the
// graph, cached, dropped when content announces a change), built once per process, and a
// request's loader over it: every peptide a request checks is read in one go.
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { CatalogRulesReader, CatalogRulesUnavailable } from '../../shared/domain/clinical/catalog-rules';
import type { PeptideRules } from '../../shared/domain/clinical/rules';
import type { StartedServices, SubgraphDeps } from '../../shared/server/subgraph';

export interface ProtocolsServices {
  catalog: CatalogRulesReader;
}

export async function startProtocolsServices(deps: SubgraphDeps): Promise<StartedServices<ProtocolsServices>> {
  const catalog = new CatalogRulesReader({ gatewayUrl: deps.config.gatewayUrl, pubsub: deps.pubsub, clock: deps.clock, fetch: deps.fetch });
  return { services: { catalog }, stop: catalog.start() };
}

/** A check that cannot read the rules does not pass: nothing is written, and the client is told why. */
function unavailable(error: unknown): GraphQLError {
  return new GraphQLError(`${error instanceof Error ? error.message : String(error)}: the protocol was not checked and nothing was written; try again shortly`, {
    extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'content' },
  });
}

/** Rules by peptide id for one request; a peptide the catalog does not have loads as null. */
export function peptideRulesLoader(services: ProtocolsServices) {
  return new DataLoader<string, PeptideRules | null>(async (ids) => {
    try {
      const rules = await services.catalog.forPeptides(ids);
      return ids.map((id) => rules.get(id) ?? null);
    } catch (error) {
      throw error instanceof CatalogRulesUnavailable ? unavailable(error) : error;
    }
  });
}
