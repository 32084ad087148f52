// Search results drawn from one or more graph connections, in order (Observation: lab readings,
// then wearable days), a page at a time. The next page's position is an opaque cursor: which
// source, and that source's own graph cursor. Bundles wrap pages with self and next links.
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { MAX_FHIR_PAGE_SIZE } from './config';
import { badRequest } from './outcome';

export interface SourcePage {
  resources: Resource[];
  endCursor: string | null;
  hasNextPage: boolean;
  /** The source's whole count, when the graph said it. */
  total: number | null;
}

export interface Source {
  fetch(first: number, after: string | null): Promise<SourcePage>;
}

interface Position {
  /** Index of the source the next page starts in. */
  s: number;
  /** That source's graph cursor (null: its start). */
  a: string | null;
}

export function encodePosition(position: Position): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

function decodePosition(cursor: string | null, sources: number): Position {
  if (cursor === null) return { s: 0, a: null };
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Position;
    if (Number.isInteger(position.s) && position.s >= 0 && position.s <= sources && (position.a === null || typeof position.a === 'string')) return position;
  } catch {
    // answered below
  }
  throw badRequest('_cursor is not a cursor this server returned (follow the Bundle\'s next link)');
}

export interface Page {
  resources: Resource[];
  next: string | null;
  /** Set when every source reported its count (a search's first page over sources that all answered). */
  total?: number;
}

/** Up to `count` resources from the sources, in order, starting where `cursor` says. */
export async function pageAcross(sources: Source[], count: number, cursor: string | null): Promise<Page> {
  let { s: index, a: after } = decodePosition(cursor, sources.length);
  const resources: Resource[] = [];
  const totals: (number | null)[] = [];
  while (index < sources.length && resources.length < count) {
    const page = await sources[index].fetch(count - resources.length, after);
    resources.push(...page.resources);
    totals.push(page.total);
    if (page.hasNextPage) {
      after = page.endCursor;
      if (resources.length >= count) return { resources, next: encodePosition({ s: index, a: after }) };
      continue;
    }
    index += 1;
    after = null;
  }
  const next = index < sources.length ? encodePosition({ s: index, a: null }) : null;
  const complete = cursor === null && next === null && totals.length === sources.length && totals.every((t): t is number => t !== null);
  return { resources, next, ...(complete ? { total: totals.reduce((a, b) => a + b, 0) } : {}) };
}

/** A source whose whole list comes at once (a patient's protocols, connections): paged by offset. */
export function listSource(load: () => Promise<Resource[]>): Source {
  let loaded: Promise<Resource[]> | undefined;
  return {
    async fetch(first, after) {
      const all = await (loaded ??= load());
      const start = after === null ? 0 : Number(after);
      if (!Number.isInteger(start) || start < 0) throw badRequest('_cursor is not a cursor this server returned');
      const end = start + first;
      return { resources: all.slice(start, end), endCursor: String(end), hasNextPage: end < all.length, total: all.length };
    },
  };
}

/** A source over a graph connection, mapping each node; asks the graph at most its page limit at a time. */
export function connectionSource<N>(
  load: (first: number, after: string | null) => Promise<{ totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: N }[] }>,
  map: (node: N) => Resource,
): Source {
  return {
    async fetch(first, after) {
      const resources: Resource[] = [];
      let page: SourcePage = { resources, endCursor: after, hasNextPage: true, total: null };
      while (page.hasNextPage && resources.length < first) {
        const connection = await load(Math.min(first - resources.length, MAX_FHIR_PAGE_SIZE), page.endCursor);
        resources.push(...connection.edges.map((edge) => map(edge.node)));
        page = { resources, endCursor: connection.pageInfo.endCursor, hasNextPage: connection.pageInfo.hasNextPage, total: connection.totalCount };
      }
      return page;
    },
  };
}

export function searchset(base: string, selfUrl: string, page: Page, nextUrl: string | null): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(page.total !== undefined ? { total: page.total } : {}),
    link: [{ relation: 'self', url: selfUrl }, ...(nextUrl ? [{ relation: 'next', url: nextUrl }] : [])],
    entry: page.resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' as const } })),
  };
}
