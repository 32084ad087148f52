// What one Luna turn used of the model, recorded when the turn ends: the turn's outcome, its
// input and output tokens (summed over its model steps) and their cost from the price table
// (../model/prices.ts). Tokens are what the API reported at the end of each step's stream; a
// step that failed before its end reported none.
import type { Logger } from '../../../shared/logger';
import { counter, histogram, perService } from '../../../shared/observability/service-metrics';
import { costOf } from '../model/prices';

export const SERVICE = 'luna';
/** Tokens per turn: a short answer (a few hundred) to a long context with tool results. */
export const TURN_TOKEN_BUCKETS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000];
/** USD per turn: a fraction of a cent to a dollar. */
export const TURN_COST_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** How a turn ended: `emergency` answered without the model. */
export type TurnOutcome = 'complete' | 'failed' | 'emergency';

const turnMetrics = perService((registry) => ({
  turns: counter(registry, 'luna_turns_total', 'Luna turns ended, by model and outcome', ['model', 'outcome']),
  tokens: histogram(
    registry,
    'luna_turn_tokens',
    'Model tokens one Luna turn used, by model and direction (input, output); turns whose model reports no usage are left out',
    ['model', 'direction'],
    TURN_TOKEN_BUCKETS,
  ),
  cost: histogram(registry, 'luna_turn_cost_usd', "Cost in US dollars of one Luna turn's model calls at list price, by model (models with a price only)", ['model'], TURN_COST_BUCKETS),
}));

const unpricedLogged = new Set<string>();

export class TurnUsage {
  outcome: TurnOutcome = 'failed';
  private inputTokens = 0;
  private outputTokens = 0;
  private reported = false;

  constructor(readonly model: string) {}

  /** Adds one model step's usage (null: the model did not report it). */
  add(step: { inputTokens: number | null; outputTokens: number | null }): void {
    if (step.inputTokens === null && step.outputTokens === null) return;
    this.reported = true;
    this.inputTokens += step.inputTokens ?? 0;
    this.outputTokens += step.outputTokens ?? 0;
  }

  record(log: Logger): void {
    const metrics = turnMetrics(SERVICE);
    metrics.turns.inc({ model: this.model, outcome: this.outcome });
    if (!this.reported) return;
    metrics.tokens.observe({ model: this.model, direction: 'input' }, this.inputTokens);
    metrics.tokens.observe({ model: this.model, direction: 'output' }, this.outputTokens);
    const cost = costOf(this.model, this.inputTokens, this.outputTokens);
    if (cost !== undefined) metrics.cost.observe({ model: this.model }, cost);
    else if (!unpricedLogged.has(this.model)) {
      unpricedLogged.add(this.model);
      log.warn({ model: this.model }, 'Luna: the model has no price in subgraphs/luna/model/prices.ts; its turns are measured without cost');
    }
  }
}
