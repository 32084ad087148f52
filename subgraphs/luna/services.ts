// Luna's services, built once per process before it listens: the model client (Claude, or the
// offline model), the turn runner that answers outside requests, the catalog's rules that guard
// the answers, the per-user turn limit, care-alert raising, and the sweep that fails replies a
// dead process left PENDING. sendLunaMessage reads them from ctx.services.
import type { Clock } from '../../shared/clock';
import { startCareAlertRaising } from '../../shared/domain/care-alerts';
import { CatalogRulesReader } from '../../shared/domain/clinical/catalog-rules';
import { userRateLimit, type UserRateLimit } from '../../shared/limits/user-rate';
import { remainingGraceMs } from '../../shared/server/shutdown';
import type { StartedServices, SubgraphDeps } from '../../shared/server/subgraph';
import { loadLunaConfig } from './config';
import type { AnthropicProviderOptions } from './model/anthropic';
import { OfflineModel } from './model/offline';
import type { ModelProvider } from './model/provider';
import { TurnRunner } from './turn/runner';
import { failAbandonedTurns } from './turn/store';

/** How often a process fails replies that a dead process left PENDING. */
const ABANDONED_SWEEP_MS = 60_000;

/** Claude as Luna's model; the SDK loads only when a key is set (every start would pay for it otherwise). */
function claude(options: AnthropicProviderOptions): ModelProvider {
  const { AnthropicProvider } = require('./model/anthropic') as typeof import('./model/anthropic');
  return new AnthropicProvider(options);
}

export interface LunaServices {
  runner: TurnRunner;
  /** Model turns one user may start per minute (LUNA_TURNS_PER_MINUTE; Redis with REDIS_URL). */
  turnLimit: UserRateLimit;
  clock: Clock;
}

/** `model` replaces the one the settings choose (a test's fake model). */
export async function startLunaServices(deps: SubgraphDeps, options: { model?: ModelProvider } = {}): Promise<StartedServices<LunaServices>> {
  const { clock, log } = deps;
  const config = loadLunaConfig(deps.config);
  const model: ModelProvider =
    options.model ?? (config.anthropic ? claude({ ...config.anthropic, timeoutMs: config.modelTimeoutMs }) : new OfflineModel(config.offlineChunkDelayMs));
  // Emergencies and protocol findings become care alerts; the catalog's rules guard the answers.
  const jobQueue = await startCareAlertRaising(deps.queue);
  const catalog = new CatalogRulesReader({ gatewayUrl: deps.config.gatewayUrl, pubsub: deps.pubsub, clock, fetch: deps.fetch });
  const stopCatalog = catalog.start();
  const runner = new TurnRunner({ prisma: deps.prisma, pubsub: deps.pubsub, jobQueue, model, config, gatewayUrl: deps.config.gatewayUrl, fetch: deps.fetch, catalog, log });
  const { limits, redisUrl } = deps.config;
  const turnLimit = userRateLimit({ action: 'Luna turns', metric: { limit: 'luna_turns', service: 'luna' }, redisUrl, windows: [{ limit: limits.lunaTurnsPerMinute, windowMs: 60_000, per: 'minute' }] });
  if (!options.model) log.info(`Luna answers with ${config.anthropic ? `Claude (${model.name})` : 'the offline model (set ANTHROPIC_API_KEY for Claude)'}`);
  // A reply still PENDING well after a turn's deadline was left by a process that died.
  const sweep = () =>
    failAbandonedTurns(deps.prisma, new Date(clock.now().getTime() - 2 * config.turnTimeoutMs))
      .then((count) => count && log.warn({ count }, 'Luna: failed replies abandoned mid-turn'))
      .catch((error) => log.error({ err: error }, 'Luna: sweeping abandoned turns'));
  await sweep();
  const timer = setInterval(sweep, ABANDONED_SWEEP_MS).unref();
  return {
    services: { runner, turnLimit, clock },
    async stop() {
      clearInterval(timer);
      // Turns get the shutdown's grace period less a second to store the interrupted ones as failed.
      await runner.stop(Math.max(0, remainingGraceMs() - 1_000));
      await turnLimit.close();
      await stopCatalog();
    },
  };
}
