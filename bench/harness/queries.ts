// The requests the benchmarks send, in one place: the dashboard page (clients/operations) over
// the last seven days, and the public catalog a visitor's page asks for anonymously.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The dashboard operation's name (clients/operations/dashboard.graphql). */
export const DASHBOARD_OPERATION = 'PatientDashboard';

/** The dashboard for `patients` patients, wearable stats over the last seven whole days (UTC). */
export function dashboardBody(patients: number): string {
  const query = readFileSync(path.join(__dirname, '../../clients/operations/dashboard.graphql'), 'utf8');
  const today = new Date();
  const to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  const from = new Date(to.getTime() - 6 * 86_400_000);
  return JSON.stringify({ query, operationName: DASHBOARD_OPERATION, variables: { first: patients, statsFrom: from.toISOString().slice(0, 10), statsTo: to.toISOString().slice(0, 10) } });
}

/** What a visitor's catalog page asks for: fields every measured version has. */
export const CATALOG_QUERY = `query PublicCatalog {
  peptides(first: 20) { edges { node { id slug name } } }
  stacks(first: 10) { edges { node { id name } } }
  blogPosts(first: 10) { edges { node { id slug title excerpt } } }
  faqs(first: 20) { edges { node { id question answer } } }
}`;

export const catalogBody = (): string => JSON.stringify({ query: CATALOG_QUERY, operationName: 'PublicCatalog' });
