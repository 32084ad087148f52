// The protocols process's reader of the catalog's clinical rules (through the graph, cached,
// dropped when content announces a change), installed when the subgraph's background starts,
// and a request's loader over it: every peptide a request checks is read in one go.
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { CatalogRulesReader, CatalogRulesUnavailable } from '../../shared/domain/clinical/catalog-rules';
import type { PeptideRules } from '../../shared/domain/clinical/rules';
import type { BackgroundRuntime } from '../../shared/server/subgraph';

let reader: CatalogRulesReader | null = null;

export async function startCatalogRules(runtime: BackgroundRuntime): Promise<() => Promise<void>> {
  const started = new CatalogRulesReader({ gatewayUrl: runtime.config.gatewayUrl, pubsub: runtime.pubsub });
  const stop = started.start();
  reader = started;
  return async () => {
    if (reader === started) reader = null;
    await stop();
  };
}

/** A check that cannot read the rules does not pass: nothing is written, and the client is told why. */
function unavailable(error: unknown): GraphQLError {
  return new GraphQLError(`${error instanceof Error ? error.message : String(error)}: the protocol was not checked and nothing was written; try again shortly`, {
    extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'content' },
  });
}

/** Rules by peptide id for one request; a peptide the catalog does not have loads as null. */
export function peptideRulesLoader() {
  return new DataLoader<string, PeptideRules | null>(async (ids) => {
    if (!reader) throw unavailable(new CatalogRulesUnavailable('the rules reader is not running in this process'));
    try {
      const rules = await reader.forPeptides(ids);
      return ids.map((id) => rules.get(id) ?? null);
    } catch (error) {
      throw error instanceof CatalogRulesUnavailable ? unavailable(error) : error;
    }
  });
}
