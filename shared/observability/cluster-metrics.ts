// /metrics in cluster mode (WORKERS > 1). The workers share each port, so a scrape reaches one
// worker, which alone would report a share of the traffic. Instead the worker that takes the
// scrape asks the primary, the primary asks every ready worker for the same endpoint's series as
// JSON, merges them with prom-client's AggregatorRegistry.aggregate (counters and histograms
// summed, per-process gauges as each family declares), and the answer is the whole cluster's.
// Messages go over the workers' IPC channel; the registries stay in the workers.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../logger';

/** How long the primary waits for the workers' series before it answers with those that came. */
export const METRICS_COLLECT_TIMEOUT_MS = 2_000;
/** How long a worker waits for the primary's merged answer before it serves its own series alone. */
export const METRICS_SCRAPE_TIMEOUT_MS = 5_000;

const SCRAPE = 'loop-metrics-scrape';
const COLLECT = 'loop-metrics-collect';
const PART = 'loop-metrics-part';
const RESULT = 'loop-metrics-result';

/** Which endpoint's series: a service's own, and the process-wide ones when that endpoint serves them. */
export interface MetricsSelection {
  service: string;
  processMetrics: boolean;
}

/** One registry's families as `getMetricsAsJSON()` gives them (plain data: they cross the IPC channel). */
export type MetricJson = object;

type Message = { type?: string; id?: number } & Partial<MetricsSelection> & { metrics?: MetricJson[]; text?: string; error?: string };

/** Whether this process is a worker under a cluster primary (its /metrics answers for every worker). */
export function inClusterWorker(): boolean {
  return cluster.isWorker && typeof process.send === 'function';
}

let answering = false;

/** Worker side: answer the primary's requests for this worker's series (once per process, whatever the number of endpoints). */
export function answerCollects(collect: (selection: MetricsSelection) => Promise<MetricJson[]>): void {
  if (answering || !inClusterWorker()) return;
  answering = true;
  process.on('message', (message: Message) => {
    if (message?.type !== COLLECT) return;
    const selection = { service: message.service!, processMetrics: Boolean(message.processMetrics) };
    collect(selection).then(
      (metrics) => process.send!({ type: PART, id: message.id, metrics }),
      (error: Error) => process.send!({ type: PART, id: message.id, error: error.message }),
    );
  });
}

let nextScrape = 0;
const pendingScrapes = new Map<number, (text: string | undefined) => void>();

/** Worker side: the cluster's merged exposition for an endpoint; undefined if the primary did not answer in time. */
export function scrapeCluster(selection: MetricsSelection): Promise<string | undefined> {
  if (pendingScrapes.size === 0) process.on('message', onResult);
  const id = nextScrape++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(undefined), METRICS_SCRAPE_TIMEOUT_MS);
    const finish = (text: string | undefined) => {
      clearTimeout(timer);
      pendingScrapes.delete(id);
      if (pendingScrapes.size === 0) process.off('message', onResult);
      resolve(text);
    };
    pendingScrapes.set(id, finish);
    process.send!({ type: SCRAPE, id, ...selection });
  });
}

function onResult(message: Message): void {
  if (message?.type === RESULT && message.id !== undefined) pendingScrapes.get(message.id)?.(message.text);
}

export interface AggregationOptions {
  /** The workers that serve (announced ready and alive): only they are asked. */
  readyWorkers(): Worker[];
  log: Logger;
  collectTimeoutMs?: number;
}

/** Primary side: answers each worker's scrape with the series of every ready worker, merged. */
export function aggregateWorkerMetrics(options: AggregationOptions): void {
  let nextCollect = 0;
  const collects = new Map<number, (worker: Worker, message: Message) => void>();
  cluster.on('message', (worker, message: Message) => {
    if (message?.type === PART && message.id !== undefined) collects.get(message.id)?.(worker, message);
    if (message?.type !== SCRAPE) return;
    const selection = { service: message.service!, processMetrics: Boolean(message.processMetrics) };
    const asked = options.readyWorkers().filter((w) => w.isConnected());
    const id = nextCollect++;
    const parts: MetricJson[][] = [];
    const waiting = new Set(asked.map((w) => w.id));
    let answered = false;
    const answer = async () => {
      if (answered) return;
      answered = true;
      collects.delete(id);
      clearTimeout(timer);
      if (waiting.size) options.log.warn({ endpoint: selection.service, missing: waiting.size, workers: asked.length }, 'metrics: some workers did not answer in time; serving the others');
      const text = parts.length ? await AggregatorRegistry.aggregate(parts).metrics() : undefined;
      if (worker.isConnected()) worker.send({ type: RESULT, id: message.id, text });
    };
    const timer = setTimeout(() => void answer(), options.collectTimeoutMs ?? METRICS_COLLECT_TIMEOUT_MS);
    collects.set(id, (from, part) => {
      if (!waiting.delete(from.id)) return;
      if (part.metrics) parts.push(part.metrics);
      else options.log.warn({ pid: from.process.pid, err: part.error }, 'metrics: a worker could not read its series');
      if (waiting.size === 0) void answer();
    });
    if (asked.length === 0) return void answer();
    for (const w of asked) w.send({ type: COLLECT, id, ...selection });
  });
}
