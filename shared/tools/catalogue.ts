// The tool catalogue: every read an AI agent may ask the graph for, each defined once (./tool.ts)
// and offered by Luna's model (subgraphs/luna/tools) and the MCP server (clients/mcp), each
// where its `surfaces` say.
import { biomarkerHistory } from './biomarker-history';
import { labResults } from './lab-results';
import { patientSummary } from './patient-summary';
import { protocols } from './protocols';
import { searchContent } from './search-content';
import type { AnyToolDefinition, SurfaceNames, ToolSurface } from './tool';
import { wearableInsights } from './wearable-insights';

export const TOOL_CATALOGUE: readonly AnyToolDefinition[] = [patientSummary, labResults, biomarkerHistory, protocols, wearableInsights, searchContent];

/** The tools a surface offers, with their names there. */
export function toolsOf(surface: ToolSurface): { tool: AnyToolDefinition; names: SurfaceNames }[] {
  return TOOL_CATALOGUE.flatMap((tool) => (tool.surfaces[surface] ? [{ tool, names: tool.surfaces[surface] }] : []));
}

/** Every operation name the catalogue's tools send, on every surface (known to the request metrics). */
export const TOOL_OPERATION_NAMES: readonly string[] = TOOL_CATALOGUE.flatMap((tool) => Object.values(tool.surfaces).map((names) => names.operation));
