// The Prometheus alert rules and the Grafana dashboard in deploy/observability, checked the way
// promtool and Grafana would read them: the rule file is valid YAML of Prometheus's rule-file
// shape, every expression parses as PromQL, and every metric and label a query names is one the
// code registers (so a renamed metric breaks this test, not a dashboard in production).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import '../bin/launch'; // every service's metric families
import '../clients/mcp/transports/http'; // the MCP server's
import { registeredMetricNames } from '../shared/observability/service-metrics';
import { promqlUsage, withGrafanaVariables } from './support/promql';
import { ROOT } from './support/stack';

const DIR = path.join(ROOT, 'deploy/observability');
/** Labels Prometheus adds to every scraped series (the scrape job, the target, Kubernetes discovery). */
const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'container'];
/** Series Prometheus makes itself, not the code. */
const PROMETHEUS_SERIES = new Map([['up', [] as string[]]]);
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

let registered: Map<string, string[]>;
beforeAll(async () => {
  registered = await registeredMetricNames();
});

/** Problems of one PromQL expression: parse errors, unknown metrics, labels none of its metrics has. */
function problemsOf(expr: string, extraLabels: string[] = []): string[] {
  const usage = promqlUsage(expr);
  const problems = usage.errors.map((error) => `does not parse ${error}`);
  if (!usage.metrics.length) problems.push('names no metric');
  const known = new Set([...TARGET_LABELS, '__name__', ...extraLabels]);
  for (const metric of usage.metrics) {
    const labels = registered.get(metric) ?? PROMETHEUS_SERIES.get(metric);
    if (!labels) problems.push(`${metric} is not a metric the code registers`);
    else labels.forEach((label) => known.add(label));
  }
  for (const label of usage.labels) if (!known.has(label)) problems.push(`no metric of the expression has the label "${label}"`);
  return problems;
}

/** `{{ $labels.x }}` in alert text, `{{x}}` in a legend. */
const templateLabels = (text: string) => [...text.matchAll(/\{\{\s*(?:\$labels\.)?(\w+)\s*(?:\|[^}]*)?\}\}/g)].map(([, label]) => label).filter((label) => label !== '$value' && label !== 'value');

describe('deploy/observability/alerts.yml', () => {
  const ruleFile = z.object({
    groups: z
      .array(
        z.object({
          name: z.string().min(1),
          interval: z.string().regex(DURATION).optional(),
          rules: z
            .array(
              z.strictObject({
                alert: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
                expr: z.string().min(1),
                for: z.string().regex(DURATION).optional(),
                keep_firing_for: z.string().regex(DURATION).optional(),
                labels: z.object({ severity: z.enum(['page', 'warning', 'info']) }).catchall(z.string()),
                annotations: z.object({ summary: z.string().min(1), description: z.string().min(1) }).catchall(z.string()),
              }),
            )
            .min(1),
        }),
      )
      .min(1),
  });
  const text = readFileSync(path.join(DIR, 'alerts.yml'), 'utf8');
  const parsed = YAML.parse(text, { strict: true, uniqueKeys: true });
  const rules = () => ruleFile.parse(parsed).groups.flatMap((group) => group.rules);

  it('is a Prometheus rule file: groups of alerts with a severity, a summary and a description', () => {
    const file = ruleFile.parse(parsed);
    expect(new Set(file.groups.map((group) => group.name)).size).toBe(file.groups.length);
    const names = rules().map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
  });

  it('alerts on latency, error rate, the wearables queue backlog and audit-write failures', () => {
    const metricsAlertedOn = new Set(rules().flatMap((rule) => promqlUsage(rule.expr).metrics));
    for (const metric of ['graphql_request_duration_seconds_bucket', 'graphql_errors_total', 'wearables_sync_queue_jobs', 'audit_write_failures_total']) {
      expect([metric, metricsAlertedOn.has(metric)]).toEqual([metric, true]);
    }
  });

  it('has only expressions that parse as PromQL and name registered metrics and their labels', () => {
    for (const rule of rules()) {
      const problems = problemsOf(rule.expr);
      const known = new Set([...TARGET_LABELS, ...promqlUsage(rule.expr).metrics.flatMap((metric) => registered.get(metric) ?? [])]);
      for (const label of Object.values(rule.annotations).flatMap(templateLabels)) if (!known.has(label)) problems.push(`the annotations use $labels.${label}, which the expression has not`);
      expect([rule.alert, problems]).toEqual([rule.alert, []]);
    }
  });

  it('catches a broken expression and an unknown metric (the checks can fail)', () => {
    expect(problemsOf('sum(rate(graphql_errors_total[5m]) /')).not.toEqual([]);
    expect(problemsOf('rate(graphql_errorz_total[5m]) > 0')).toEqual(['graphql_errorz_total is not a metric the code registers']);
    expect(problemsOf('sum by (servce) (rate(graphql_errors_total[5m]))')).toEqual(['no metric of the expression has the label "servce"']);
  });
});

