// PromQL as Prometheus's own UI parses it (@prometheus-io/lezer-promql, the grammar of the
// Prometheus web UI's editor): whether an expression parses, and the metrics and label names it uses.
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlUsage {
  /** Parse errors, as the text around each. */
  errors: string[];
  /** Metric names of the expression's selectors. */
  metrics: string[];
  /** Every label name the expression uses: matchers, `by`/`without`, `on`/`ignoring`. */
  labels: string[];
}

export function promqlUsage(expr: string): PromqlUsage {
  const usage: PromqlUsage = { errors: [], metrics: [], labels: [] };
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      const text = expr.slice(node.from, node.to);
      if (node.type.isError) usage.errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 20), node.to + 20)}"`);
      else if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') usage.metrics.push(text);
      else if (node.name === 'LabelName') usage.labels.push(text);
    },
  });
  return usage;
}

/** Grafana's variables as a query would reach Prometheus. */
export function withGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, 'x');
}
