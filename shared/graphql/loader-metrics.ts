// DataLoader batch sizes (and, when tracing, a span per batch): how many keys each batch asked for in its one statement, per loader
// (`patient` service, loader `profile`…). A loader is made by a factory that does not know whose
// it is; the subgraph names its loaders as soon as it has made them for a request (nameLoaders),
// before any batch runs (batches run a tick later), so the label values are the loaders'
// property names: fixed by code, never by a client.
import DataLoader from 'dataloader';
import { histogram, perService } from '../observability/service-metrics';
import { withSpan } from '../observability/spans';

/** Keys per batch: one (a single lookup) to a page of a thousand parents. */
export const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];
/** How deep nameLoaders looks for loaders inside a subgraph's loaders object (`{ collections: { faq } }`). */
const MAX_NAMING_DEPTH = 2;

const batchSizes = perService((registry) =>
  histogram(registry, 'dataloader_batch_size', 'Keys per DataLoader batch (each batch is one SQL statement), by loader', ['loader'], BATCH_SIZE_BUCKETS),
);

const meters = new WeakMap<object, BatchMeter>();

/** Records one loader's batch sizes once it is named; batches of a loader nobody named are not recorded. */
export class BatchMeter {
  private service: string | null = null;
  private loader = '';

  /** Ties this meter to `loader`, so nameLoaders finds it; returns the loader. */
  attach<L extends object>(loader: L): L {
    meters.set(loader, this);
    return loader;
  }

  name(service: string, loader: string): void {
    this.service = service;
    this.loader = loader;
  }

  observe(batchSize: number): void {
    if (this.service) batchSizes(this.service).observe({ loader: this.loader }, batchSize);
  }

  /** Records one batch of `batchSize` keys and runs its statement in a `dataloader.batch` span (when tracing). */
  batch<T>(batchSize: number, run: () => Promise<T>): Promise<T> {
    this.observe(batchSize);
    const loader = this.loader || 'unnamed';
    return withSpan(`dataloader.batch ${loader}`, { attributes: { 'dataloader.name': loader, 'dataloader.batch.size': batchSize, ...(this.service ? { 'loop.service': this.service } : {}) } }, run);
  }
}

/** Names every measured loader in `loaders` after its property path (`collections.faq`); returns `loaders`. */
export function nameLoaders<L>(service: string, loaders: L, prefix = '', depth = 0): L {
  if (!loaders || typeof loaders !== 'object') return loaders;
  for (const [key, value] of Object.entries(loaders)) {
    const meter = value && typeof value === 'object' ? meters.get(value) : undefined;
    if (meter) meter.name(service, `${prefix}${key}`);
    else if (value && typeof value === 'object' && !(value instanceof DataLoader) && depth < MAX_NAMING_DEPTH) {
      nameLoaders(service, value, `${prefix}${key}.`, depth + 1);
    }
  }
  return loaders;
}