describe('deploy/observability/dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(path.join(DIR, 'dashboard.json'), 'utf8')) as {
    uid: string;
    title: string;
    schemaVersion: number;
    templating: { list: { name: string; type: string; definition?: string }[] };
    panels: { id: number; type: string; title: string; datasource?: { uid: string }; targets?: { refId: string; expr: string; legendFormat?: string }[] }[];
  };
  const graphs = dashboard.panels.filter((panel) => panel.type !== 'row');

  it('is a Grafana dashboard on a chosen Prometheus data source, with unique panel ids', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating.list.find((variable) => variable.name === 'datasource')?.type).toBe('datasource');
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of graphs) {
      expect([panel.title, panel.datasource?.uid]).toEqual([panel.title, '${datasource}']);
      expect([panel.title, panel.targets?.length]).toEqual([panel.title, expect.any(Number)]);
    }
  });

  it('shows every family of the issue: requests, errors, batches, SQL, queue, sockets, rate limits, Luna tokens and cost, MCP', () => {
    const shown = new Set(graphs.flatMap((panel) => panel.targets!.flatMap((target) => promqlUsage(withGrafanaVariables(target.expr)).metrics)));
    for (const metric of [
      'graphql_request_duration_seconds_bucket',
      'graphql_errors_total',
      'dataloader_batch_size_sum',
      'db_sql_duration_seconds_bucket',
      'wearables_sync_queue_jobs',
      'wearables_sync_jobs_total',
      'gateway_ws_client_connections',
      'subgraph_ws_active_subscriptions',
      'rate_limit_rejections_total',
      'luna_turn_tokens_bucket',
      'luna_turn_cost_usd_sum',
      'audit_write_failures_total',
      'mcp_tool_call_duration_seconds_count',
    ]) {
      expect([metric, shown.has(metric)]).toEqual([metric, true]);
    }
  });

  it('queries only registered metrics and their labels, in PromQL that parses', () => {
    for (const panel of graphs) {
      for (const target of panel.targets!) {
        const expr = withGrafanaVariables(target.expr);
        const problems = problemsOf(expr);
        const known = new Set([...TARGET_LABELS, ...promqlUsage(expr).metrics.flatMap((metric) => registered.get(metric) ?? [])]);
        for (const label of templateLabels(target.legendFormat ?? '')) if (!known.has(label)) problems.push(`the legend uses {{${label}}}, which the query has not`);
        expect([panel.title, target.refId, problems]).toEqual([panel.title, target.refId, []]);
      }
    }
  });

  it('fills its service variable from a registered metric and label', () => {
    const variable = dashboard.templating.list.find((entry) => entry.name === 'service')!;
    const [, metric, label] = /^label_values\((\w+),\s*(\w+)\)$/.exec(variable.definition!)!;
    expect(registered.get(metric)).toContain(label);
  });
});
