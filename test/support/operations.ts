import { readFileSync } from 'node:fs';
import path from 'node:path';

export function operation(name: string): string {
  return readFileSync(path.join(__dirname, '../../clients/operations', `${name}.graphql`), 'utf8');
}

/** The dashboard's wearable window: the last 7 days, as the product shows it. */
export function lastWeek(now = new Date()): { statsFrom: string; statsTo: string } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const from = new Date(to.getTime() - 6 * 86_400_000);
  return { statsFrom: from.toISOString().slice(0, 10), statsTo: to.toISOString().slice(0, 10) };
}
