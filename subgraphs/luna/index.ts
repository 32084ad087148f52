import { startCareAlertRaising } from '../../shared/domain/care-alerts';
import { CatalogRulesReader } from '../../shared/domain/clinical/catalog-rules';
import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { loadLunaConfig } from './config';
import { createLunaLoaders, type LunaLoaders } from './loaders';
import type { AnthropicProviderOptions } from './model/anthropic';
import { OfflineModel } from './model/offline';
import type { ModelProvider } from './model/provider';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { failAbandonedTurns } from './turn/store';
import { remainingGraceMs } from '../../shared/server/shutdown';
import { setActiveRunner, TurnRunner } from './turn/runner';

/** How often a process fails replies that a dead process left PENDING. */
const ABANDONED_SWEEP_MS = 60_000;

/** Claude as Luna's model; the SDK loads only when a key is set (every start would pay for it otherwise). */
function claude(options: AnthropicProviderOptions): ModelProvider {
  const { AnthropicProvider } = require('./model/anthropic') as typeof import('./model/anthropic');
  return new AnthropicProvider(options);
}

export const lunaSubgraph: SubgraphModule<LunaLoaders> = {
  name: 'luna',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createLunaLoaders,
  // Turns run here, outside requests: sendLunaMessage hands them to this process's runner.
  async startBackground(runtime) {
    const config = loadLunaConfig(runtime.config);
    const model: ModelProvider = config.anthropic
      ? claude({ ...config.anthropic, timeoutMs: config.modelTimeoutMs })
      : new OfflineModel(config.offlineChunkDelayMs);
    // Emergencies and protocol findings become care alerts; the catalog's rules guard the answers.
    const stopRaising = await startCareAlertRaising(runtime);
    const catalog = new CatalogRulesReader({ gatewayUrl: runtime.config.gatewayUrl, pubsub: runtime.pubsub });
    const stopCatalog = catalog.start();
    const runner = new TurnRunner({ prisma: runtime.prisma, pubsub: runtime.pubsub, model, config, gatewayUrl: runtime.config.gatewayUrl, catalog, log: runtime.log });
    setActiveRunner(runner);
    runtime.log.info(`Luna answers with ${config.anthropic ? `Claude (${model.name})` : 'the offline model (set ANTHROPIC_API_KEY for Claude)'}`);
    // A reply still PENDING well after a turn's deadline was left by a process that died.
    const sweep = () =>
      failAbandonedTurns(runtime.prisma, new Date(Date.now() - 2 * config.turnTimeoutMs))
        .then((count) => count && runtime.log.warn({ count }, 'Luna: failed replies abandoned mid-turn'))
        .catch((error) => runtime.log.error({ err: error }, 'Luna: sweeping abandoned turns'));
    await sweep();
    const timer = setInterval(sweep, ABANDONED_SWEEP_MS).unref();
    return async () => {
      clearInterval(timer);
      // Turns get the shutdown's grace period less a second to store the interrupted ones as failed.
      await runner.stop(Math.max(0, remainingGraceMs() - 1_000));
      setActiveRunner(null);
      await stopCatalog();
      await stopRaising();
    };
  },
};
