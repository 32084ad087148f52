// Which /metrics endpoint serves which series. Each service (the gateway, a subgraph, the MCP
// server) has its own prom-client registry, every series of it labelled `service="<name>"`;
// the process's own series (CPU, memory, event loop, SQL on the process's database pool) stay
// in the process registry (../metrics.ts) and are served by one endpoint per process: the
// gateway's when the process runs it, else the first service's. So in the all-in-one process
// (`npm start`) every endpoint serves its own series and no series is served twice; split
// (`--service X`), each process serves its own. In cluster mode (WORKERS > 1) an endpoint serves
// the sum over every worker (cluster-metrics.ts).
import type { RequestHandler } from 'express';
import client, { type Registry } from 'prom-client';
import { registry as processRegistry } from '../metrics';
import { answerCollects, inClusterWorker, scrapeCluster, type MetricsSelection } from './cluster-metrics';

const registries = new Map<string, Registry>();
/** Every family defined with perService(), so a test can list them all (registeredMetricNames). */
const definitions: ((registry: Registry) => unknown)[] = [];

/** The registry of one service's series (made on first use; the same one for the process's lifetime). */
export function serviceRegistry(service: string): Registry {
  let registry = registries.get(service);
  if (!registry) {
    registry = new client.Registry();
    registry.setDefaultLabels({ service });
    registries.set(service, registry);
  }
  return registry;
}

/**
 * Metric families that each service has its own copy of: `define` registers them in the
 * registry it is given. The returned function gives a service's copy, made once per service
 * per process, so a subgraph started twice in one process (a restart in a test) never
 * registers a name twice.
 */
export function perService<T>(define: (registry: Registry) => T): (service: string) => T {
  definitions.push(define);
  const made = new Map<string, T>();
  return (service) => {
    let metrics = made.get(service);
    if (!metrics) {
      metrics = define(serviceRegistry(service));
      made.set(service, metrics);
    }
    return metrics;
  };
}

/** A counter in `registry` (the name ends in `_total`). */
export function counter(registry: Registry, name: string, help: string, labelNames: string[] = []): client.Counter {
  return new client.Counter({ name, help, labelNames, registers: [registry] });
}

/** A histogram in `registry`, with its buckets (named in the module that measures). */
export function histogram(registry: Registry, name: string, help: string, labelNames: string[], buckets: number[]): client.Histogram {
  return new client.Histogram({ name, help, labelNames, buckets, registers: [registry] });
}

export interface MetricsEndpointOptions {
  /** Whose series this endpoint serves. */
  service: string;
  /** Also serve the process-wide series (true for exactly one endpoint per process). */
  processMetrics: boolean;
}

/** The endpoint's registries: the service's own, and the process-wide one when it serves those. */
function registriesOf(selection: MetricsSelection): Registry[] {
  return [serviceRegistry(selection.service), ...(selection.processMetrics ? [processRegistry] : [])];
}

/** This process's exposition for an endpoint. */
async function localMetrics(selection: MetricsSelection): Promise<string> {
  // Two registries never share a family name (process-wide vs per service), so their texts concatenate into one valid exposition.
  const parts = await Promise.all(registriesOf(selection).map((registry) => registry.metrics()));
  return parts.filter((part) => part.trim()).join('\n');
}

/** GET /metrics in Prometheus's text format: in cluster mode, every worker's series merged (cluster-metrics.ts). */
export function metricsEndpoint(options: MetricsEndpointOptions): RequestHandler {
  const selection: MetricsSelection = { service: options.service, processMetrics: options.processMetrics };
  const clustered = inClusterWorker();
  if (clustered) answerCollects(async (asked) => (await Promise.all(registriesOf(asked).map((registry) => registry.getMetricsAsJSON()))).flat());
  return async (_req, res) => {
    // A primary that does not answer in time: this worker's own series rather than none.
    const text = (clustered ? await scrapeCluster(selection) : undefined) ?? (await localMetrics(selection));
    res.type(processRegistry.contentType).send(text);
  };
}

/**
 * Every series name the code can expose, with its label names: the process registry's families
 * and every per-service family (defined once more in a scratch registry; these carry `service`),
 * histograms with their `_bucket`/`_sum`/`_count` series. The dashboard and alert-rule test
 * checks its queries against it.
 */
export async function registeredMetricNames(): Promise<Map<string, string[]>> {
  const scratch = new client.Registry();
  for (const define of definitions) define(scratch);
  const names = new Map<string, string[]>();
  const add = async (registry: Registry, defaultLabels: string[]) => {
    // getMetricsAsArray() is typed as plain objects; they are the metric instances.
    for (const metric of registry.getMetricsAsArray() as unknown as client.Metric[]) {
      const { name, type, values } = await metric.get();
      const labels = [...new Set([...defaultLabels, ...labelNamesOf(metric), ...values.flatMap((value) => Object.keys(value.labels))])].filter((label) => label !== 'le');
      // The type is a string at run time ('histogram'…), whatever prom-client's typings say.
      const kind = String(type);
      const series = kind === 'histogram' ? ['_bucket', '_sum', '_count'] : kind === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const suffix of series) names.set(`${name}${suffix}`, suffix === '_bucket' ? [...labels, 'le'] : labels);
    }
  };
  await add(processRegistry, []);
  await add(scratch, ['service']);
  return names;
}

function labelNamesOf(metric: unknown): string[] {
  // prom-client keeps a family's declared label names here (not part of its typed API).
  return ((metric as { labelNames?: string[] }).labelNames ?? []).slice();
}
