// Partner (machine) credentials: created and revoked by admins through the graph, exchanged
// for short-lived tokens (OAuth client credentials; the gateway's POST /oauth/token calls
// issuePartnerToken). Only a hash of each secret is stored; the secret is shown once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { PartnerCredential } from '../../generated/prisma/client';
import { ROLES, type Role } from '../../shared/auth/caller';
import { partnerIssuer } from '../../shared/auth/partner-issuer';
import { unauthenticated } from '../../shared/auth/verify';
import { processConfig } from '../../shared/config';
import { badUserInput, notFound, parseId, rateLimited } from '../../shared/graphql/errors';
import { parseScope } from '../../shared/rbac/scopes';
import type { SubgraphContext } from '../../shared/server/context';
import { patientData } from './data';

/** Requests per minute a credential gets unless the admin sets another limit. */
export const DEFAULT_PARTNER_RATE_LIMIT_PER_MINUTE = 60;
export const MAX_PARTNER_RATE_LIMIT_PER_MINUTE = 10_000;
/** Roles a machine client may hold: a customer role needs a person's own patient record. */
export const PARTNER_ROLES: Role[] = ROLES.filter((role) => role !== 'customer');

export interface CreatePartnerCredentialInput {
  name: string;
  role: string;
  scopes?: string[] | null;
  rateLimitPerMinute?: number | null;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const token = (prefix: string, bytes: number) => `${prefix}_${randomBytes(bytes).toString('base64url')}`;

/** Matrix scopes (`lab_results`, `profile:read`) or SMART v2 ones (`patient/Observation.rs`): see shared/rbac/scopes.ts. */
function validScopes(scopes: string[]): string[] {
  return [...new Set(scopes.map((scope) => scope.trim()))].map((scope, i) => {
    const parsed = parseScope(scope);
    if ('error' in parsed) throw badUserInput(`input.scopes[${i}]`, parsed.error);
    return scope;
  });
}

export async function createPartnerCredential(ctx: SubgraphContext, input: CreatePartnerCredentialInput) {
  const name = input.name.trim();
  if (!name || name.length > 100) throw badUserInput('input.name', 'must be 1 to 100 characters');
  const role = input.role.toLowerCase() as Role;
  if (!PARTNER_ROLES.includes(role)) throw badUserInput('input.role', `must be one of ${PARTNER_ROLES.join(', ')}`);
  const rateLimitPerMinute = input.rateLimitPerMinute ?? DEFAULT_PARTNER_RATE_LIMIT_PER_MINUTE;
  if (!Number.isInteger(rateLimitPerMinute) || rateLimitPerMinute < 1 || rateLimitPerMinute > MAX_PARTNER_RATE_LIMIT_PER_MINUTE) {
    throw badUserInput('input.rateLimitPerMinute', `must be a whole number from 1 to ${MAX_PARTNER_RATE_LIMIT_PER_MINUTE}`);
  }
  const clientSecret = token('lhs', 32);
  const credential = await patientData(ctx.prisma).partnerCredential.create({
    data: {
      name,
      role,
      scopes: validScopes(input.scopes ?? []),
      rateLimitPerMinute,
      clientId: token('lhp', 12),
      secretHash: sha256(clientSecret),
      createdBy: ctx.caller.userId!,
    },
  });
  return { credential, clientSecret };
}

export async function revokePartnerCredential(ctx: SubgraphContext, id: string): Promise<PartnerCredential> {
  const credentialId = parseId('id', id);
  const existing = await patientData(ctx.prisma).partnerCredential.findUnique({ where: { id: credentialId } });
  if (!existing) throw notFound('PartnerCredential', id);
  if (existing.revokedAt) return existing;
  return patientData(ctx.prisma).partnerCredential.update({ where: { id: credentialId }, data: { revokedAt: new Date() } });
}

/** Requests that already asked for a token: one per request, so aliases cannot multiply guesses. */
const tokenRequests = new WeakSet<object>();

/** The one limiter of token requests: POST /oauth/token runs this mutation too, so both count here, per client address. */
export const tokenRequestKey = (clientIp: string | null) => `oauth-token:${clientIp ?? 'unknown'}`;

/**
 * The client-credentials grant. Every failure looks the same to the caller (no probing which ids
 * exist); requests per client address are limited (PARTNER_TOKEN_REQUESTS_PER_MINUTE) before
 * any secret is compared.
 */
export async function issuePartnerToken(ctx: SubgraphContext, clientId: string, clientSecret: string) {
  if (tokenRequests.has(ctx.audit)) throw badUserInput('clientId', 'one token per request');
  tokenRequests.add(ctx.audit);
  const config = processConfig();
  const rate = await ctx.limiter.hit(tokenRequestKey(ctx.clientIp), config.tokens.tokenRequestsPerMinute);
  if (!rate.allowed) throw rateLimited(`Too many token requests; retry in ${rate.retryAfterSeconds} s`, rate.retryAfterSeconds);
  const issuer = await partnerIssuer(config);
  if (!issuer) throw new GraphQLError('Partner access is not enabled on this server', { extensions: { code: 'FORBIDDEN' } });
  const credential = clientId.length <= 100 ? await patientData(ctx.prisma).partnerCredential.findUnique({ where: { clientId } }) : null;
  const presented = Buffer.from(sha256(clientSecret), 'hex');
  const matches = credential !== null && timingSafeEqual(presented, Buffer.from(credential.secretHash, 'hex'));
  const allowed = matches && credential.revokedAt === null;
  ctx.audit.record({
    resource: 'partner_credentials',
    action: 'read',
    patientId: null,
    allowed,
    reason: credential ? `token for partner:${credential.id}${allowed ? '' : matches ? ' refused: revoked' : ' refused: wrong secret'}` : 'token refused: unknown client',
  });
  if (!allowed) throw unauthenticated('The client id or secret is not valid');
  await patientData(ctx.prisma).partnerCredential.update({ where: { id: credential.id }, data: { lastUsedAt: new Date() } });
  const { accessToken, expiresIn } = await issuer.sign({
    credentialId: credential.id,
    role: credential.role as Role,
    scopes: credential.scopes,
    rateLimitPerMinute: credential.rateLimitPerMinute,
  });
  return { accessToken, tokenType: 'Bearer', expiresIn, scope: credential.scopes.join(' ') || null };
}

export const partnerCredentialResolvers = {
  role: (credential: PartnerCredential) => credential.role.toUpperCase(),
};
