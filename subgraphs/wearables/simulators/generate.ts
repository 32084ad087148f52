// Deterministic simulated data: every value is a hash of (vendor user, day, what), so a
// simulator restarted tomorrow serves the same history, and a re-sync sees the very same
// records (with the same vendor ids) as the sync before it.
import { createHash } from 'node:crypto';

function digest(keys: (string | number)[]): Buffer {
  return createHash('sha256').update(keys.join('|')).digest();
}

/** A number in [0, 1) for these keys. */
export function unit(...keys: (string | number)[]): number {
  return digest(keys).readUInt32BE(0) / 2 ** 32;
}

/** Roughly normal around 0 with standard deviation 1 (Box-Muller on two hashed uniforms). */
export function normal(...keys: (string | number)[]): number {
  const u = Math.max(unit(...keys, 'u'), 1e-9);
  const v = unit(...keys, 'v');
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function between(low: number, high: number, ...keys: (string | number)[]): number {
  return low + (high - low) * unit(...keys);
}

/** A UUID-shaped id for these keys (vendors' record ids are unique across their users). */
export function vendorUuid(...keys: (string | number)[]): string {
  const hex = digest(keys).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A positive integer id below 2^48 for these keys (WHOOP's cycle ids are integers). */
export function vendorInt(...keys: (string | number)[]): number {
  return digest(keys).readUIntBE(0, 6);
}

export const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

export const DAY_MS = 86_400_000;

export const isoDay = (date: Date | number) => new Date(date).toISOString().slice(0, 10);

/** Midnight UTC of each day from `start` to `end` (inclusive), oldest first. */
export function utcDays(start: Date | number, end: Date | number): number[] {
  const days: number[] = [];
  for (let t = Date.parse(`${isoDay(start)}T00:00:00.000Z`); t <= new Date(end).getTime(); t += DAY_MS) days.push(t);
  return days;
}

/** How far back a simulated account has data. */
export const HISTORY_DAYS = 120;
