// Vendor tokens are encrypted at rest with AES-256-GCM (node:crypto). Keys come from
// WEARABLE_TOKEN_KEYS ("kid:base64key,kid:base64key", the first encrypts, all decrypt, so a
// key can be rotated in without re-encrypting old rows at once); in development a key is made
// once in the data folder; in production a missing key is a startup error. The key id is
// stored beside the ciphertext and picks the key on the way back. The ciphertext is bound to
// its connection (patient + provider) as additional data: a row's token pasted into another
// row does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WearablesConfig } from '../config';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const FORMAT = 'v1';
const DEV_KEY_FILE = 'wearables/token-keys.json';

export interface Sealed {
  kid: string;
  ciphertext: string;
}

export interface TokenKeyring {
  currentKid: string;
  encrypt(plaintext: string, boundTo: string): Sealed;
  decrypt(sealed: Sealed, boundTo: string): string;
}

export class TokenKeyError extends Error {}

/** Parses `kid:base64key,...` into ordered [kid, key] pairs, refusing anything but 32-byte keys. */
export function parseTokenKeys(spec: string): [string, Buffer][] {
  const entries = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part): [string, Buffer] => {
      const colon = part.indexOf(':');
      if (colon < 1) throw new TokenKeyError('WEARABLE_TOKEN_KEYS entries look like kid:base64key');
      const kid = part.slice(0, colon);
      const key = Buffer.from(part.slice(colon + 1), 'base64');
      if (key.length !== KEY_BYTES) throw new TokenKeyError(`WEARABLE_TOKEN_KEYS key "${kid}" must be ${KEY_BYTES} bytes (base64), got ${key.length}`);
      return [kid, key];
    });
  if (entries.length === 0) throw new TokenKeyError('WEARABLE_TOKEN_KEYS holds no key');
  if (new Set(entries.map(([kid]) => kid)).size !== entries.length) throw new TokenKeyError('WEARABLE_TOKEN_KEYS repeats a key id');
  return entries;
}

export function keyringFrom(entries: [string, Buffer][]): TokenKeyring {
  const keys = new Map(entries);
  const [currentKid, currentKey] = entries[0];
  return {
    currentKid,
    encrypt(plaintext, boundTo) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      cipher.setAAD(Buffer.from(boundTo));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')];
      return { kid: currentKid, ciphertext: parts.join('.') };
    },
    decrypt(sealed, boundTo) {
      const key = keys.get(sealed.kid);
      if (!key) throw new TokenKeyError(`no token key "${sealed.kid}" is configured (was it rotated out of WEARABLE_TOKEN_KEYS?)`);
      const [format, iv, tag, body] = sealed.ciphertext.split('.');
      if (format !== FORMAT || !iv || !tag || body === undefined) throw new TokenKeyError('not a sealed token');
      try {
        // A 16-byte tag only: GCM would otherwise accept a truncated (weaker) one.
        const authTag = Buffer.from(tag, 'base64url');
        if (authTag.length !== 16) throw new TokenKeyError('not a sealed token');
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
        decipher.setAAD(Buffer.from(boundTo));
        decipher.setAuthTag(authTag);
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new TokenKeyError(`a sealed token does not open with key "${sealed.kid}" (altered, or sealed for another connection)`);
      }
    },
  };
}

/** The development key: made once (mode 0600) in the data folder, shared by every process using it. */
function devKeys(dataDir: string): string {
  const file = path.join(dataDir, DEV_KEY_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const spec = `dev-${Date.now().toString(36)}:${randomBytes(KEY_BYTES).toString('base64')}`;
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, spec, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
  return spec;
}

export function loadTokenKeyring(config: Pick<WearablesConfig, 'env' | 'dataDir' | 'tokenKeys'>): TokenKeyring {
  if (config.tokenKeys) return keyringFrom(parseTokenKeys(config.tokenKeys));
  if (config.env === 'production') {
    throw new TokenKeyError('WEARABLE_TOKEN_KEYS is required in production (kid:base64 of 32 random bytes, e.g. `openssl rand -base64 32`)');
  }
  return keyringFrom(parseTokenKeys(devKeys(config.dataDir)));
}

/** What the tokens of one connection are bound to. */
export const tokenBinding = (profileId: string, provider: string) => `${profileId}|${provider}`;
