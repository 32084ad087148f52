// The biomarker catalog as an MCP resource: codes, names, categories, units, LOINC codes and
// reference ranges, read through the gateway like everything else.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { GraphError } from './graph';
import type { ToolContext } from './tools/context';

export const BIOMARKER_CATALOG_URI = 'loop://biomarkers';

const QUERY = `query McpBiomarkerCatalog {
  biomarkers {
    code name category unit loinc synonyms molecularWeight source
    referenceRanges { sex minAge maxAge low high criticalLow criticalHigh optimalLow optimalHigh }
  }
}`;

export function registerBiomarkerCatalog(server: McpServer, ctx: ToolContext): void {
  server.registerResource(
    'biomarker-catalog',
    BIOMARKER_CATALOG_URI,
    {
      title: 'Biomarker catalog',
      description:
        'Every biomarker Loop Health recognises: canonical code (as get_biomarker_history takes it), name, category, canonical unit, LOINC codes, synonyms and reference ranges by sex and age.',
      mimeType: 'application/json',
    },
    async (uri) => {
      try {
        const { data } = await ctx.graph.execute<{ biomarkers: unknown[] }>('McpBiomarkerCatalog', QUERY);
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(data.biomarkers) }] };
      } catch (error) {
        const reason = error instanceof GraphError ? `${error.code}: ${error.message}` : 'the catalog could not be read';
        ctx.log.info({ resource: BIOMARKER_CATALOG_URI, outcome: error instanceof GraphError ? error.code : 'INTERNAL_SERVER_ERROR' }, 'resource read');
        throw new McpError(ErrorCode.InternalError, reason);
      }
    },
  );
}
