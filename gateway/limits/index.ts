// The gateway's operation limits in one place: the Apollo Server options that enforce them
// (shared/limits/plugin.ts: before the operation is planned) and what each request's context
// needs for them: the caller's tier, read from the token the gateway verified, and the
// request's abort signal (abort.ts).
import type { ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import { ROLES, type Role } from '../../shared/auth/caller';
import { PARTNER_ISSUER } from '../../shared/auth/partner-issuer';
import { DELEGATION_ISSUER } from '../../shared/auth/delegation';
import { claimAt } from '../../shared/auth/verify';
import { operationLimits } from '../../shared/limits/plugin';
import { defaultLimits, tierOf, type LimitsSettingValues, type LimitTier } from '../../shared/limits/tiers';
import type { GatewayContext } from '../context';
import { requestSignal } from './abort';

export interface GatewayLimitsOptions {
  /** The LIMIT_… settings (config.limits); their defaults when unset. */
  settings?: LimitsSettingValues;
  /** Where a person's role is in their token (AUTH_ROLE_CLAIM). */
  roleClaim: string;
  /** Outside development, validation errors do not suggest names (graphql-js hideSuggestions). */
  hideSuggestions: boolean;
}

export function gatewayLimits(options: GatewayLimitsOptions) {
  const settings = options.settings ?? defaultLimits();
  const { plugin, parseOptions, stringifyResult, validationRules } = operationLimits<GatewayContext>({ settings, tierOf: (context) => context.tier });
  const roleIn = (claims: JWTPayload): Role | undefined => {
    const role = claims.iss === PARTNER_ISSUER || claims.iss === DELEGATION_ISSUER ? claims.role : claimAt(claims, options.roleClaim);
    return (ROLES as readonly unknown[]).includes(role) ? (role as Role) : 'customer';
  };
  const tierOfClaims = (claims: JWTPayload | null): LimitTier => tierOf(claims ? roleIn(claims) : 'anonymous');
  return {
    settings,
    tierOf: tierOfClaims,
    apollo: { parseOptions, stringifyResult, validationRules, validationOptions: { hideSuggestions: options.hideSuggestions } },
    plugin,
    /** The limits' part of a request's context. */
    requestContext(claims: JWTPayload | null, res: ServerResponse): { tier: LimitTier; signal: AbortSignal } {
      return { tier: tierOfClaims(claims), signal: requestSignal(res, { timeoutMs: settings.requestTimeoutMs }) };
    },
  };
}
