// What Luna's model calls cost: Anthropic's list prices in US dollars per million tokens, by
// model id (a dated snapshot id, e.g. `claude-sonnet-4-5-20250929`, costs what its model does).
// Source: Anthropic's pricing page (platform.claude.com/docs/en/about-claude/pricing), standard
// rates without batch, cache or long-context terms, as of 2026-10. A model not listed here has
// no price: its turns' tokens are still measured, their cost is not (and Luna logs it once).

export interface ModelPrice {
  /** USD per million input tokens. */
  inputPerMillion: number;
  /** USD per million output tokens. */
  outputPerMillion: number;
}

export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-4-7': { inputPerMillion: 5, outputPerMillion: 25 },
  'claude-opus-4-6': { inputPerMillion: 5, outputPerMillion: 25 },
  'claude-opus-4-5': { inputPerMillion: 5, outputPerMillion: 25 },
  'claude-opus-4-1': { inputPerMillion: 15, outputPerMillion: 75 },
  'claude-opus-4-0': { inputPerMillion: 15, outputPerMillion: 75 },
  'claude-opus-4': { inputPerMillion: 15, outputPerMillion: 75 },
  'claude-sonnet-4-6': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-sonnet-4-5': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-sonnet-4-0': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-sonnet-4': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-3-7-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-haiku-4-5': { inputPerMillion: 1, outputPerMillion: 5 },
  'claude-3-5-haiku': { inputPerMillion: 0.8, outputPerMillion: 4 },
  'claude-3-haiku': { inputPerMillion: 0.25, outputPerMillion: 1.25 },
};

/** A model id, optionally with a snapshot date or `-latest`. */
const SNAPSHOT = /^(.*?)(?:-\d{8}|-latest)?$/;

export function priceOf(model: string): ModelPrice | undefined {
  return MODEL_PRICES[model] ?? MODEL_PRICES[SNAPSHOT.exec(model)![1]];
}

/** The cost in USD of `inputTokens` in and `outputTokens` out on `model`; undefined when it has no price. */
export function costOf(model: string, inputTokens: number, outputTokens: number): number | undefined {
  const price = priceOf(model);
  if (!price) return undefined;
  return (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
}
