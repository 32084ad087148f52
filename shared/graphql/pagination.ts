// Relay-style connections. Cursors are opaque to clients (base64url of the row id).
import { badUserInput, isUuid } from './errors';

/** Largest page a client may ask for; bigger requests are refused, not silently cut. */
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!id || encodeCursor(id) !== cursor) throw badUserInput('after', 'is not a cursor this API returned');
  return id;
}

export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badUserInput('first', `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** A page of rows already in memory (a relation loaded by a DataLoader). */
export function connectionFromArray<T extends { id: string }>(rows: readonly T[], args: PageArgs, fallback = 20): Connection<T> {
  const size = pageSize(args.first, fallback);
  let start = 0;
  if (args.after) {
    const afterId = decodeCursor(args.after);
    const index = rows.findIndex((row) => row.id === afterId);
    if (index < 0) throw badUserInput('after', 'does not point into this list');
    start = index + 1;
  }
  const page = rows.slice(start, start + size);
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(node.id), node })),
    pageInfo: { hasNextPage: start + size < rows.length, endCursor: page.length ? encodeCursor(page[page.length - 1].id) : null },
    totalCount: rows.length,
  };
}

export interface PageWindow {
  take: number;
  skip?: number;
  cursor?: { id: string };
}

/**
 * A page straight from the database with Prisma's cursor pagination: spread the window
 * into a findMany whose orderBy ends with the id (a total order). `count` runs only when
 * the client asked for totalCount.
 */
export async function connectionFromQuery<T extends { id: string }>(
  fetchWindow: (window: PageWindow) => Promise<T[]>,
  count: (() => Promise<number>) | null,
  args: PageArgs,
  fallback = 20,
): Promise<Connection<T>> {
  const size = pageSize(args.first, fallback);
  const afterId = args.after ? decodeCursor(args.after) : undefined;
  // Rows are keyed by UUID: anything else is the client's mistake, not a database error.
  if (afterId !== undefined && !isUuid(afterId)) throw badUserInput('after', 'is not a cursor this API returned');
  const window: PageWindow = afterId ? { take: size + 1, skip: 1, cursor: { id: afterId } } : { take: size + 1 };
  const [rows, totalCount] = await Promise.all([fetchWindow(window), count ? count() : Promise.resolve(-1)]);
  const page = rows.slice(0, size);
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(node.id), node })),
    pageInfo: { hasNextPage: rows.length > size, endCursor: page.length ? encodeCursor(page[page.length - 1].id) : null },
    totalCount,
  };
}
