// The OAuth `state`: 256 random bits handed to the browser, stored only as a SHA-256 hash,
// bound to one patient and one provider, valid for a few minutes and usable once. Completing
// a connection with a state that is unknown (forged), used, expired, or issued for another
// patient or provider is refused: a link crafted by someone else cannot attach their vendor
// account to this patient (CSRF), and a replayed redirect does nothing.
import { createHash, randomBytes } from 'node:crypto';
import type { WearableProvider } from '../../../generated/prisma/client';
import type { Prisma } from '../../../shared/db/database';
import { badUserInput } from '../../../shared/graphql/errors';

export const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

export interface IssuedState {
  state: string;
  expiresAt: Date;
}

export async function issueState(
  prisma: Prisma,
  binding: { profileId: string; provider: WearableProvider; redirectUri: string; codeVerifier: string | null; createdBy: string | null },
  ttlSeconds: number,
  now = new Date(),
): Promise<IssuedState> {
  const state = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await prisma.wearableOAuthState.create({ data: { ...binding, stateHash: hashState(state), createdAt: now, expiresAt } });
  return { state, expiresAt };
}

/** Marks the state used and returns what it was issued with, or refuses it naming why. */
export async function consumeState(
  prisma: Prisma,
  presented: { state: string; profileId: string; provider: WearableProvider },
  now = new Date(),
): Promise<{ redirectUri: string; codeVerifier: string | null }> {
  const row = await prisma.wearableOAuthState.findUnique({ where: { stateHash: hashState(presented.state) } });
  if (!row) throw badUserInput('state', 'is not a state this server issued');
  if (row.profileId !== presented.profileId || row.provider !== presented.provider) {
    throw badUserInput('state', 'was issued for another patient or provider');
  }
  if (row.usedAt) throw badUserInput('state', 'was already used: start the connection again');
  if (row.expiresAt.getTime() <= now.getTime()) throw badUserInput('state', 'has expired: start the connection again');
  // Conditional on still being unused: of two concurrent completions, one wins.
  const { count } = await prisma.wearableOAuthState.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now, codeVerifier: null } });
  if (count !== 1) throw badUserInput('state', 'was already used: start the connection again');
  return { redirectUri: row.redirectUri, codeVerifier: row.codeVerifier };
}

/** States are worth keeping a day for diagnosis ("already used"), then go. */
export async function deleteOldStates(prisma: Prisma, now = new Date()): Promise<number> {
  const { count } = await prisma.wearableOAuthState.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 86_400_000) } } });
  return count;
}
