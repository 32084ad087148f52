// The MCP server's own series at GET /metrics (HTTP transport): each tool call by tool and
// outcome with its duration, tool errors by the graph's code, and HTTP answers by status (401s
// for callers without a token among them). Tool names are the server's own, so the labels are bounded.
import type { RequestHandler } from 'express';
import { counter, histogram, perService } from '../../shared/observability/service-metrics';
import { errorCodeLabel, REQUEST_DURATION_BUCKETS } from '../../shared/observability/request-metrics';

export const SERVICE = 'mcp';

const mcpMetrics = perService((registry) => ({
  toolCalls: histogram(registry, 'mcp_tool_call_duration_seconds', 'MCP tool calls, by tool and outcome (ok, error)', ['tool', 'outcome'], REQUEST_DURATION_BUCKETS),
  toolErrors: counter(registry, 'mcp_tool_errors_total', "MCP tool calls that failed, by tool and the graph's error code", ['tool', 'code']),
  httpRequests: counter(registry, 'mcp_http_requests_total', 'Requests to the MCP endpoint, by HTTP status', ['status']),
}));

/** Starts timing a tool call; the returned function records how it ended (`code` = the error code of a failure). */
export function toolCallTimer(tool: string): (code?: string) => void {
  const metrics = mcpMetrics(SERVICE);
  const stop = metrics.toolCalls.startTimer({ tool });
  return (code) => {
    stop({ outcome: code ? 'error' : 'ok' });
    if (code) metrics.toolErrors.inc({ tool, code: errorCodeLabel(code) });
  };
}

/** Counts every answer of the routes it is mounted on, by status. */
export function countHttpRequests(): RequestHandler {
  const { httpRequests } = mcpMetrics(SERVICE);
  return (_req, res, next) => {
    res.once('finish', () => httpRequests.inc({ status: String(res.statusCode) }));
    next();
  };
}
