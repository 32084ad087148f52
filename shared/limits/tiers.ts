// Who gets which limits. Anonymous callers read published content only and get the lowest
// limits; a patient's own token reads one record; staff, providers, support and partner
// clients read many patients (the dashboard of 50) and get the highest cost. Subgraphs allow
// more of what the query planner multiplies (see SUBGRAPH_HEADROOM).
import type { Role } from '../auth/caller';
import type { ValuesOf } from '../config/define';
import { parseSection } from '../config/define';
import { limitsSettings } from '../config/settings';
import type { AllowedLimits } from './operation';

export type LimitsSettingValues = ValuesOf<typeof limitsSettings>;

/** The settings' defaults, for servers started without a Config (tests, benchmarks). */
export const defaultLimits = (): LimitsSettingValues => parseSection(limitsSettings, {}, []);

export type LimitTier = 'anonymous' | 'customer' | 'staff';

export function tierOf(role: Role | 'anonymous' | null | undefined): LimitTier {
  if (!role || role === 'anonymous') return 'anonymous';
  return role === 'customer' ? 'customer' : 'staff';
}

/**
 * A subgraph receives the gateway's plan of an operation, not the client's document: fragments
 * spelled out at every use, key fields and `__typename` added, an entity fetch per hop. It allows
 * this many times the gateway's tokens, selections, aliases and cost, so an operation the gateway
 * let through is never refused downstream, while a request sent straight to a subgraph stays bounded.
 */
export const SUBGRAPH_HEADROOM = 2;

export function allowedFor(settings: LimitsSettingValues, tier: LimitTier, headroom = 1): AllowedLimits {
  const anonymous = tier === 'anonymous';
  return {
    selections: settings.maxSelections * headroom,
    depth: (anonymous ? settings.maxDepthAnonymous : settings.maxDepth) + (headroom > 1 ? 1 : 0), // + the `_entities` level
    aliases: (anonymous ? settings.maxAliasesAnonymous : settings.maxAliases) * headroom,
    rootFields: anonymous ? settings.maxRootFieldsAnonymous : settings.maxRootFields,
    lunaMessages: settings.lunaMessagesPerOperation,
    cost: (tier === 'staff' ? settings.maxCost : tier === 'customer' ? settings.maxCostCustomer : settings.maxCostAnonymous) * headroom,
  };
}
