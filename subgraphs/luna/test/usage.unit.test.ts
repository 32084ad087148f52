// The cost of a Luna turn: the price table (by model id and dated snapshot) and what a turn
// records in the luna service's registry.
import { serviceRegistry } from '../../../shared/observability/service-metrics';
import { parseSamples, total } from '../../../test/support/metrics';
import { costOf, MODEL_PRICES, priceOf } from '../model/prices';
import { SERVICE, TurnUsage } from '../turn/usage';
import { serviceLogger } from '../../../shared/logger';

const log = serviceLogger('luna-test');
const samples = async () => parseSamples(await serviceRegistry(SERVICE).metrics());

describe('the model price table', () => {
  it('prices a model by its id or a dated snapshot of it, and nothing it does not list', () => {
    expect(priceOf('claude-sonnet-4-5-20250929')).toEqual(MODEL_PRICES['claude-sonnet-4-5']);
    expect(priceOf('claude-opus-4-20250514')).toEqual({ inputPerMillion: 15, outputPerMillion: 75 });
    expect(priceOf('claude-3-5-haiku-latest')).toEqual({ inputPerMillion: 0.8, outputPerMillion: 4 });
    expect(priceOf('claude-sonnet-4-6')).toBeDefined();
    expect(priceOf('claude-test')).toBeUndefined();
    expect(priceOf('offline')).toBeUndefined();
  });

  it('costs input and output tokens at their own rates, per million', () => {
    expect(costOf('claude-sonnet-4-6', 1_000_000, 0)).toBe(3);
    expect(costOf('claude-sonnet-4-6', 2_000, 500)).toBeCloseTo((2_000 * 3 + 500 * 15) / 1e6, 12);
    expect(costOf('claude-test', 1_000, 1_000)).toBeUndefined();
  });
});

describe('a turn’s usage', () => {
  it('sums its steps and records outcome, tokens and cost under the model', async () => {
    const usage = new TurnUsage('claude-haiku-4-5');
    usage.add({ inputTokens: 1_200, outputTokens: 40 });
    usage.add({ inputTokens: null, outputTokens: null }); // a step that reported nothing
    usage.add({ inputTokens: 1_800, outputTokens: 160 });
    usage.outcome = 'complete';
    usage.record(log);
    const after = await samples();
    expect(total(after, 'luna_turns_total', { service: 'luna', model: 'claude-haiku-4-5', outcome: 'complete' })).toBe(1);
    expect(total(after, 'luna_turn_tokens_sum', { model: 'claude-haiku-4-5', direction: 'input' })).toBe(3_000);
    expect(total(after, 'luna_turn_tokens_sum', { model: 'claude-haiku-4-5', direction: 'output' })).toBe(200);
    expect(total(after, 'luna_turn_cost_usd_sum', { model: 'claude-haiku-4-5' })).toBeCloseTo((3_000 * 1 + 200 * 5) / 1e6, 12);
  });

  it('counts a turn whose model reported no usage (the offline model), without tokens or cost', async () => {
    const usage = new TurnUsage('offline');
    usage.add({ inputTokens: null, outputTokens: null });
    usage.record(log);
    const after = await samples();
    expect(total(after, 'luna_turns_total', { model: 'offline', outcome: 'failed' })).toBe(1);
    expect(total(after, 'luna_turn_tokens_count', { model: 'offline' })).toBe(0);
  });
});
