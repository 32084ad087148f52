// Connecting a patient's wearable account: start (the vendor's authorization URL with a fresh
// state) and complete (check the state, exchange the code, store the tokens sealed, queue the
// first sync). The tokens never leave this subgraph.
import type { WearableProvider } from '../../generated/prisma/client';
import type { Prisma } from '../../shared/db/database';
import { appendPatientEvent } from '../../shared/domain/patient-events';
import { badUserInput } from '../../shared/graphql/errors';
import type { WearablesConfig } from './config';
import { PUBLIC_CONNECTION_COLUMNS } from './loaders';
import { consumeState, issueState } from './oauth/state';
import { VendorError } from './providers/http';
import { authorizationUrl, exchangeCode, pkcePair, type TokenSet } from './providers/oauth';
import { sealTokens } from './sync/credentials';
import type { SyncQueue } from './sync/queue';
import { requestSync } from './sync/request';
import { vendorApi, vendorClient, type VendorClient } from './sync/vendor-client';
import type { VendorPacing } from './sync/vendor-pacing';
import type { TokenKeyring } from './tokens/keyring';

export interface ConnectDeps {
  prisma: Prisma;
  config: WearablesConfig;
  keyring: TokenKeyring;
  pacing: VendorPacing;
  /** Null where no queue runs: the first sync then waits for the next request or the daily run. */
  queue: SyncQueue | null;
}

export interface WearableAuthorization {
  provider: WearableProvider;
  authorizationUrl: string;
  state: string;
  expiresAt: Date;
}

function redirectUriFor(config: WearablesConfig, provider: WearableProvider, vendor: VendorClient): string {
  const configured = config.vendors[provider].redirectUri;
  if (configured) return configured;
  // Offline, the simulator's own page shows the code and state to complete the connection with.
  if (vendor.simulated) return `${new URL(vendor.endpoints.authorizeUrl).origin}/callback`;
  throw new Error(`${provider}: set WEARABLES_REDIRECT_URI (or ${provider}_REDIRECT_URI) to the app page the vendor returns to`);
}

function usableVendor({ config, pacing }: ConnectDeps, provider: WearableProvider): VendorClient {
  if (!config.vendors[provider].available) throw badUserInput('provider', `${provider} is not configured on this server`);
  return vendorClient(config, pacing, provider);
}

export async function startConnection(
  deps: ConnectDeps,
  request: { profileId: string; provider: WearableProvider; createdBy: string | null },
  now = new Date(),
): Promise<WearableAuthorization> {
  const vendor = usableVendor(deps, request.provider);
  const redirectUri = redirectUriFor(deps.config, request.provider, vendor);
  const pkce = vendor.plugin.pkce ? pkcePair() : null;
  const { state, expiresAt } = await issueState(
    deps.prisma,
    { profileId: request.profileId, provider: request.provider, redirectUri, codeVerifier: pkce?.verifier ?? null, createdBy: request.createdBy },
    deps.config.oauthStateTtlSeconds,
    now,
  );
  const url = authorizationUrl(vendor.plugin, vendor.endpoints, { clientId: vendor.client.clientId, redirectUri, state, codeChallenge: pkce?.challenge });
  return { provider: request.provider, authorizationUrl: url, state, expiresAt };
}

/** The Dexcom transmitter behind the account, when the vendor says; never fails the connection. */
async function deviceSerial(vendor: VendorClient, tokens: TokenSet): Promise<string | null> {
  if (!vendor.plugin.deviceSerial) return null;
  const api = vendorApi(vendor, { current: async () => tokens.accessToken, refresh: async () => tokens.accessToken });
  return vendor.plugin.deviceSerial(api).catch(() => null);
}

export async function completeConnection(
  deps: ConnectDeps,
  request: { profileId: string; provider: WearableProvider; code: string; state: string },
  now = new Date(),
) {
  const { prisma, config, keyring } = deps;
  const { profileId, provider } = request;
  const vendor = usableVendor(deps, provider);
  const granted = await consumeState(prisma, { state: request.state, profileId, provider }, now);
  if (!request.code.trim()) throw badUserInput('code', 'is empty');
  const tokens = await exchangeCode(vendor.plugin, vendor.endpoints, vendor.client, { code: request.code, redirectUri: granted.redirectUri, codeVerifier: granted.codeVerifier }, vendor.http).catch(
    (error: unknown) => {
      if (error instanceof VendorError && error.kind === 'auth') throw badUserInput('code', `${vendor.plugin.label} refused the authorization code`);
      throw error;
    },
  );
  const serial = await deviceSerial(vendor, tokens);
  // A reconnect may be another vendor account: its sync starts afresh, not from the old cursor.
  const fields = { status: 'CONNECTED' as const, scopes: tokens.scopes, connectedAt: now, lastError: null, syncCursor: null, ...sealTokens(keyring, profileId, provider, tokens) };
  const key = { profileId, provider };
  const [connection] = await prisma.$transaction([
    prisma.wearableConnection.upsert({ where: { profileId_provider: key }, create: { ...key, ...fields }, update: fields, select: { id: true, provider: true } }),
    // A Dexcom account is the patient's CGM.
    ...(provider === 'DEXCOM'
      ? [
          prisma.cgmConnection.upsert({
            where: { profileId_provider: key },
            create: { ...key, status: 'CONNECTED', deviceSerial: serial, connectedAt: now },
            update: { status: 'CONNECTED', connectedAt: now, ...(serial ? { deviceSerial: serial } : {}) },
          }),
        ]
      : []),
    appendPatientEvent(prisma, { patientId: profileId, type: 'WEARABLE_CONNECTED', title: `Connected ${vendor.plugin.label}`, source: 'wearables', detail: { provider } }),
  ]);
  if (deps.queue) await requestSync(prisma, deps.queue, connection, 'connected');
  return prisma.wearableConnection.findUniqueOrThrow({ where: { id: connection.id }, select: PUBLIC_CONNECTION_COLUMNS });
}
