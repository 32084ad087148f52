// The catalog's clinical rules as other domains read them: through the supergraph (the
// content subgraph's `peptideClinicalRules`, public reference data, asked without a token),
// never from content's tables. Kept per process for a short time and dropped as soon as content
// announces a change (topics.catalogChanged), so an edited range applies at once on every replica.
import { systemClock, type Clock } from '../../clock';
import { GraphClient, GraphRequestError } from '../../graphql/gateway-client';
import type { PubSub } from '../../pubsub';
import { topics } from '../../pubsub';
import type { PeptideRules } from './rules';

/** How long rules are reused without asking again, when no change was announced. */
export const DEFAULT_CATALOG_RULES_TTL_MS = 60_000;
/** How long one read of the rules may take. */
export const DEFAULT_CATALOG_RULES_TIMEOUT_MS = 5_000;
/** The most peptide ids in one read (the field's own limit). */
export const MAX_RULES_PER_READ = 100;

const FIELDS = `peptideId name
  dosing { doseUnit minDose maxDose maxDailyDose routes frequencies source }
  contraindications { id conditions medications sexes ageUnder ageOver pregnancy reason source }`;
export const CATALOG_RULES_QUERY = `query CatalogClinicalRules($ids: [ID!]) { peptideClinicalRules(peptideIds: $ids) { ${FIELDS} } }`;

/** The rules could not be read: a check that needs them cannot run. */
export class CatalogRulesUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the catalog's clinical rules could not be read (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'CatalogRulesUnavailable';
  }
}

export interface CatalogRulesOptions {
  gatewayUrl: string;
  /** Where content announces changes; without it, entries only expire. */
  pubsub?: PubSub;
  ttlMs?: number;
  timeoutMs?: number;
  /** When entries expire (default: the system's time). */
  clock?: Clock;
  /** How the gateway is reached (default: the global fetch). */
  fetch?: typeof fetch;
}

export class CatalogRulesReader {
  private readonly byId = new Map<string, { rules: PeptideRules; until: number }>();
  private published: { rules: PeptideRules[]; until: number } | null = null;
  /** Bumped by every invalidation: a read that started before one does not fill the cache. */
  private generation = 0;
  private stopListening: (() => void) | null = null;

  constructor(private readonly options: CatalogRulesOptions) {}

  /** Listens for content's change announcements; returns the function that stops listening. */
  start(): () => Promise<void> {
    const pubsub = this.options.pubsub;
    if (!pubsub) return async () => {};
    // Rules changes, and any content change (a peptide renamed: protocols serve its name from here).
    const streams = [pubsub.subscribe(topics.catalogChanged), pubsub.subscribe(topics.contentChanged)];
    for (const events of streams) {
      void (async () => {
        for await (const _ of events) this.invalidate();
      })();
    }
    this.stopListening = () => streams.forEach((events) => void events.return?.());
    return async () => this.stopListening?.();
  }

  invalidate(): void {
    this.generation++;
    this.byId.clear();
    this.published = null;
  }

  /** Rules of these peptides (drafts included); a peptide the catalog does not have is absent. */
  async forPeptides(ids: readonly string[]): Promise<Map<string, PeptideRules>> {
    const now = this.now();
    const wanted = [...new Set(ids)];
    const missing = wanted.filter((id) => (this.byId.get(id)?.until ?? 0) <= now);
    if (missing.length) {
      const generation = this.generation;
      for (let i = 0; i < missing.length; i += MAX_RULES_PER_READ) {
        const fetched = await this.read(missing.slice(i, i + MAX_RULES_PER_READ));
        if (generation === this.generation) for (const rules of fetched) this.byId.set(rules.peptideId, { rules, until: now + this.ttl });
        else return new Map(fetched.map((rules) => [rules.peptideId, rules]));
      }
    }
    const out = new Map<string, PeptideRules>();
    for (const id of wanted) {
      const entry = this.byId.get(id);
      if (entry) out.set(id, entry.rules);
    }
    return out;
  }

  /** Rules of every published peptide (what Luna may speak of). */
  async allPublished(): Promise<PeptideRules[]> {
    if (this.published && this.published.until > this.now()) return this.published.rules;
    const generation = this.generation;
    const rules = await this.read(null);
    if (generation === this.generation) this.published = { rules, until: this.now() + this.ttl };
    return rules;
  }

  private now(): number {
    return (this.options.clock ?? systemClock).now().getTime();
  }

  private get ttl(): number {
    return this.options.ttlMs ?? DEFAULT_CATALOG_RULES_TTL_MS;
  }

  private async read(ids: string[] | null): Promise<PeptideRules[]> {
    const graph = new GraphClient({
      gatewayUrl: this.options.gatewayUrl,
      authorization: null,
      correlationId: `catalog-rules-${Date.now().toString(36)}`,
      timeoutMs: this.options.timeoutMs ?? DEFAULT_CATALOG_RULES_TIMEOUT_MS,
      fetch: this.options.fetch,
    });
    try {
      const data = await graph.request<{ peptideClinicalRules: PeptideRules[] }>('CatalogClinicalRules', CATALOG_RULES_QUERY, { ids });
      return data.peptideClinicalRules;
    } catch (error) {
      throw new CatalogRulesUnavailable(error instanceof GraphRequestError ? error.message : error);
    }
  }
}
